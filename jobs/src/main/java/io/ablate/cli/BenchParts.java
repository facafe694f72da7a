package io.ablate.cli;

import io.ablate.bench.BenchPart;
import io.ablate.bench.BenchSuite;
import io.ablate.bench.ExecutorWarmup;
import io.ablate.bench.FileOpenBench;
import io.ablate.bench.JobBench;
import io.ablate.bench.KernelBench;
import io.ablate.bench.ProfileBench;
import io.ablate.bench.UdfBench;
import io.ablate.dataset.ScratchDir;
import io.ablate.latency.KernelResult;
import io.ablate.latency.LatencyRow;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;

/** The parts of {@code ablate bench}, each measuring one thing and adding rows and tables. */
final class BenchParts {
  private BenchParts() {}

  /** The kernel benchmark: every variant's scalar, SIMD and PyTorch kernels, and the copy. */
  record KernelPart(int elems, int reps, boolean quick) implements BenchPart {
    @Override
    public String name() {
      return "kernels";
    }

    @Override
    public void run(BenchSuite.Context ctx) {
      ctx.out().printf("Kernels: single thread, %d floats per call, %d repetitions after warm-up%n",
          elems, reps);
      List<KernelResult> results = KernelBench.run(elems, quick ? 2 : 3, reps, ctx.out(),
          quick ? 100 : 300);
      KernelResult copy = results.stream().filter(r -> r.impl().equals("memcpy")).findFirst()
          .orElseThrow();
      List<LatencyRow> rows = new ArrayList<>();
      for (KernelResult r : results) {
        rows.add(r.toLatencyRow(ctx.host(), ctx.device(), copy.bytesPerSec())
            .withScope(r.impl().equals("memcpy") ? LatencyRow.LIMIT : LatencyRow.KERNEL));
      }
      ctx.addRows(rows);
      ctx.addMarkdown(KernelBench.markdownTable(results, ctx.command(), ctx.machine()));
      ctx.out().print(KernelBench.targetReport(results));
      ctx.addSummary(line("kernels", "memory copy (" + elems + " floats)", copy, 8, copy));
      for (String v : List.of("gelu", "gelu_tanh", "silu", "relu", "swiglu")) {
        for (KernelResult r : results) {
          if (r.activation().equals(v) && !r.impl().equals("scalar")) {
            ctx.addSummary(line("kernels", v + " " + r.impl(), r, 0, copy));
          }
        }
      }
    }

    private static BenchSuite.Line line(String part, String figure, KernelResult r, int bytes,
        KernelResult copy) {
      double[] eps = Arrays.stream(r.samples()).map(ns -> 1e3 / ns).toArray(); // M el/s
      double spread = Arrays.stream(eps).max().orElse(0) - Arrays.stream(eps).min().orElse(0);
      if (bytes > 0) {
        return new BenchSuite.Line(part, figure, r.bytesPerSec() / 1e9, spread * bytes / 1e3,
            "GB/s", Double.NaN, "");
      }
      return new BenchSuite.Line(part, figure, r.elemsPerSec() / 1e6, spread, "M el/s",
          r.bytesPerSec() / copy.bytesPerSec(), "copy");
    }
  }

  /** Per executor, its first accuracy pass against its second: what a cold JVM costs. */
  record ExecutorsPart(long values, String input) implements BenchPart {
    @Override
    public String name() {
      return "executors";
    }

    @Override
    public void run(BenchSuite.Context ctx) {
      SparkSession spark = ctx.spark();
      try (ScratchDir scratch = ScratchDir.create("ablate-executors-bench")) {
        String in = dataset(ctx, scratch, values, input, "Executors");
        List<ExecutorWarmup.Row> rows = ExecutorWarmup.run(spark, in, ctx.out());
        TextTable t = new TextTable("executor", "host", "tasks (1st, 2nd)", "rows (1st, 2nd)",
            "1st pass s", "2nd pass s", "1st / 2nd per row");
        for (ExecutorWarmup.Row r : rows) {
          t.row(r.executor(), r.host(), r.tasks()[0] + ", " + r.tasks()[1],
              r.rows()[0] + ", " + r.rows()[1],
              String.format(Locale.ROOT, "%.2f", r.millis()[0] / 1e3),
              String.format(Locale.ROOT, "%.2f", r.millis()[1] / 1e3),
              String.format(Locale.ROOT, "%.2f", r.ratio()));
          ctx.addSummary(new BenchSuite.Line("executors", "executor " + r.executor()
              + ": 1st pass per row / 2nd", r.ratio(), 0, "×", Double.NaN, ""));
        }
        ctx.out().print(t.render());
        ctx.addMarkdown("### Cold executors: first and second accuracy pass\n\n"
            + "The one-variant pass (" + JobBench.ONE + ") twice in one application over "
            + in + " (" + spark.sparkContext().master() + "), per executor: the time its tasks "
            + "took (deserialisation and run) over the rows it read. Command: `"
            + ctx.command() + "`; " + ctx.machine() + "; " + LocalDate.now() + ".\n\n"
            + t.markdown() + "\n");
      }
    }
  }

  /** Opening a dataset of many small files, against Spark's own read of the directory. */
  record FilesPart(int files) implements BenchPart {
    @Override
    public String name() {
      return "files";
    }

    @Override
    public void run(BenchSuite.Context ctx) {
      SparkSession spark = ctx.spark();
      try (ScratchDir scratch = ScratchDir.create("ablate-files-bench")) {
        String in = scratch.resolve("files.parquet");
        ctx.out().printf("Files: writing %d small Parquet files...%n", files);
        FileOpenBench.prepare(spark, files, in);
        FileOpenBench.Result r = FileOpenBench.run(spark, in, ctx.quick() ? 1 : 3, ctx.out());
        double ablate = FileOpenBench.Result.median(r.ablate());
        double plain = FileOpenBench.Result.median(r.spark());
        TextTable t = new TextTable("files", "Ablate's open s (median)",
            "spark.read().parquet(dir) s (median)", "Ablate / Spark");
        t.row(r.files(), String.format(Locale.ROOT, "%.2f", ablate),
            String.format(Locale.ROOT, "%.2f", plain),
            String.format(Locale.ROOT, "%.1f", ablate / plain));
        ctx.out().print(t.render());
        ctx.addSummary(new BenchSuite.Line("files", "open " + r.files() + " files", ablate, 0,
            "s", Double.NaN, ""));
        ctx.addMarkdown("### Opening many files\n\nAblate's open of a dataset (listing, every "
            + "file's footer, the contract's checks) against Spark's read of the directory and its "
            + "schema, " + r.ablate().length + " alternating repetitions. Command: `"
            + ctx.command() + "`; " + ctx.machine() + "; " + LocalDate.now() + ".\n\n"
            + t.markdown() + "\n");
      }
    }
  }

  /** The benchmark dataset: {@code input}, or {@code values} generated values in {@code scratch}. */
  private static String dataset(BenchSuite.Context ctx, ScratchDir scratch, long values,
      String input, String part) {
    if (input != null) {
      return input;
    }
    String in = scratch.resolve("vectors.parquet");
    ctx.out().printf("%s: writing %d values with the generator...%n", part, values);
    JobBench.prepare(ctx.spark(), values, in);
    return in;
  }

  /** The SQL functions over Parquet, against a scan and hand-written SQL. */
  record UdfPart(long elems) implements BenchPart {
    @Override
    public String name() {
      return "udf";
    }

    @Override
    public void run(BenchSuite.Context ctx) {
      SparkSession spark = ctx.spark();
      List<UdfBench.Result> results = UdfBench.run(spark, elems, 1024, ctx.quick() ? 3 : 5,
          ctx.out());
      TextTable t = new TextTable("column", "query", "form", "seconds (median)", "spread",
          "M values/s", "vs scan");
      double arrayScan = results.get(0).seconds();
      double binaryScan = results.stream().filter(r -> r.column().equals("binary")).findFirst()
          .orElseThrow().seconds();
      List<LatencyRow> rows = new ArrayList<>();
      for (UdfBench.Result r : results) {
        double scan = r.column().equals("binary") ? binaryScan : arrayScan;
        t.row(r.column(), "`" + r.query() + "`", r.form(), String.format("%.3f", r.seconds()),
            String.format("%.3f", r.spread()), String.format("%.1f", r.elemsPerSec() / 1e6),
            String.format("%.2fx", r.seconds() / scan));
        rows.add(r.toLatencyRow(ctx.host(), ctx.device()));
        if (r.form().startsWith("CPU") && r.query().startsWith("gelu_tanh")) {
          ctx.addSummary(new BenchSuite.Line("udf", r.column() + " gelu_tanh vs scan",
              r.seconds() / scan, Double.NaN, "×", Double.NaN, ""));
        }
      }
      ctx.addRows(rows);
      ctx.addMarkdown(String.format("SQL functions over %d float32 values in Parquet, %s. "
          + "Command: `%s` (%s)  %nMachine: %s%n%n", results.get(0).values(),
          spark.sparkContext().master(), ctx.command(), LocalDate.now(), ctx.machine())
          + t.markdown());
    }
  }

  /** The accuracy job against a plain scan and the same metrics as hand-written Spark SQL. */
  record JobPart(long values, String input, int reps, int sqlReps) implements BenchPart {
    @Override
    public String name() {
      return "job";
    }

    @Override
    public void run(BenchSuite.Context ctx) {
      SparkSession spark = ctx.spark();
      try (ScratchDir scratch = ScratchDir.create("ablate-job-bench")) {
        String in = dataset(ctx, scratch, values, input, "Job benchmark");
        List<JobBench.Result> results = JobBench.run(spark, in, reps, sqlReps, ctx.out());
        List<LatencyRow> rows = new ArrayList<>();
        for (JobBench.Result r : results) {
          rows.add(r.toLatencyRow(ctx.host(), ctx.device()));
          ctx.addSummary(new BenchSuite.Line("job", r.name() + " (× plain scan " + String.format(
              Locale.ROOT, "%.2f", r.vsScan()) + ")", r.seconds(), r.spread(), "s",
              Double.NaN, ""));
        }
        ctx.addRows(rows);
        ctx.addMarkdown(jobTable("Accuracy pass", results, spark.sparkContext().master(), ctx));
      }
    }
  }

  /**
   * A job or profile benchmark as Markdown ({@code what}: "Accuracy pass", "Profile pass"): each
   * job against the plain scan (Spark's scan into its noop sink; the median of per-round ratios,
   * what the targets are read from), against Ablate's own read of every vector (the floor; ratio of
   * medians), and the SQL peer's time over the job's.
   */
  static String jobTable(String what, List<JobBench.Result> results, String master,
      BenchSuite.Context ctx) {
    double sql = medianOf(results, r -> r.impl().equals("sql"));
    double read = medianOf(results, r -> r.variant().equals("read"));
    TextTable t = new TextTable("job", "impl", "variants", "seconds (median)", "spread",
        "M values/s", "vs plain scan", "vs Ablate's read", "SQL / job");
    for (JobBench.Result r : results) {
      boolean pass = !r.impl().equals("sql") && !r.impl().equals("scan");
      t.row(r.name(), r.impl(), r.variants(), String.format("%.2f", r.seconds()),
          String.format("%.2f", r.spread()), String.format("%.1f", r.valuesPerSec() / 1e6),
          String.format("%.2fx", r.vsScan()), String.format("%.2fx", r.seconds() / read),
          pass && !Double.isNaN(sql) ? String.format("%.1fx", sql / r.seconds()) : "");
    }
    return String.format("%s over %d float32 values (array<float>, Parquet), %s. Command: `%s` "
        + "(%s)  %nMachine: %s%n%n", what, results.get(0).values(), master, ctx.command(),
        LocalDate.now(), ctx.machine()) + t.markdown();
  }

  private static double medianOf(List<JobBench.Result> results,
      java.util.function.Predicate<JobBench.Result> which) {
    return results.stream().filter(which).mapToDouble(JobBench.Result::seconds).findFirst()
        .orElse(Double.NaN);
  }

  /** The profile pass (moments and KLL sketches) against a scan and Spark's percentile_approx. */
  record ProfilePart(long values, String input, int reps, int sqlReps)
      implements BenchPart {
    @Override
    public String name() {
      return "profile";
    }

    @Override
    public void run(BenchSuite.Context ctx) {
      SparkSession spark = ctx.spark();
      try (ScratchDir scratch = ScratchDir.create("ablate-profile-bench")) {
        String in = dataset(ctx, scratch, values, input, "Profile benchmark");
        List<JobBench.Result> results = ProfileBench.run(spark, in, reps, sqlReps, ctx.out());
        List<LatencyRow> rows = new ArrayList<>();
        for (JobBench.Result r : results) {
          rows.add(r.toLatencyRow(ctx.host(), ctx.device()));
          ctx.addSummary(new BenchSuite.Line("profile", r.name() + " (× plain scan "
              + String.format(Locale.ROOT, "%.2f", r.vsScan()) + ")", r.seconds(), r.spread(), "s",
              Double.NaN, ""));
        }
        ctx.addRows(rows);
        ctx.addMarkdown(jobTable("Profile pass", results, spark.sparkContext().master(), ctx));
      }
    }
  }
}

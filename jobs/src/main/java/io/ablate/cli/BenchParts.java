package io.ablate.cli;

import io.ablate.AblateException;
import io.ablate.bench.BenchPart;
import io.ablate.bench.BenchSuite;
import io.ablate.bench.EndToEndBench;
import io.ablate.bench.EndToEndPeer;
import io.ablate.bench.ExecutorWarmup;
import io.ablate.bench.FileOpenBench;
import io.ablate.bench.FreshJvm;
import io.ablate.bench.JobBench;
import io.ablate.bench.KernelBench;
import io.ablate.bench.ProfileBench;
import io.ablate.bench.UdfBench;
import io.ablate.dataset.ScratchDir;
import io.ablate.job.AblationJob;
import io.ablate.latency.KernelResult;
import io.ablate.latency.LatencyRow;
import java.nio.file.Files;
import java.nio.file.Path;
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

  /**
   * Commands as users meet them, each a fresh process (see {@link EndToEndBench}): the accuracy
   * job with one variant and with the default eight, the profile job, a report of a repository of
   * 100 runs, drift between two of its profile runs, the variant list (no Spark), and two peers
   * computing one figure from the same files (Spark SQL, DuckDB).
   */
  record EndToEndPart(long values, String input, int reps) implements BenchPart {
    /** Runs in the repository the report lists (profile runs, then the drift command's). */
    static final int RUNS = 100;
    static final String DRIFT_RUN = "e2e-drift";
    /** Values of the dataset the repository's profile runs read (4 layers of 8 vectors). */
    static final int SMALL = 4 * 1024 * 8;

    @Override
    public String name() {
      return "e2e";
    }

    @Override
    public void run(BenchSuite.Context ctx) throws Exception {
      SparkSession spark = ctx.spark();
      try (ScratchDir scratch = ScratchDir.create("ablate-e2e-bench")) {
        String in = dataset(ctx, scratch, values, input, "End to end");
        long n = spark.read().parquet(in).selectExpr("sum(size(`values`))").first().getLong(0);
        // The report's repository: RUNS - 1 profile runs of a small dataset with the same keys,
        // made here; the drift command's run, made by its first timed run, is the last (drift
        // runs before the report in every round).
        String small = scratch.resolve("small.parquet");
        String repo = scratch.resolve("repository");
        ctx.out().printf("End to end: %d profile runs into %s...", RUNS - 1, repo);
        long t0 = System.nanoTime();
        JobBench.prepare(spark, SMALL, small);
        List<String> ids = new ArrayList<>(EndToEndBench.profileRuns(spark, small, repo,
            "e2e-profile-", RUNS - 1));
        ctx.out().printf(Locale.ROOT, " %.1f s%n", (System.nanoTime() - t0) / 1e9);
        ids.add(DRIFT_RUN);
        String metrics = scratch.resolve("metrics");
        EndToEndBench.Command one = EndToEndBench.Command.ablate("ablate, 1 variant",
            JobBench.ONE, "fp32", n, "ablate", "--input", in, "--metrics", metrics, "--variants",
            JobBench.ONE);
        EndToEndBench.Command report = EndToEndBench.Command.ablate("report of " + RUNS
            + " runs", "none", "none", 0, "report", "--metrics", repo, "--table", "runs");
        List<EndToEndBench.Command> peers = List.of(
            EndToEndBench.Command.peer(EndToEndPeer.SPARK, in, n),
            EndToEndBench.Command.peer(EndToEndPeer.DUCKDB, in, n));
        List<EndToEndBench.Command> commands = new ArrayList<>(List.of(one,
            EndToEndBench.Command.ablate("ablate, 8 variants (default)",
                AblationJob.DEFAULT_VARIANTS, "mixed", n, "ablate", "--input", in, "--metrics",
                metrics),
            EndToEndBench.Command.ablate("profile", "none", "none", n, "profile", "--input", in,
                "--metrics", metrics),
            EndToEndBench.Command.ablate("drift", "none", "none", 0, "drift", "--metrics", repo,
                "--baseline", ids.get(0), "--candidate", ids.get(1), "--run-id", DRIFT_RUN),
            report,
            EndToEndBench.Command.ablate("variants (no Spark)", "none", "none", 0, "variants")));
        commands.addAll(peers);
        FreshJvm jvm = FreshJvm.likeThis(AblateHome.resolve("conf/log4j2.properties"));
        ctx.out().printf("End to end: %d commands, each a fresh process, %d round%s%n",
            commands.size(), reps, reps == 1 ? "" : "s");
        Path logs = Files.createDirectories(Path.of(scratch.resolve("logs")));
        List<EndToEndBench.Result> results = EndToEndBench.run(jvm, commands, reps, logs,
            ctx.out());
        List<String> notes = new ArrayList<>();
        notes.add(reportListed(results.get(commands.indexOf(report)), ids, repo));
        notes.add(versusPeers(results.get(commands.indexOf(one)), results.subList(
            commands.indexOf(peers.get(0)), commands.size())));
        List<LatencyRow> rows = new ArrayList<>();
        for (EndToEndBench.Result r : results) {
          rows.add(r.toLatencyRow(ctx.host(), ctx.device()));
          ctx.addSummary(new BenchSuite.Line("e2e", r.command().label() + " (fresh process)",
              r.median(), r.max() - r.min(), "s", Double.NaN, ""));
        }
        ctx.addRows(rows);
        ctx.addMarkdown(EndToEndBench.markdown(results, jvm, in, n, ctx.command(),
            ctx.machine(), LocalDate.now().toString(), notes));
      }
    }

    /** Checks that every run of the report listed every run id; the note saying so. */
    private static String reportListed(EndToEndBench.Result report, List<String> ids,
        String repo) {
      for (FreshJvm.Child c : report.runs()) {
        for (String id : ids) {
          if (!c.stdout().contains(id)) {
            throw new AblateException(AblateException.Kind.INTERNAL, "e2e benchmark: `"
                + report.command().shown() + "` did not list run " + id + " of " + repo);
          }
        }
      }
      return String.format(Locale.ROOT, "`ablate report` listed the %d runs of %s each time: %d "
          + "profile runs of a %d-value dataset with the layers of the one above (two made by the "
          + "profile job, the others copies of the second's files under their own ids), and the "
          + "drift command's run (its id, %s, given to every drift run: one run, replaced).",
          ids.size(), repo, ids.size() - 1, SMALL, DRIFT_RUN);
    }

    /** Ablate's one-variant run against the peers' figure over the same files. */
    private static String versusPeers(EndToEndBench.Result ablate,
        List<EndToEndBench.Result> peers) {
      List<EndToEndPeer.Result> figures = EndToEndBench.peerFigures(peers);
      StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "Ablate's one-variant run "
          + "(eight accuracy metrics of %s against GELU in float64, per layer and site, committed "
          + "to a metrics repository): %.2f s wall (median). The peers compute one figure from "
          + "the same files, max |gelu_tanh(x) − gelu_sigmoid(x)| in float64 over %d finite "
          + "values (both found %.6g):", JobBench.ONE, ablate.median(), figures.get(0).values(),
          figures.get(0).maxAbsDiff()));
      for (EndToEndBench.Result p : peers) {
        sb.append(String.format(Locale.ROOT, " %s %.2f s (Ablate's run %.2f× its time);",
            p.command().label(), p.median(), ablate.median() / p.median()));
      }
      sb.setLength(sb.length() - 1);
      return sb.append('.').toString();
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

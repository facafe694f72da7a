package io.ablate.cli;

import io.ablate.AblateException;
import io.ablate.bench.BenchPart;
import io.ablate.latency.KernelResult;
import io.ablate.bench.BenchSuite;
import io.ablate.bench.FfnBench;
import io.ablate.bench.FfnReport;
import io.ablate.bench.FfnShape;
import io.ablate.bench.JobBench;
import io.ablate.bench.KernelBench;
import io.ablate.bench.ProfileBench;
import io.ablate.bench.UdfBench;
import io.ablate.dataset.ScratchDir;
import io.ablate.latency.LatencyRow;
import io.ablate.repository.MetricsRepository;
import io.ablate.repository.RunId;
import io.ablate.repository.RunRecord;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code ablate bench}: every benchmark as one suite, in one JVM, one part after the other
 * ({@link BenchPart}s): the kernel benchmark (every variant's scalar and SIMD kernel, PyTorch
 * through DJL, the memory-copy bandwidth), FFN blocks at model shapes against the machine's limits,
 * the SQL functions, and the accuracy job against hand-written SQL and a plain scan. With
 * {@code --metrics DIR} every figure lands in the {@code latency} table as one run; a summary table
 * is printed at the end and, with {@code --out}, the README's Markdown is written. Medians over
 * repetitions after warm-up, with the spread.
 */
final class BenchCommand implements Command {
  /**
   * The parts in the order they run ({@code --only} selects among them). The passes come first, in
   * a fresh JVM as on an executor: after the kernel and SQL benchmarks have run every vector shape
   * through the Vector API's shared classes, C2 compiles the passes' loops against polluted type
   * profiles and they ran 3× slower (measured: 5.1 s instead of 1.7 s for the one-variant pass).
   */
  static final List<String> PARTS = List.of("job", "profile", "kernels", "ffn", "udf");

  @Override
  public String name() {
    return "bench";
  }

  @Override
  public String summary() {
    return "benchmarks: kernels, FFN blocks vs the machine's limits, SQL functions, the job";
  }

  @Override
  public String usage() {
    return "  --quick           about a minute: smaller sizes, fewer variants and repetitions\n"
        + "  --only LIST       parts to run, comma-separated: " + String.join(", ", PARTS)
        + " (default all)\n"
        + "  --elems N         floats per kernel call (default 16777216; quick 1048576)\n"
        + "  --reps R          timed kernel repetitions (default 10; quick 5)\n"
        + "  --shapes LIST     FFN shapes, e.g. 4096x11008:gated,4096x14336:gated:moe=8/2\n"
        + "                    (default gpt2-small 768x3072, gpt2-xl 1600x6400, llama-7b\n"
        + "                    4096x11008:gated, moe-8x2 4096x14336:gated:moe=8/2)\n"
        + "  --tokens LIST     FFN token batches (default 1,512; quick 1,16 and MoE 1)\n"
        + "  --udf-elems N     values in the UDF benchmark's Parquet table (default 16M; quick 2M)\n"
        + "  --job-values N    values in the job benchmark's dataset (default 1e8; quick 2e6)\n"
        + "  --job-input DIR   an existing array<float> activation dataset for the job benchmark\n"
        + "  --job-reps R      repetitions of each job (default 3)\n"
        + "  --sql-reps R      repetitions of the hand-written SQL peer (default 1; 0 skips it)\n"
        + "  --master URL      Spark master of the UDF and job benchmarks (default local[2])\n"
        + "  --out FILE.md     also write the Markdown tables and the summary (the README's)\n"
        + "  --metrics DIR     also record every figure in the latency table of a metrics\n"
        + "                    repository, as one run (scope kernel, ffn, ffn_fusion, limit, udf,\n"
        + "                    job)\n"
        + "  --run-id ID       the run's id (default: a timestamp and a random suffix)\n";
  }

  @Override
  public int run(Options options, PrintStream out) throws Exception {
    boolean quick = options.flag("quick");
    Set<String> only = new LinkedHashSet<>();
    for (String p : options.get("only", String.join(",", PARTS)).split(",")) {
      String name = p.trim().toLowerCase(Locale.ROOT);
      if (!PARTS.contains(name)) {
        throw AblateException.badInput("--only %s; valid: %s", p, String.join(", ", PARTS));
      }
      only.add(name);
    }
    List<BenchPart> parts = new ArrayList<>();
    for (String name : PARTS) { // in the suite's order, whatever the order given
      if (only.contains(name)) {
        parts.add(part(name, options, quick));
      }
    }
    String file = options.get("out", null);
    String metrics = options.get("metrics", null);
    String runIdText = options.get("run-id", null);
    RunId runId = runIdText == null ? RunId.generate() : RunId.of(runIdText);
    Sessions.Settings settings = Sessions.Settings.of(options, "local[2]");
    options.requireAllUsed(name());

    String machine = KernelBench.machineDescription();
    String command = "jobs/bin/ablate bench" + (quick ? " --quick" : "")
        + (only.size() < PARTS.size() ? " --only " + String.join(",", only) : "");
    BenchSuite.Context ctx = new BenchSuite.Context(quick, out,
        () -> Sessions.create(name(), settings), machine, command, RunRecord.hostName());
    out.println("Machine: " + machine);
    try {
      if (metrics == null) {
        BenchSuite.run(parts, ctx);
      } else {
        SparkSession spark = ctx.spark();
        MetricsRepository repo = MetricsRepository.open(spark, metrics);
        String args = String.format(Locale.ROOT, "{\"quick\":%b,\"only\":\"%s\"}", quick,
            String.join(",", only));
        RunRecord record = RunRecord.start(runId, "bench", args, "", "", spark);
        try (MetricsRepository.Run run = repo.begin(record)) {
          try {
            BenchSuite.run(parts, ctx);
            List<Row> rows = ctx.rows().stream().map(LatencyRow::toRow).toList();
            run.write("latency", spark.createDataFrame(rows, LatencyRow.SCHEMA));
            run.commit();
          } catch (Exception | Error e) {
            run.fail(e);
            throw e;
          }
        }
        out.printf("%d latency rows in %s (run_id %s)%n", ctx.rows().size(), metrics,
            runId.value());
      }
    } finally {
      if (ctx.sparkIfStarted() != null) {
        ctx.sparkIfStarted().stop();
      }
    }
    String summary = "Summary of `" + command + "` (" + LocalDate.now() + "):\n\n"
        + BenchSuite.summaryTable(ctx.summary());
    out.println();
    out.print(summary);
    if (file != null) {
      try {
        Files.writeString(Path.of(file), ctx.markdown() + "\n" + summary, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + file, e);
      }
      out.println("Written to " + file);
    }
    return 0;
  }

  /** A part, its options read from {@code options}. */
  private static BenchPart part(String name, Options options, boolean quick) {
    switch (name) {
      case "kernels": {
        int elems = (int) options.getLong("elems", quick ? 1 << 20 : 1 << 24, 1024, 1 << 28);
        int reps = (int) options.getLong("reps", quick ? 5 : 10, 1, 1000);
        return new KernelPart(elems, reps, quick);
      }
      case "ffn": {
        FfnBench.Settings s = quick ? FfnBench.Settings.quick() : FfnBench.Settings.full();
        String shapes = options.get("shapes", null);
        String tokens = options.get("tokens", null);
        if (shapes != null) {
          s = s.withShapes(FfnShape.parseList(shapes), s.tokens());
        }
        if (tokens != null) {
          s = s.withTokens(parseTokens(tokens));
        }
        return new FfnReport(s);
      }
      case "udf":
        return new UdfPart(options.getLong("udf-elems", quick ? 1 << 21 : 1 << 24, 1024, 1L << 34));
      case "job":
        return new JobPart(options.getLong("job-values", quick ? 2_000_000 : 100_000_000, 4096,
            1L << 40), options.get("job-input", null),
            (int) options.getLong("job-reps", 3, 1, 100),
            (int) options.getLong("sql-reps", 1, 0, 100));
      case "profile":
        return new ProfilePart(options.getLong("job-values", quick ? 2_000_000 : 100_000_000, 4096,
            1L << 40), options.get("job-input", null),
            (int) options.getLong("job-reps", 3, 1, 100),
            (int) options.getLong("sql-reps", 1, 0, 100));
      default:
        throw new IllegalArgumentException(name);
    }
  }

  static List<Integer> parseTokens(String text) {
    List<Integer> out = new ArrayList<>();
    for (String t : text.split(",")) {
      try {
        int v = Integer.parseInt(t.trim());
        if (v < 1 || v > 65536) {
          throw new NumberFormatException();
        }
        out.add(v);
      } catch (NumberFormatException e) {
        throw AblateException.badInput("--tokens %s: expected token batch sizes 1..65536, e.g. "
            + "1,512", text);
      }
    }
    return out;
  }

  /** The kernel benchmark: every variant's scalar, SIMD and PyTorch kernels, and the copy. */
  private record KernelPart(int elems, int reps, boolean quick) implements BenchPart {
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
      ctx.addMarkdown(KernelBench.markdownTable(results, ctx.command() + " (" + LocalDate.now()
          + ")", ctx.machine()));
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

  /** The SQL functions over Parquet, against a scan and hand-written SQL. */
  private record UdfPart(long elems) implements BenchPart {
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
      ctx.addMarkdown(String.format("SQL functions over %d float32 values in Parquet, %s, %s:%n%n",
          results.get(0).values(), spark.sparkContext().master(), ctx.command() + " ("
              + LocalDate.now() + ")") + t.markdown());
    }
  }

  /** The accuracy job against a plain scan and the same metrics as hand-written Spark SQL. */
  private record JobPart(long values, String input, int reps, int sqlReps) implements BenchPart {
    @Override
    public String name() {
      return "job";
    }

    @Override
    public void run(BenchSuite.Context ctx) {
      SparkSession spark = ctx.spark();
      try (ScratchDir scratch = ScratchDir.create("ablate-job-bench")) {
        String in = input;
        if (in == null) {
          in = scratch.resolve("vectors.parquet");
          ctx.out().printf("Job benchmark: writing %d values with the generator...%n", values);
          JobBench.prepare(spark, values, in);
        }
        List<JobBench.Result> results = JobBench.run(spark, in, reps, sqlReps, ctx.out());
        List<LatencyRow> rows = new ArrayList<>();
        for (JobBench.Result r : results) {
          rows.add(r.toLatencyRow(ctx.host(), ctx.device()));
          ctx.addSummary(new BenchSuite.Line("job", r.name() + " (× plain scan " + String.format(
              Locale.ROOT, "%.2f", r.vsScan()) + ")", r.seconds(), r.spread(), "s",
              Double.NaN, ""));
        }
        ctx.addRows(rows);
        ctx.addMarkdown(jobTable("Accuracy pass", results, spark.sparkContext().master(),
            ctx.command() + " (" + LocalDate.now() + ")"));
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
      String command) {
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
    return String.format("%s over %d float32 values (array<float>, Parquet), %s, %s:%n%n", what,
        results.get(0).values(), master, command) + t.markdown();
  }

  private static double medianOf(List<JobBench.Result> results,
      java.util.function.Predicate<JobBench.Result> which) {
    return results.stream().filter(which).mapToDouble(JobBench.Result::seconds).findFirst()
        .orElse(Double.NaN);
  }

  /** The profile pass (moments and KLL sketches) against a scan and Spark's percentile_approx. */
  private record ProfilePart(long values, String input, int reps, int sqlReps)
      implements BenchPart {
    @Override
    public String name() {
      return "profile";
    }

    @Override
    public void run(BenchSuite.Context ctx) {
      SparkSession spark = ctx.spark();
      try (ScratchDir scratch = ScratchDir.create("ablate-profile-bench")) {
        String in = input;
        if (in == null) {
          in = scratch.resolve("vectors.parquet");
          ctx.out().printf("Profile benchmark: writing %d values with the generator...%n", values);
          JobBench.prepare(spark, values, in);
        }
        List<JobBench.Result> results = ProfileBench.run(spark, in, reps, sqlReps, ctx.out());
        List<LatencyRow> rows = new ArrayList<>();
        for (JobBench.Result r : results) {
          rows.add(r.toLatencyRow(ctx.host(), ctx.device()));
          ctx.addSummary(new BenchSuite.Line("profile", r.name() + " (× plain scan "
              + String.format(Locale.ROOT, "%.2f", r.vsScan()) + ")", r.seconds(), r.spread(), "s",
              Double.NaN, ""));
        }
        ctx.addRows(rows);
        ctx.addMarkdown(jobTable("Profile pass", results, spark.sparkContext().master(),
            ctx.command() + " (" + LocalDate.now() + ")"));
      }
    }
  }

}

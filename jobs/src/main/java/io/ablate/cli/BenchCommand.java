package io.ablate.cli;

import io.ablate.AblateException;
import io.ablate.bench.BenchPart;
import io.ablate.bench.BenchSuite;
import io.ablate.bench.FfnBench;
import io.ablate.bench.FfnReport;
import io.ablate.bench.FfnShape;
import io.ablate.bench.KernelBench;
import io.ablate.job.JobListener;
import io.ablate.job.RunArgs;
import io.ablate.job.RunLifecycle;
import io.ablate.latency.LatencyRow;
import io.ablate.repository.MetricsRepository;
import io.ablate.repository.RunId;
import io.ablate.repository.RunRecord;
import io.ablate.repository.Tables;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code ablate bench}: every benchmark as one suite, in one JVM, one part after the other
 * ({@link BenchPart}s): the kernel benchmark (every variant's scalar and SIMD kernel, PyTorch
 * through DJL, the memory-copy bandwidth), FFN blocks at model shapes against the machine's limits,
 * the SQL functions, and the accuracy job against hand-written SQL and a plain scan; last, the
 * commands themselves end to end, each a fresh JVM (part {@code e2e}). With
 * {@code --metrics DIR} every figure lands in the {@code latency} table as one run; a summary table
 * is printed at the end and, with {@code --out}, the performance documentation's Markdown is written. Medians over
 * repetitions after warm-up, with the spread.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
    versionProvider = Cli.Version.class,
    description = "Benchmarks in one JVM: the accuracy and profile passes against a plain scan and "
        + "hand-written SQL, kernels (scalar, SIMD, PyTorch) against the copy bandwidth, FFN "
        + "blocks at model shapes against the machine's limits, the SQL functions; then the "
        + "commands end to end, each a fresh process, against Spark SQL and DuckDB.",
    footer = {"", "Example (the tables of the performance documentation):",
        "  ablate bench --out performance-tables.md --metrics /tmp/metrics"})
final class BenchCommand implements Callable<Integer> {
  /**
   * The parts in the order they run ({@code --only} selects among them). The passes come first, in
   * a fresh JVM as on an executor: after the kernel and SQL benchmarks have run every vector shape
   * through the Vector API's shared classes, C2 compiles the passes' loops against polluted type
   * profiles and they ran 3× slower (measured: 5.1 s instead of 1.7 s for the one-variant pass).
   * The end-to-end part, minutes of fresh processes that share nothing with this JVM, comes last.
   */
  static final List<String> PARTS = List.of("executors", "job", "profile", "kernels", "ffn",
      "udf", "files", "e2e");

  @ParentCommand
  Cli cli;

  @Option(names = "--quick",
      description = "A few minutes: smaller sizes, fewer variants and repetitions, one round "
          + "of fresh processes.")
  boolean quick;

  @Option(names = "--only", paramLabel = "LIST", split = ",",
      description = "Parts to run, comma-separated: executors, job, profile, kernels, ffn, udf, "
          + "files, e2e (default: all, in that order).")
  List<String> only;

  @Option(names = "--elems", paramLabel = "N",
      description = "Floats per kernel call (default: 16777216; quick 1048576).")
  Integer elems;

  @Option(names = "--reps", paramLabel = "R",
      description = "Timed kernel repetitions (default: 10; quick 5).")
  Integer reps;

  @Option(names = "--shapes", paramLabel = "LIST",
      description = "FFN shapes, e.g. 4096x11008:gated,4096x14336:gated:moe=8/2 (default: "
          + "gpt2-small 768x3072, gpt2-xl 1600x6400, llama-7b 4096x11008:gated, moe-8x2 "
          + "4096x14336:gated:moe=8/2).")
  String shapes;

  @Option(names = "--tokens", paramLabel = "LIST",
      description = "FFN token batches (default: 1,512; quick 1,16 and MoE 1).")
  String tokens;

  @Option(names = "--udf-elems", paramLabel = "N",
      description = "Values in the UDF benchmark's Parquet table (default: 16M; quick 2M).")
  Long udfElems;

  @Option(names = "--job-values", paramLabel = "N",
      description = "Values in the job benchmark's dataset (default: 1e8; quick 2e6).")
  Long jobValues;

  @Option(names = "--job-input", paramLabel = "DIR",
      description = "An existing array<float> activation dataset for the job benchmark.")
  String jobInput;

  @Option(names = "--job-reps", paramLabel = "R", defaultValue = "3",
      description = "Repetitions of each job (default: ${DEFAULT-VALUE}).")
  int jobReps;

  @Option(names = "--sql-reps", paramLabel = "R", defaultValue = "1",
      description = "Repetitions of the hand-written SQL peer; 0 skips it (default: "
          + "${DEFAULT-VALUE}).")
  int sqlReps;

  @Option(names = "--e2e-reps", paramLabel = "R",
      description = "Runs of each command of the end-to-end part, each a fresh process "
          + "(default: 3; quick 1).")
  Integer e2eReps;

  @Option(names = "--out", paramLabel = "FILE.md",
      description = "Also write the Markdown tables and the summary (the performance "
          + "documentation's).")
  String file;

  @Option(names = "--metrics", paramLabel = "DIR",
      description = "Also record every figure in the latency table of a metrics repository, as "
          + "one run.")
  String metrics;

  @Option(names = "--run-id", paramLabel = "ID", converter = Converters.RunIds.class,
      description = "The run's id (default: a UTC timestamp and a random suffix).")
  RunId runId;

  @Mixin
  ResultsFile results;

  @Mixin
  SparkOptions sparkOptions;

  @Mixin
  CommonOptions common;

  @Override
  public Integer call() throws Exception {
    Set<String> chosen = new LinkedHashSet<>();
    for (String p : only == null ? PARTS : only) {
      String name = p.trim().toLowerCase(Locale.ROOT);
      if (!PARTS.contains(name)) {
        throw AblateException.badInput("--only %s; valid: %s", p, String.join(", ", PARTS));
      }
      chosen.add(name);
    }
    List<BenchPart> parts = new ArrayList<>();
    for (String name : PARTS) { // in the suite's order, whatever the order given
      if (chosen.contains(name)) {
        parts.add(part(name));
      }
    }
    RunId id = runId == null ? RunId.generate() : runId;
    Sessions.Settings settings = sparkOptions.settings("local[2]", common.specConfs());
    return results.run(common, metrics, settings, JobListener.NONE,
        listener -> run(parts, chosen, id, settings, listener));
  }

  /** Runs the parts, recording their figures as run {@code id} with --metrics; the exit code. */
  private int run(List<BenchPart> parts, Set<String> chosen, RunId id,
      Sessions.Settings settings, JobListener listener) throws Exception {
    PrintStream out = cli.console(common).out();
    String machine = KernelBench.machineDescription();
    // The command as given, for the tables' headings: what a reader runs to reproduce them.
    String command = "jobs/bin/ablate " + String.join(" ", common.command.commandLine()
        .getParseResult().originalArgs().stream().map(BenchSuite::shellWord).toList());
    BenchSuite.Context ctx = new BenchSuite.Context(quick, out,
        () -> Sessions.create("bench", settings), machine, command, RunRecord.hostName());
    out.println("Machine: " + machine);
    try {
      if (metrics == null) {
        BenchSuite.run(parts, ctx);
      } else {
        SparkSession spark = ctx.spark();
        String args = new RunArgs().put("quick", quick).put("only", String.join(",", chosen))
            .json();
        RunRecord record = RunRecord.start(id, "bench", args, "", "", spark);
        listener.runStarted(id.value(), "bench parts " + String.join(", ", chosen));
        RunLifecycle.inRun(MetricsRepository.open(spark, metrics), record, run -> {
          BenchSuite.run(parts, ctx);
          run.write(Tables.LATENCY, Tables.LATENCY_SCHEMA,
              ctx.rows().stream().map(LatencyRow::toRow).toList());
          return null;
        });
        out.printf("%d latency rows in %s (run_id %s)%n", ctx.rows().size(), metrics,
            id.value());
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
        throw AblateException.badInput("cannot write --out %s: %s", file, e.getMessage());
      }
      out.println("Written to " + file);
    }
    return 0;
  }

  /** A part, with its options. */
  private BenchPart part(String name) {
    switch (name) {
      case "kernels":
        return new BenchParts.KernelPart(
            common.range("--elems", elems != null ? elems : quick ? 1 << 20 : 1 << 24, 1024,
                1 << 28),
            common.range("--reps", reps != null ? reps : quick ? 5 : 10, 1, 1000), quick);
      case "ffn": {
        FfnBench.Settings s = quick ? FfnBench.Settings.quick() : FfnBench.Settings.full();
        if (shapes != null) {
          s = s.withShapes(FfnShape.parseList(shapes), s.tokens());
        }
        if (tokens != null) {
          s = s.withTokens(parseTokens(tokens));
        }
        return new FfnReport(s);
      }
      case "udf":
        return new BenchParts.UdfPart(common.range("--udf-elems",
            udfElems != null ? udfElems : quick ? 1 << 21 : 1 << 24, 1024, 1L << 34));
      case "files":
        return new BenchParts.FilesPart(quick ? 1000 : 10_000);
      case "executors":
        return new BenchParts.ExecutorsPart(jobValues(), jobInput);
      case "job":
        return new BenchParts.JobPart(jobValues(), jobInput, jobReps(), sqlReps());
      case "profile":
        return new BenchParts.ProfilePart(jobValues(), jobInput, jobReps(), sqlReps());
      case "e2e":
        return new BenchParts.EndToEndPart(jobValues(), jobInput,
            common.range("--e2e-reps", e2eReps != null ? e2eReps : quick ? 1 : 3, 1, 100));
      default:
        throw new IllegalArgumentException(name);
    }
  }

  private long jobValues() {
    return common.range("--job-values", jobValues != null ? jobValues
        : quick ? 2_000_000 : 100_000_000, 4096, 1L << 40);
  }

  private int jobReps() {
    return common.range("--job-reps", jobReps, 1, 100);
  }

  private int sqlReps() {
    return common.range("--sql-reps", sqlReps, 0, 100);
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
}

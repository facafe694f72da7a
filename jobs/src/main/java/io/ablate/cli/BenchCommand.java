package io.ablate.cli;

import io.ablate.AblateException;
import io.ablate.bench.BenchResult;
import io.ablate.bench.JobBench;
import io.ablate.bench.KernelBench;
import io.ablate.bench.ProfileBench;
import io.ablate.bench.UdfBench;
import io.ablate.dataset.ScratchDir;
import io.ablate.metrics.LatencyRow;
import io.ablate.metrics.MetricsRepository;
import io.ablate.metrics.RunId;
import io.ablate.metrics.RunRecord;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code ablate bench}: the kernel benchmark, single-threaded: every variant's scalar and SIMD
 * kernel, PyTorch's kernel through DJL where PyTorch has the function, and the machine's memory-copy
 * bandwidth, in one JVM and one run. Medians over repetitions after warm-up, with the spread.
 */
final class BenchCommand implements Command {
  @Override
  public String name() {
    return "bench";
  }

  @Override
  public String summary() {
    return "benchmarks: kernels (scalar, SIMD, PyTorch, memory), SQL functions, the accuracy job";
  }

  @Override
  public String usage() {
    return "  --quick           smaller sizes, fewer repetitions (a few minutes)\n"
        + "  --elems N         floats per kernel call (default 16777216)\n"
        + "  --reps R          timed repetitions (default 10; quick 5)\n"
        + "  --only kernels|udf|job|profile  one part only (default all; profile: the profile\n"
        + "                    pass vs a scan vs percentile_approx, only with --only)\n"
        + "  --udf-elems N     values in the UDF benchmark's Parquet table (default 16M; quick 4M)\n"
        + "  --job-values N    values in the job benchmark's dataset (default 1e8; quick 1e7)\n"
        + "  --job-input DIR   an existing array<float> activation dataset for the job benchmark\n"
        + "  --job-reps R      repetitions of each job (default 3)\n"
        + "  --sql-reps R      repetitions of the hand-written SQL peer (default 1; 0 skips it)\n"
        + "  --master URL      Spark master of the UDF and job benchmarks (default local[2])\n"
        + "  --out FILE.md     also write the Markdown tables (as in the README)\n"
        + "  --metrics DIR     also record the job benchmark in the latency table of a metrics\n"
        + "                    repository (scope job; impl scan, ablate, sql), as one run\n"
        + "  --run-id ID       the run's id (default: a timestamp and a random suffix)\n";
  }

  @Override
  public int run(Options options, PrintStream out) {
    boolean quick = options.flag("quick");
    int elems = (int) options.getLong("elems", quick ? 1 << 20 : 1 << 24, 1024, 1 << 28);
    int reps = (int) options.getLong("reps", quick ? 5 : 10, 1, 1000);
    long udfElems = options.getLong("udf-elems", quick ? 1 << 22 : 1 << 24, 1024, 1L << 34);
    String only = options.get("only", "all");
    if (!List.of("all", "kernels", "udf", "job", "profile").contains(only)) {
      throw AblateException.badInput("--only %s; valid: kernels, udf, job, profile", only);
    }
    long jobValues = options.getLong("job-values", quick ? 10_000_000 : 100_000_000, 4096,
        1L << 40);
    String jobInput = options.get("job-input", null);
    int jobReps = (int) options.getLong("job-reps", 3, 1, 100);
    int sqlReps = (int) options.getLong("sql-reps", 1, 0, 100);
    String file = options.get("out", null);
    String metrics = options.get("metrics", null);
    String runIdText = options.get("run-id", null);
    RunId runId = runIdText == null ? RunId.generate() : RunId.of(runIdText);
    if (metrics != null && !(only.equals("all") || only.equals("job") || only.equals("profile"))) {
      throw AblateException.badInput("--metrics records the job benchmark: use it with --only job "
          + "or without --only");
    }
    Sessions.Settings settings = Sessions.Settings.of(options, "local[2]");
    options.requireAllUsed(name());
    String machine = KernelBench.machineDescription();
    String command = "jobs/bin/ablate bench" + (quick ? " --quick" : "");
    StringBuilder md = new StringBuilder();
    out.println("Machine: " + machine);
    if (only.equals("all") || only.equals("kernels")) {
      out.printf("Kernels: single thread, %d floats per call, %d repetitions after warm-up%n", elems,
          reps);
      List<BenchResult> results = KernelBench.run(elems, quick ? 2 : 3, reps, out);
      String table = KernelBench.markdownTable(results, command + " (" + LocalDate.now() + ")",
          machine);
      out.println();
      out.print(table);
      md.append(table).append('\n');
    }
    if (only.equals("all") || only.equals("udf")) {
      SparkSession spark = Sessions.create(name(), settings);
      try {
        List<UdfBench.Result> results = UdfBench.run(spark, udfElems, 1024, quick ? 3 : 5, out);
        TextTable t = new TextTable("column", "query", "form", "seconds (median)", "M values/s",
            "vs scan");
        double arrayScan = results.get(0).seconds();
        double binaryScan = results.stream().filter(r -> r.column().equals("binary")).findFirst()
            .orElseThrow().seconds();
        for (UdfBench.Result r : results) {
          double scan = r.column().equals("binary") ? binaryScan : arrayScan;
          t.row(r.column(), "`" + r.query() + "`", r.form(), String.format("%.3f", r.seconds()),
              String.format("%.1f", r.elemsPerSec() / 1e6), String.format("%.2fx", r.seconds() / scan));
        }
        String header = String.format("SQL functions over %d float32 values in Parquet, %s, %s:%n%n",
            udfElems, settings.master(), command + " (" + LocalDate.now() + ")");
        out.println();
        out.print(header + t.markdown());
        md.append(header).append(t.markdown());
      } finally {
        spark.stop();
      }
    }
    if (only.equals("all") || only.equals("job")) {
      SparkSession spark = Sessions.create(name(), settings);
      try (ScratchDir scratch = ScratchDir.create("ablate-job-bench")) {
        String input = jobInput;
        if (input == null) {
          input = scratch.resolve("vectors.parquet");
          out.printf("Job benchmark: writing %d values with the generator...%n", jobValues);
          JobBench.prepare(spark, jobValues, input);
        }
        List<JobBench.Result> results;
        if (metrics == null) {
          results = JobBench.run(spark, input, jobReps, sqlReps, out);
        } else {
          MetricsRepository repo = MetricsRepository.open(spark, metrics);
          String args = String.format(Locale.ROOT,
              "{\"job_values\":%d,\"job_reps\":%d,\"sql_reps\":%d}", jobValues, jobReps, sqlReps);
          RunRecord record = RunRecord.start(runId, "bench", args, input, "", spark);
          try (MetricsRepository.Run run = repo.begin(record)) {
            try {
              results = JobBench.run(spark, input, jobReps, sqlReps, out);
              String host = RunRecord.hostName();
              List<Row> rows = new ArrayList<>();
              for (JobBench.Result r : results) {
                rows.add(r.toLatencyRow(host, machine).toRow());
              }
              run.write("latency", spark.createDataFrame(rows, LatencyRow.SCHEMA));
              run.commit();
            } catch (RuntimeException e) {
              run.fail(e);
              throw e;
            }
          }
          out.printf("Latency rows in %s (run_id %s)%n", metrics, runId.value());
        }
        String table = jobTable(results, settings.master(), command + " (" + LocalDate.now() + ")");
        out.println();
        out.print(table);
        md.append('\n').append(table);
      } finally {
        spark.stop();
      }
    }
    if (only.equals("profile")) {
      SparkSession spark = Sessions.create(name(), settings);
      try (ScratchDir scratch = ScratchDir.create("ablate-profile-bench")) {
        String input = jobInput != null ? jobInput : scratch.resolve("vectors.parquet");
        if (jobInput == null) {
          out.printf("Profile benchmark: writing %d values with the generator...%n", jobValues);
          JobBench.prepare(spark, jobValues, input);
        }
        List<JobBench.Result> results = ProfileBench.run(spark, input, jobReps, sqlReps, out);
        if (metrics != null) {
          ProfileBench.record(spark, metrics, runId, input, results, machine);
          out.printf("Latency rows in %s (run_id %s)%n", metrics, runId.value());
        }
        String table = ProfileBench.markdown(results, settings.master(),
            command + " --only profile (" + LocalDate.now() + ")");
        out.println();
        out.print(table);
        md.append(table);
      } finally {
        spark.stop();
      }
    }
    if (file != null) {
      try {
        Files.writeString(Path.of(file), md.toString(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + file, e);
      }
      out.println("Written to " + file);
    }
    return 0;
  }

  /** The job benchmark as Markdown: each job's time against the scan that reads every vector. */
  static String jobTable(List<JobBench.Result> results, String master, String command) {
    double scan = results.get(0).seconds();
    double sql = results.stream().filter(r -> r.impl().equals("sql")).mapToDouble(JobBench.Result::seconds)
        .findFirst().orElse(Double.NaN);
    TextTable t = new TextTable("job", "variants", "seconds (median)", "spread", "M values/s",
        "vs scan", "SQL / job");
    for (JobBench.Result r : results) {
      t.row(r.name(), r.variants(), String.format("%.2f", r.seconds()),
          String.format("%.2f", r.spread()), String.format("%.1f", r.valuesPerSec() / 1e6),
          String.format("%.2fx", r.seconds() / scan),
          r.impl().equals("ablate") && !Double.isNaN(sql) ? String.format("%.1fx", sql / r.seconds())
              : "");
    }
    return String.format("Accuracy pass over %d float32 values (array<float>, Parquet), %s, %s:%n%n",
        results.get(0).values(), master, command) + t.markdown();
  }
}

package io.ablate.cli;

import io.ablate.AblateException;
import io.ablate.bench.BenchResult;
import io.ablate.bench.KernelBench;
import io.ablate.bench.UdfBench;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
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
    return "kernel benchmark: scalar vs SIMD vs PyTorch (DJL) vs memory bandwidth";
  }

  @Override
  public String usage() {
    return "  --quick           1M floats, fewer repetitions (about a minute)\n"
        + "  --elems N         floats per kernel call (default 16777216)\n"
        + "  --reps R          timed repetitions (default 10; quick 5)\n"
        + "  --only kernels|udf  one part only (default both)\n"
        + "  --udf-elems N     values in the UDF benchmark's Parquet table (default 16M; quick 4M)\n"
        + "  --master URL      Spark master of the UDF benchmark (default local[2])\n"
        + "  --out FILE.md     also write the Markdown tables (as in the README)\n";
  }

  @Override
  public int run(Options options, PrintStream out) {
    boolean quick = options.flag("quick");
    int elems = (int) options.getLong("elems", quick ? 1 << 20 : 1 << 24, 1024, 1 << 28);
    int reps = (int) options.getLong("reps", quick ? 5 : 10, 1, 1000);
    long udfElems = options.getLong("udf-elems", quick ? 1 << 22 : 1 << 24, 1024, 1L << 34);
    String only = options.get("only", "both");
    if (!List.of("both", "kernels", "udf").contains(only)) {
      throw AblateException.badInput("--only %s; valid: kernels, udf", only);
    }
    String file = options.get("out", null);
    Sessions.Settings settings = Sessions.Settings.of(options, "local[2]");
    options.requireAllUsed(name());
    String machine = KernelBench.machineDescription();
    String command = "jobs/bin/ablate bench" + (quick ? " --quick" : "");
    StringBuilder md = new StringBuilder();
    out.println("Machine: " + machine);
    if (!only.equals("udf")) {
      out.printf("Kernels: single thread, %d floats per call, %d repetitions after warm-up%n", elems,
          reps);
      List<BenchResult> results = KernelBench.run(elems, quick ? 2 : 3, reps, out);
      String table = KernelBench.markdownTable(results, command + " (" + LocalDate.now() + ")",
          machine);
      out.println();
      out.print(table);
      md.append(table).append('\n');
    }
    if (!only.equals("kernels")) {
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
}

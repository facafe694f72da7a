package io.ablate.cli;

import io.ablate.bench.BenchResult;
import io.ablate.bench.KernelBench;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;

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
        + "  --out FILE.md     also write the Markdown table (as in the README)\n";
  }

  @Override
  public int run(Options options, PrintStream out) {
    boolean quick = options.flag("quick");
    int elems = (int) options.getLong("elems", quick ? 1 << 20 : 1 << 24, 1024, 1 << 28);
    int reps = (int) options.getLong("reps", quick ? 5 : 10, 1, 1000);
    String file = options.get("out", null);
    options.confs();
    options.requireAllUsed(name());
    String machine = KernelBench.machineDescription();
    out.println("Machine: " + machine);
    out.printf("Single thread, %d floats per call, %d repetitions after warm-up%n", elems, reps);
    List<BenchResult> results = KernelBench.run(elems, quick ? 2 : 3, reps, out);
    String command = "jobs/bin/ablate bench" + (quick ? " --quick" : "")
        + (options.get("elems", null) != null ? " --elems " + elems : "");
    String table = KernelBench.markdownTable(results, command + " (" + LocalDate.now() + ")",
        machine);
    out.println();
    out.print(table);
    if (file != null) {
      try {
        Files.writeString(Path.of(file), table, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + file, e);
      }
      out.println("Written to " + file);
    }
    return 0;
  }
}

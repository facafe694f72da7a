package io.ablate.cli;

import io.ablate.dataset.ScratchDir;
import io.ablate.selfcheck.GpuCheck;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** {@code ablate gpu-check}: the GPU self-check ({@link GpuCheck}), on a machine with a GPU. */
@Command(name = "gpu-check", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
    description = "On a machine with an NVIDIA GPU: every variant's GPU form against its CPU form "
        + "on device columns of every shape, device memory back at its starting level, and the "
        + "SQL functions and the accuracy pass run by the RAPIDS Accelerator against the CPU. "
        + "Exit 0 when every check passes, 1 when one fails, 2 when there is no GPU.",
    footer = {"", "Example (on a GPU machine, from the repository):", "  jobs/bin/ablate gpu-check"})
final class GpuCheckCommand implements Callable<Integer> {
  @ParentCommand
  Cli cli;

  @Mixin
  CommonOptions common;

  @Override
  public Integer call() {
    Console console = cli.console(common);
    Optional<String> none = GpuCheck.unavailable();
    if (none.isPresent()) {
      console.err().println("ablate: no GPU here (" + none.get() + "): the GPU self-check needs "
          + "an NVIDIA GPU, its driver and the RAPIDS Accelerator jar on the class path");
      return 2;
    }
    try (ScratchDir dir = ScratchDir.create("ablate-gpu-check")) {
      List<GpuCheck.Line> lines = GpuCheck.run(Path.of(dir.resolve("x")).getParent(),
          console.quiet() ? new java.io.PrintStream(java.io.OutputStream.nullOutputStream())
              : console.err());
      TextTable t = new TextTable("variant", "form", "max ulp", "verdict");
      for (GpuCheck.Line l : lines) {
        t.row(l.variant(), l.form(), Double.isNaN(l.maxUlp()) ? "-"
            : String.format(Locale.ROOT, "%.2f", l.maxUlp()), l.verdict());
      }
      console.out().print(t.render());
      long failed = lines.stream().filter(l -> !l.ok()).count();
      console.out().printf("%d checks, %d failed%n", lines.size(), failed);
      return failed == 0 ? 0 : 1;
    }
  }
}

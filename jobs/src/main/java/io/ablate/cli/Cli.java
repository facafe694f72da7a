package io.ablate.cli;

import io.ablate.repository.RunRecord;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ablate}: the top of the command line; its subcommands are the commands. */
@Command(name = "ablate", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
    synopsisSubcommandLabel = "COMMAND",
    description = "Evaluates LLM feed-forward activation variants on Spark: accuracy, latency, "
        + "drift.",
    subcommands = {HelpCommand.class, DemoCommand.class, VariantsCommand.class,
        GenerateCommand.class, AblateCommand.class, ProfileCommand.class, DriftCommand.class,
        CompareCommand.class, ExplainGpuCommand.class, BenchCommand.class, ReportCommand.class,
        PromptsCommand.class, TrainCommand.class, SweepCommand.class, EvalCommand.class,
        CaptureCommand.class,
        GpuCheckCommand.class},
    footer = {"", "'ablate COMMAND --help' shows a command's options and an example.",
        "Exit codes: 0 success, 2 bad usage or input, 3 a gate tripped, 1 anything else."})
final class Cli implements Callable<Integer> {
  private final PrintStream out;
  private final PrintStream err;

  @Spec
  CommandSpec spec;

  Cli(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /** The console of a command, quiet or not. */
  Console console(CommonOptions common) {
    return new Console(out, err, common.quiet);
  }

  /** {@code ablate} alone: the usage, as a usage error. */
  @Override
  public Integer call() {
    spec.commandLine().usage(out);
    return 2;
  }

  /** Ablate's version, and what it was built against and runs on. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"ablate " + RunRecord.ablateVersion(),
          "built against " + RunRecord.builtAgainst() + "; running on Java "
              + System.getProperty("java.version")};
    }
  }
}

package io.ablate.cli;

import io.ablate.AblateException;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The options every command takes: a job spec, and quiet output. */
final class CommonOptions {
  @Option(names = "--job", paramLabel = "FILE.yaml",
      description = "Options from a YAML job spec (the command line overrides it; 'ablate --job "
          + "FILE' runs the spec's 'command:').")
  String job;

  @Option(names = {"-q", "--quiet"},
      description = "Results only: no progress lines and no notes.")
  boolean quiet;

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  /** Bad input unless min &le; value &le; max, naming the option and where its value came from. */
  long range(String option, long value, long min, long max) {
    if (value < min || value > max) {
      throw AblateException.badInput("%s %d is out of range; valid: %d to %d%s", option, value,
          min, max, origin(option));
    }
    return value;
  }

  /** {@link #range} for an int option. */
  int range(String option, int value, int min, int max) {
    return (int) range(option, (long) value, min, max);
  }

  /** " (job spec FILE, line N)" when the option's value came from the job spec, else "". */
  String origin(String option) {
    OptionSpec o = command.findOption(option);
    if (o == null || !(command.defaultValueProvider() instanceof SpecDefaults spec)) {
      return "";
    }
    return spec.origin(o, command.commandLine().getParseResult().hasMatchedOption(option));
  }

  /** The {@code conf} pairs of the job spec, if one was given. */
  List<String> specConfs() {
    return command.defaultValueProvider() instanceof SpecDefaults spec ? spec.spec().confs()
        : List.of();
  }
}

package io.ablate.cli;

import io.ablate.AblateException;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * A job spec's values as the defaults of a command's options: the command line overrides them,
 * and they are converted and checked by the same option model. Every key of the spec must be an
 * option of the command, and a flag's value {@code true} or {@code false}; errors name the file
 * and line.
 */
final class SpecDefaults implements IDefaultValueProvider {
  private final JobSpec spec;

  SpecDefaults(JobSpec spec, CommandSpec command) {
    this.spec = spec;
    for (var e : spec.values().entrySet()) {
      OptionSpec option = command.findOption("--" + e.getKey());
      if (option == null || option.longestName().equals("--conf")) {
        throw AblateException.badInput("%s does not take --%s (job spec %s); see 'ablate %s "
            + "--help'", command.name(), e.getKey(), spec.origins().get(e.getKey()),
            command.name());
      }
      if (option.arity().max() == 0 && !e.getValue().equals("true")
          && !e.getValue().equals("false")) {
        throw AblateException.badInput("job spec %s: '%s' is a flag: write true or false, not "
            + "'%s'", spec.origins().get(e.getKey()), e.getKey(), e.getValue());
      }
    }
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    return arg instanceof OptionSpec o ? spec.values().get(name(o)) : null;
  }

  /** " (job spec FILE, line N)" when the option's value is the spec's, else "". */
  String origin(OptionSpec option, boolean onCommandLine) {
    String where = spec.origins().get(name(option));
    return onCommandLine || where == null ? "" : " (job spec " + where + ")";
  }

  JobSpec spec() {
    return spec;
  }

  private static String name(OptionSpec o) {
    return o.longestName().replaceFirst("^--", "");
  }
}

package io.ablate.cli;

import io.ablate.AblateException;
import io.ablate.job.Timeline;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.SparkUserAppException;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;
import picocli.CommandLine;

/** {@code ablate COMMAND [options]}: the entry point of the launcher and of {@code spark-submit}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws SparkUserAppException {
    Timeline.mark(Timeline.MAIN);
    int code = run(args, System.out, System.err);
    System.out.flush();
    Timeline.mark(Timeline.EXIT);
    if (System.getProperty("spark.submit.deployMode") == null) {
      System.exit(code); // the launcher's plain JVM
    } else if (code != 0) {
      // Under spark-submit (which sets spark.submit.deployMode) the driver may run inside YARN's
      // application master, which reports any System.exit, even 0, as a failed application.
      // Spark's way to end with a code: spark-submit exits with it in client mode (the default),
      // the application master records it in cluster mode.
      throw new SparkUserAppException(code, null);
    }
    // Success under spark-submit: return and let Spark end the application.
  }

  /** Runs a command line; returns the exit code (tests call this, not {@link #main}). */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    CommandLine cl = commandLine(out, err);
    try {
      return cl.execute(withJobSpec(cl, args));
    } catch (AblateException e) {
      err.println("ablate: " + e.getMessage());
      return e.exitCode();
    }
  }

  /** The command line of {@code ablate}, writing to {@code out} and {@code err}. */
  static CommandLine commandLine(PrintStream out, PrintStream err) {
    CommandLine cl = new CommandLine(new Cli(out, err));
    Converters.register(cl);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setParameterExceptionHandler((e, args) -> usageError(e, err));
    cl.setExecutionExceptionHandler((e, line, parsed) -> failure(e, err));
    return cl;
  }

  /**
   * With {@code --job FILE}: the spec's options become the command's defaults, and {@code ablate
   * --job FILE} runs the spec's {@code command:}. Returns the arguments to parse.
   */
  static String[] withJobSpec(CommandLine cl, String[] args) {
    String file = jobFile(args);
    if (file == null) {
      return args;
    }
    JobSpec spec = JobSpec.load(file);
    String valid = String.join(", ", commands(cl));
    if (spec.command() != null && !cl.getSubcommands().containsKey(spec.command())) {
      throw AblateException.badInput("job spec %s: unknown command '%s'; valid: %s", file,
          spec.command(), valid);
    }
    boolean named = args.length > 0 && !args[0].startsWith("-");
    String name = named ? args[0] : spec.command();
    if (name == null) {
      throw AblateException.badInput("no command: give one (ablate COMMAND [options]), or a job "
          + "spec with 'command:' to --job; commands: %s", valid);
    }
    if (spec.command() != null && !spec.command().equals(name)) {
      throw AblateException.badInput("job spec %s is for 'ablate %s', not 'ablate %s'", file,
          spec.command(), name);
    }
    CommandLine command = cl.getSubcommands().get(name);
    if (command == null) {
      return args; // an unknown command: the parser says so
    }
    command.setDefaultValueProvider(new SpecDefaults(spec, command.getCommandSpec()));
    if (named) {
      return args;
    }
    List<String> all = new ArrayList<>(List.of(name));
    all.addAll(Arrays.asList(args));
    return all.toArray(String[]::new);
  }

  /** The value of {@code --job}, or null. */
  private static String jobFile(String[] args) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--job") && i + 1 < args.length) {
        return args[i + 1];
      } else if (args[i].startsWith("--job=")) {
        return args[i].substring("--job=".length());
      }
    }
    return null;
  }

  /** The commands' names, help first left out. */
  static List<String> commands(CommandLine cl) {
    return cl.getSubcommands().keySet().stream().filter(n -> !n.equals("help")).toList();
  }

  /** Bad usage: the message, a hint, exit 2. */
  private static int usageError(ParameterException e, PrintStream err) {
    CommandLine line = e.getCommandLine();
    String name = line.getCommandName();
    String message = e.getMessage();
    if (e instanceof UnmatchedArgumentException u && line.getParent() == null
        && !u.getUnmatched().isEmpty() && !u.getUnmatched().get(0).startsWith("-")) {
      message = "unknown command '" + u.getUnmatched().get(0) + "'; valid: "
          + String.join(", ", commands(line));
    } else if (e.getArgSpec() instanceof CommandLine.Model.OptionSpec o
        && line.getCommandSpec().defaultValueProvider() instanceof SpecDefaults spec) {
      message += spec.origin(o, line.getParseResult() != null
          && line.getParseResult().hasMatchedOption(o));
    }
    err.println("ablate: " + message);
    if (e instanceof UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
      err.println("  did you mean: " + String.join(", ", u.getSuggestions()) + "?");
    }
    err.println("  see '" + (line.getParent() == null ? "ablate" : "ablate " + name)
        + " --help'");
    return 2;
  }

  /** A failure while running: bad input (exit 2) or a gate (3) by message, else the trace (1). */
  private static int failure(Exception e, PrintStream err) {
    AblateException a = AblateException.find(e);
    if (a != null) {
      err.println("ablate: " + a.getMessage());
      return a.exitCode();
    }
    err.println("ablate: " + e);
    e.printStackTrace(err);
    return 1;
  }
}

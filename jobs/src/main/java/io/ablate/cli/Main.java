package io.ablate.cli;

import io.ablate.AblateException;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkUserAppException;

/** {@code ablate COMMAND [options]}: the entry point of the launcher and of {@code spark-submit}. */
public final class Main {
  private static final Map<String, Command> COMMANDS = new LinkedHashMap<>();

  static {
    for (Command c : List.of(new DemoCommand(), new VariantsCommand(), new GenerateCommand(),
        new AblateCommand(), new ProfileCommand(), new DriftCommand(), new ExplainGpuCommand(),
        new BenchCommand(), new ReportCommand(), new PromptsCommand(), new TrainCommand(),
        new EvalCommand(), new CaptureCommand())) {
      COMMANDS.put(c.name(), c);
    }
  }

  private Main() {}

  public static void main(String[] args) throws SparkUserAppException {
    int code = run(args, System.out, System.err);
    System.out.flush();
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
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("help")) {
      out.print(help());
      return args.length == 0 ? 2 : 0;
    }
    try {
      // "ablate --job FILE" takes the command from the spec's 'command:'.
      boolean named = !args[0].startsWith("--");
      String name = named ? command(args[0]).name() : null;
      Options options = Options.parse(Arrays.asList(args).subList(named ? 1 : 0, args.length));
      String job = options.get("job", null);
      if (job != null) {
        JobSpec spec = JobSpec.load(job);
        if (spec.command() != null && !COMMANDS.containsKey(spec.command())) {
          throw AblateException.badInput("job spec %s: unknown command '%s'; valid: %s", job,
              spec.command(), String.join(", ", COMMANDS.keySet()));
        }
        if (spec.command() != null && name != null && !spec.command().equals(name)) {
          throw AblateException.badInput("job spec %s is for 'ablate %s', not 'ablate %s'", job,
              spec.command(), name);
        }
        name = name != null ? name : spec.command();
        options = options.over(spec.options());
      }
      if (name == null) {
        throw AblateException.badInput("no command: give one (ablate COMMAND [options]), or a job "
            + "spec with 'command:' to --job; commands: %s", String.join(", ", COMMANDS.keySet()));
      }
      Command command = command(name);
      if (options.flag("help")) {
        out.println("ablate " + command.name() + " — " + command.summary());
        out.print(command.usage());
        out.print("\n" + COMMON);
        return 0;
      }
      return command.run(options, out);
    } catch (AblateException e) {
      err.println("ablate: " + e.getMessage());
      return e.exitCode();
    } catch (Exception e) {
      AblateException bad = badInputCause(e);
      if (bad != null) {
        err.println("ablate: " + bad.getMessage());
        return bad.exitCode();
      }
      err.println("ablate: " + e);
      e.printStackTrace(err);
      return 1;
    }
  }

  /** The command of a name; bad input lists the valid ones. */
  static Command command(String name) {
    Command command = COMMANDS.get(name);
    if (command == null) {
      throw AblateException.badInput("unknown command '%s'; valid: %s", name,
          String.join(", ", COMMANDS.keySet()));
    }
    return command;
  }

  /** Bad input raised inside a Spark task arrives wrapped; unwrap it for the message and the code. */
  private static AblateException badInputCause(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof AblateException a) {
        return a;
      }
    }
    return null;
  }

  static String help() {
    StringBuilder sb = new StringBuilder("usage: ablate COMMAND [options]   (ablate COMMAND --help)\n\n");
    for (Command c : COMMANDS.values()) {
      sb.append(String.format("  %-12s %s%n", c.name(), c.summary()));
    }
    sb.append('\n').append(COMMON)
        .append("Exit codes: 0 success, 2 bad usage or input, 3 a gate tripped, 1 anything else.\n");
    return sb.toString();
  }

  /** The options that every command (or every command that starts Spark) takes. */
  private static final String COMMON = """
      Every command takes:
        --job FILE.yaml        options from a YAML job spec (command-line options override it;
                               'ablate --job FILE' runs the spec's 'command:')
      Commands that start Spark also take:
        --master URL           Spark master (default local[*]; spark-submit sets its own)
        --conf key=value       a Spark property (repeatable)
        --profile NAME|FILE    Spark properties from conf/NAME.conf (local, cluster, gpu) or a
                               file; --conf overrides them, --master their spark.master.
                               Driver JVM options (spark.driver.extraJavaOptions) cannot take
                               effect in the running driver: use ABLATE_JAVA_OPTS or spark-submit
      """;
}

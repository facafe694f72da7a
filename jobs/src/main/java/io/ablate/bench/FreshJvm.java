package io.ablate.bench;

import io.ablate.AblateException;
import io.ablate.job.Timeline;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A new JVM started as this one was: the same {@code java} executable, the same JVM options (the
 * launcher's: the parent POM's {@code jvm.flags}, {@code -Xmx}, {@code -Dai.djl.offline=true}, the
 * log configuration, {@code -Dablate.home}; debugger and agent options left out) and the same class
 * path, running one main class to its end with a {@link Timeline} file.
 */
public final class FreshJvm {
  /** Options a child does not inherit: agents, debuggers, this JVM's own timeline. */
  private static final List<String> NOT_INHERITED = List.of("-agentlib", "-agentpath",
      "-javaagent", "-Xrunjdwp", "-Xdebug", "-D" + Timeline.PROPERTY + "=");
  /** How long a child may run before it is killed and the benchmark fails. */
  private static final long TIMEOUT_MINUTES = 60;

  private final String java;
  private final List<String> options;
  private final String classPath;

  FreshJvm(String java, List<String> options, String classPath) {
    this.java = java;
    this.options = List.copyOf(options);
    this.classPath = classPath;
  }

  /**
   * A JVM like this one; {@code logConfig} is the log configuration to give when this JVM was
   * given none (the launcher's {@code conf/log4j2.properties}; ignored if it does not exist).
   */
  public static FreshJvm likeThis(Path logConfig) {
    String java = ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    return new FreshJvm(java, inherited(ManagementFactory.getRuntimeMXBean().getInputArguments(),
        logConfig), System.getProperty("java.class.path"));
  }

  /** The options of {@code given} a child keeps, with the launcher's defaults added if absent. */
  static List<String> inherited(List<String> given, Path logConfig) {
    List<String> out = new ArrayList<>();
    for (String o : given) {
      if (NOT_INHERITED.stream().noneMatch(o::startsWith)) {
        out.add(o);
      }
    }
    if (out.stream().noneMatch(o -> o.startsWith("-Dai.djl.offline="))) {
      out.add("-Dai.djl.offline=true");
    }
    if (out.stream().noneMatch(o -> o.startsWith("-Dlog4j2.configurationFile="))
        && logConfig != null && Files.isRegularFile(logConfig)) {
      out.add("-Dlog4j2.configurationFile=" + logConfig.toAbsolutePath());
    }
    return out;
  }

  /** The JVM options a child gets (before its timeline's). */
  public List<String> options() {
    return options;
  }

  /**
   * One finished child: its exit code, wall time (start to exit, as this JVM saw it), when it was
   * started (epoch millis), its timeline and what it printed.
   */
  public record Child(int exitCode, double seconds, long startMillis, Map<String, Long> marks,
      String stdout, String stderr) {
    /** The last {@code lines} lines of stderr. */
    public String stderrTail(int lines) {
      String[] all = stderr.split("\n");
      return String.join("\n", List.of(all).subList(Math.max(0, all.length - lines), all.length));
    }
  }

  /**
   * Runs {@code mainClass args} in a new JVM and waits for it; its output and timeline go to files
   * {@code name.out}, {@code name.err}, {@code name.timeline} in {@code dir} (replaced).
   */
  public Child run(String mainClass, List<String> args, Path dir, String name)
      throws IOException, InterruptedException {
    Path out = dir.resolve(name + ".out");
    Path err = dir.resolve(name + ".err");
    Path timeline = dir.resolve(name + ".timeline");
    Files.deleteIfExists(timeline);
    List<String> command = new ArrayList<>(List.of(java));
    command.addAll(options);
    command.add("-D" + Timeline.PROPERTY + "=" + timeline.toAbsolutePath());
    command.addAll(List.of("-cp", classPath, mainClass));
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile())
        .redirectError(err.toFile());
    long startMillis = System.currentTimeMillis();
    long t0 = System.nanoTime();
    Process p = pb.start();
    p.getOutputStream().close(); // no input
    if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
      p.destroyForcibly().waitFor();
      throw new AblateException(AblateException.Kind.INTERNAL, String.format(
          "%s %s ran more than %d minutes; killed", mainClass, String.join(" ", args),
          TIMEOUT_MINUTES));
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    return new Child(p.exitValue(), seconds, startMillis, Timeline.read(timeline),
        new String(Files.readAllBytes(out), StandardCharsets.UTF_8),
        new String(Files.readAllBytes(err), StandardCharsets.UTF_8));
  }
}

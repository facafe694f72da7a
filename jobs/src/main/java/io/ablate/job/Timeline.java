package io.ablate.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskStart;

/**
 * A process's timeline, for timing a command end to end from outside it ({@code ablate bench
 * --only e2e}): when the system property {@code ablate.timeline} names a file, each {@link #mark}
 * appends a line {@code name<TAB>epoch millis} to it, the first one preceded by {@code jvm_start}
 * (the JVM's start time). A name is written once, at its first occurrence: {@code main} (the
 * launcher's entry), {@code session} (the Spark session is ready), {@code first_task} (the first
 * task of the first pass started), {@code pass_done} (that pass's Spark work returned),
 * {@code committed} (the run committed), {@code exit} (just before the process exits). A command
 * that does not reach a mark does not write it. Without the property nothing is written and no
 * listener is added. A file that cannot be written is reported on stderr; the command goes on.
 */
public final class Timeline {
  /** The system property naming the file. */
  public static final String PROPERTY = "ablate.timeline";

  public static final String JVM_START = "jvm_start";
  public static final String MAIN = "main";
  public static final String SESSION = "session";
  public static final String FIRST_TASK = "first_task";
  public static final String PASS_DONE = "pass_done";
  public static final String COMMITTED = "committed";
  public static final String EXIT = "exit";
  /** The marks in the order a command reaches them. */
  public static final List<String> MARKS = List.of(JVM_START, MAIN, SESSION, FIRST_TASK,
      PASS_DONE, COMMITTED, EXIT);

  /** Per file, the names written to it. */
  private static final Map<String, Set<String>> WRITTEN = new HashMap<>();

  private Timeline() {}

  /** Marks {@code name} now (nothing without the property, or if it is marked already). */
  public static void mark(String name) {
    if (System.getProperty(PROPERTY) != null) {
      mark(name, System.currentTimeMillis());
    }
  }

  private static synchronized void mark(String name, long epochMillis) {
    String file = System.getProperty(PROPERTY);
    if (file == null) {
      return;
    }
    Set<String> written = WRITTEN.computeIfAbsent(file, f -> new HashSet<>());
    StringBuilder lines = new StringBuilder();
    if (written.add(JVM_START)) {
      lines.append(JVM_START).append('\t')
          .append(ManagementFactory.getRuntimeMXBean().getStartTime()).append('\n');
    }
    if (written.add(name)) {
      lines.append(name).append('\t').append(epochMillis).append('\n');
    }
    try {
      Files.writeString(Path.of(file), lines, StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      // A measurement aid: the command goes on, and its reader finds the mark missing.
      System.err.println("ablate: cannot write the timeline " + file + ": " + e);
    }
  }

  private static synchronized boolean marked(String name) {
    Set<String> written = WRITTEN.get(System.getProperty(PROPERTY, ""));
    return written != null && written.contains(name);
  }

  /**
   * Runs a pass's Spark work: with the property, {@code first_task} is the launch time of the
   * first task started after this call (Spark's listener reports it, maybe after the pass
   * returned; the mark keeps the launch time), and {@code pass_done} is marked when the work
   * returns.
   */
  public static <T> T pass(SparkContext sc, Supplier<T> work) {
    if (System.getProperty(PROPERTY) == null) {
      return work.get();
    }
    long start = System.currentTimeMillis();
    if (!marked(FIRST_TASK)) {
      sc.addSparkListener(new SparkListener() {
        @Override
        public void onTaskStart(SparkListenerTaskStart e) {
          if (e.taskInfo().launchTime() >= start && !marked(FIRST_TASK)) {
            mark(FIRST_TASK, e.taskInfo().launchTime());
          }
        }
      });
    }
    T result = work.get();
    mark(PASS_DONE);
    return result;
  }

  /** A timeline file: each name's time (epoch millis), in the order written; empty if absent. */
  public static Map<String, Long> read(Path file) {
    Map<String, Long> out = new LinkedHashMap<>();
    if (!Files.exists(file)) {
      return out;
    }
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        int tab = line.indexOf('\t');
        if (tab > 0) {
          out.putIfAbsent(line.substring(0, tab), Long.parseLong(line.substring(tab + 1).trim()));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the timeline " + file, e);
    }
    return out;
  }
}

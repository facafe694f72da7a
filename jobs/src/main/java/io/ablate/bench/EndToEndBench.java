package io.ablate.bench;

import io.ablate.AblateException;
import io.ablate.dataset.ActivationDataset;
import io.ablate.dataset.Source;
import io.ablate.job.Engine;
import io.ablate.job.JobListener;
import io.ablate.job.ProfileJob;
import io.ablate.job.Timeline;
import io.ablate.latency.LatencyRow;
import io.ablate.latency.Timing;
import io.ablate.repository.RunId;
import io.ablate.sketch.QuantileSketch;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/**
 * Commands as users meet them: each a fresh process ({@link FreshJvm}), timed from fork to exit,
 * {@code reps} times in rounds that alternate the commands (a slow spell of a shared machine hits
 * them all), one process at a time. Each process writes its {@link Timeline}, which splits its wall
 * time into JVM start, the session, the pass, the commit and the exit. A child that exits with
 * anything but 0 fails the benchmark with its command and the end of its stderr.
 */
public final class EndToEndBench {
  /** The main class of the launcher. */
  public static final String MAIN = "io.ablate.cli.Main";
  /** How the launcher is written in the command lines shown. */
  static final String LAUNCHER = "jobs/bin/ablate";
  /**
   * How far the peers' figures may differ: both compute in float64 from the same formulas, with
   * their own {@code tanh} and {@code exp}, a few ulps apart; the figure is about 0.02.
   */
  public static final double PEER_TOLERANCE = 1e-12;
  /** A run's partition directory in a table of the metrics repository, before its id. */
  private static final String RUN_DIR = "run_id=";

  /**
   * One command to time.
   *
   * @param label the table's name for it
   * @param impl the latency table's {@code impl}: the command ({@code ablate ablate}, ...) or the
   *     peer ({@code spark_sql}, {@code duckdb})
   * @param variant the latency table's {@code variant} ({@code none} for commands without one)
   * @param precision the latency table's {@code precision}
   * @param mainClass what the fresh JVM runs
   * @param args its arguments
   * @param values the float32 values it reads (0: none)
   */
  public record Command(String label, String impl, String variant, String precision,
      String mainClass, List<String> args, long values) {
    public Command {
      args = List.copyOf(args);
    }

    /** An {@code ablate} command line ({@code args} after {@code ablate}). */
    public static Command ablate(String label, String variant, String precision, long values,
        String... args) {
      return new Command(label, "ablate " + args[0], variant, precision, MAIN, List.of(args),
          values);
    }

    /** A peer ({@link EndToEndPeer}) over {@code input}. */
    public static Command peer(String engine, String input, long values) {
      return new Command(engine.equals(EndToEndPeer.SPARK) ? "Spark SQL peer" : "DuckDB peer",
          engine.equals(EndToEndPeer.SPARK) ? "spark_sql" : engine, "gelu_tanh-gelu_sigmoid",
          "fp64", EndToEndPeer.class.getName(), List.of(engine, input), values);
    }

    /** The command line as a user would type it (the launcher; {@code java …} for a peer). */
    public String shown() {
      String words = String.join(" ", args.stream().map(BenchSuite::shellWord).toList());
      return mainClass.equals(MAIN) ? LAUNCHER + " " + words
          : "java … " + mainClass + " " + words;
    }
  }

  /** A command's runs, in the order they ran. */
  public record Result(Command command, List<FreshJvm.Child> runs) {
    /** Each run's wall time, seconds. */
    public double[] seconds() {
      return runs.stream().mapToDouble(FreshJvm.Child::seconds).toArray();
    }

    public double median() {
      return EndToEndBench.median(seconds());
    }

    public double min() {
      return Arrays.stream(seconds()).min().orElse(Double.NaN);
    }

    public double max() {
      return Arrays.stream(seconds()).max().orElse(Double.NaN);
    }

    /** The median of each span ({@link #SPANS}) over the runs that have it; NaN where none has. */
    public double[] spanMedians() {
      double[] out = new double[SPANS.size()];
      for (int k = 0; k < out.length; k++) {
        int col = k;
        out[k] = EndToEndBench.median(runs.stream().mapToDouble(c -> spans(c)[col])
            .filter(v -> !Double.isNaN(v)).toArray());
      }
      return out;
    }

    /** A latency row (scope {@code e2e}). */
    public LatencyRow toLatencyRow(String host, String device) {
      return LatencyRow.process(command.variant(), command.precision(), command.impl(),
          command.values(), host, device, seconds());
    }
  }

  /**
   * The breakdown's columns: fork to JVM start, then from each timeline mark to the next, then
   * from the {@code exit} mark to the process's end (shutdown hooks, the JVM's teardown).
   */
  public static final List<String> SPANS = List.of("fork → JVM start", "JVM start → main",
      "main → session", "session → first task", "first task → pass done",
      "pass done → committed", "committed → exit", "exit → end");

  private EndToEndBench() {}

  /**
   * The seconds of each span of {@link #SPANS} in one run: a span ends at its mark and starts at
   * the last mark before it that the run reached; NaN for a mark the run did not reach.
   */
  public static double[] spans(FreshJvm.Child c) {
    double[] out = new double[SPANS.size()];
    Arrays.fill(out, Double.NaN);
    Map<String, Long> m = c.marks();
    Long start = m.get(Timeline.JVM_START);
    if (start == null) {
      return out;
    }
    out[0] = (start - c.startMillis()) / 1e3;
    long last = start;
    for (int k = 1; k < Timeline.MARKS.size(); k++) {
      Long t = m.get(Timeline.MARKS.get(k));
      if (t != null) {
        out[k] = (t - last) / 1e3;
        last = t;
      }
    }
    Long exit = m.get(Timeline.EXIT);
    if (exit != null) {
      out[out.length - 1] = (c.startMillis() + c.seconds() * 1e3 - exit) / 1e3;
    }
    return out;
  }

  /**
   * Runs {@code commands} in {@code reps} rounds, each command once per round in the order given;
   * each child's files go to {@code dir}. Throws if a child exits with anything but 0.
   */
  public static List<Result> run(FreshJvm jvm, List<Command> commands, int reps, Path dir,
      PrintStream progress) throws IOException, InterruptedException {
    List<List<FreshJvm.Child>> runs = new ArrayList<>();
    commands.forEach(c -> runs.add(new ArrayList<>()));
    for (int round = 1; round <= reps; round++) {
      progress.printf("  round %d of %d:", round, reps);
      for (int i = 0; i < commands.size(); i++) {
        Command c = commands.get(i);
        FreshJvm.Child child = jvm.run(c.mainClass(), c.args(), dir,
            String.format(Locale.ROOT, "%02d-%d", i + 1, round));
        if (child.exitCode() != 0) {
          progress.println();
          throw new AblateException(AblateException.Kind.INTERNAL, String.format(Locale.ROOT,
              "e2e benchmark: `%s` exited with %d; the end of its stderr:%n%s", c.shown(),
              child.exitCode(), child.stderrTail(30)));
        }
        runs.get(i).add(child);
        progress.printf(Locale.ROOT, " %s %.1f s;", c.label(), child.seconds());
      }
      progress.println();
    }
    List<Result> out = new ArrayList<>();
    for (int i = 0; i < commands.size(); i++) {
      out.add(new Result(commands.get(i), List.copyOf(runs.get(i))));
    }
    return out;
  }

  /**
   * Fills a metrics repository with {@code count} (at least 2) profile runs of {@code input} (a
   * small dataset), ids {@code prefix000}, {@code prefix001}, ...: the first two run by the profile
   * job in {@code spark}, the others copies of the second's partitions under their own ids (the
   * repository's layout keeps a run's id in its directories' names only, so a copy is a run of its
   * own). Returns the ids in order.
   */
  public static List<String> profileRuns(SparkSession spark, String input, String metrics,
      String prefix, int count) throws IOException {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ids.add(String.format(Locale.ROOT, "%s%03d", prefix, i));
    }
    for (String id : ids.subList(0, 2)) {
      ProfileJob.run(spark, new ProfileJob.Options(Source.of(input), metrics, List.of(),
          QuantileSketch.DEFAULT_K, RunId.of(id), ActivationDataset.OnBadFile.FAIL, Engine.AUTO),
          JobListener.NONE);
    }
    Path root = Path.of(metrics);
    try (Stream<Path> tables = Files.list(root)) {
      for (Path table : tables.filter(t -> Files.isDirectory(t.resolve(RUN_DIR + ids.get(1))))
          .toList()) {
        for (String id : ids.subList(2, count)) {
          copyTree(table.resolve(RUN_DIR + ids.get(1)), table.resolve(RUN_DIR + id));
        }
      }
    }
    return ids;
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : files.toList()) {
        Files.copy(f, to.resolve(from.relativize(f).toString()));
      }
    }
  }

  /**
   * The peers' figures, checked: each printed one, over the same number of values, and they agree
   * within {@link #PEER_TOLERANCE}. Returns them in the order of {@code peers}.
   */
  public static List<EndToEndPeer.Result> peerFigures(List<Result> peers) {
    List<EndToEndPeer.Result> out = new ArrayList<>();
    for (Result r : peers) {
      for (FreshJvm.Child c : r.runs()) {
        EndToEndPeer.Result f = EndToEndPeer.Result.parse(c.stdout());
        if (f == null) {
          throw new AblateException(AblateException.Kind.INTERNAL, "e2e benchmark: `"
              + r.command().shown() + "` printed no result:\n" + c.stdout());
        }
        EndToEndPeer.Result first = out.isEmpty() ? f : out.get(0);
        if (f.values() != first.values()
            || !(Math.abs(f.maxAbsDiff() - first.maxAbsDiff()) <= PEER_TOLERANCE)) {
          throw new AblateException(AblateException.Kind.INTERNAL, String.format(Locale.ROOT,
              "e2e benchmark: the peers disagree: `%s` found %s over %d values, `%s` %s over %d",
              peers.get(0).command().shown(), first.maxAbsDiff(), first.values(),
              r.command().shown(), f.maxAbsDiff(), f.values()));
        }
        if (c == r.runs().get(0)) {
          out.add(f);
        }
      }
    }
    return out;
  }

  /**
   * The Markdown section: a heading naming what ran, how, the benchmark's command, the machine and
   * the date; every child's command line; the table of wall times and medians of the spans;
   * {@code notes} after it.
   */
  public static String markdown(List<Result> results, FreshJvm jvm, String dataset, long values,
      String benchCommand, String machine, String date, List<String> notes) {
    int reps = results.get(0).runs().size();
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "### End to end: each command a fresh process%n%n"
        + "Each command ran %d time%s as a fresh process, one at a time, in rounds that alternate "
        + "the commands, over %s (%d float32 values, array<float>, Parquet): a new JVM started as "
        + "the launcher starts one, %s with the launcher's class path (`jobs/bin/ablate` and "
        + "`java …` below stand for that). Command: `%s` (%s)  %nMachine: %s%n%n", reps,
        reps == 1 ? "" : "s", dataset, values, jvmSummary(jvm), benchCommand, date, machine));
    for (int i = 0; i < results.size(); i++) {
      Command c = results.get(i).command();
      sb.append(String.format(Locale.ROOT, "%d. %s: `%s`%n", i + 1, c.label(), c.shown()));
    }
    sb.append('\n');
    StringBuilder head = new StringBuilder("| command | wall s (median) | min | max |");
    StringBuilder rule = new StringBuilder("|---|--:|--:|--:|");
    for (String s : SPANS) {
      head.append(' ').append(s).append(" |");
      rule.append("--:|");
    }
    sb.append(head).append('\n').append(rule).append('\n');
    for (int i = 0; i < results.size(); i++) {
      Result r = results.get(i);
      sb.append(String.format(Locale.ROOT, "| %d. %s | %.2f | %.2f | %.2f |", i + 1,
          r.command().label(), r.median(), r.min(), r.max()));
      for (double s : r.spanMedians()) {
        sb.append(Double.isNaN(s) ? " – |" : String.format(Locale.ROOT, " %.2f |", s));
      }
      sb.append('\n');
    }
    sb.append(String.format(Locale.ROOT, "%nWall: fork to exit as the parent saw it, over the %d "
        + "run%s. Spans: medians, seconds, between the marks of each process's timeline (system "
        + "property `%s`); a span whose end mark the command does not reach is –, and the next "
        + "one counts from the last mark reached.%n", reps, reps == 1 ? "" : "s",
        Timeline.PROPERTY));
    for (String n : notes) {
      sb.append('\n').append(n).append('\n');
    }
    return sb.toString();
  }

  /** The JVM's options as a reader needs them: every one but Spark's many --add-opens. */
  private static String jvmSummary(FreshJvm jvm) {
    List<String> shown = jvm.options().stream().filter(o -> !o.startsWith("--add-opens"))
        .toList();
    boolean opens = shown.size() < jvm.options().size();
    return "`java " + String.join(" ", shown) + (opens ? " --add-opens=…" : "") + "`";
  }

  static double median(double[] values) {
    return values.length == 0 ? Double.NaN : Timing.Stats.of(values).p50();
  }
}

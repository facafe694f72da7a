package io.ablate.bench;

import io.ablate.latency.KernelTimer;
import io.ablate.latency.LatencyRow;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;

/**
 * Runs {@link BenchPart}s in order in one JVM and gathers what they measured: the latency rows
 * (written by the caller as one run of the metrics repository), the Markdown sections (the performance documentation's
 * performance section), and the summary printed at the end.
 */
public final class BenchSuite {
  /**
   * One line of the summary: a figure's median with its spread (max − min over the repetitions)
   * and, where it has one, its fraction of the relevant limit.
   */
  public record Line(String part, String figure, double median, double spread, String unit,
      double ofLimit, String limit) {}

  /** What a part gets and where it puts its results. */
  public static final class Context {
    private final boolean quick;
    private final PrintStream out;
    private final Supplier<SparkSession> sparkFactory;
    private final String machine;
    private final String command;
    private final String host;
    private SparkSession spark;
    private final List<LatencyRow> rows = new ArrayList<>();
    private final StringBuilder markdown = new StringBuilder();
    private final List<Line> summary = new ArrayList<>();

    public Context(boolean quick, PrintStream out, Supplier<SparkSession> sparkFactory,
        String machine, String command, String host) {
      this.quick = quick;
      this.out = out;
      this.sparkFactory = sparkFactory;
      this.machine = machine;
      this.command = command;
      this.host = host;
    }

    public boolean quick() {
      return quick;
    }

    public PrintStream out() {
      return out;
    }

    /** The run's one Spark session, started on first use. */
    public SparkSession spark() {
      if (spark == null) {
        spark = sparkFactory.get();
      }
      return spark;
    }

    /** The session if a part started one (null otherwise). */
    public SparkSession sparkIfStarted() {
      return spark;
    }

    public String machine() {
      return machine;
    }

    /** The command line as given, for the tables' headings. */
    public String command() {
      return command;
    }

    public String host() {
      return host;
    }

    /** The CPU as the latency table's {@code device} column names it. */
    public String device() {
      return KernelTimer.cpuDevice();
    }

    public void addRows(List<LatencyRow> r) {
      rows.addAll(r);
    }

    /** A Markdown section (printed too). */
    public void addMarkdown(String section) {
      out.println();
      out.print(section);
      if (markdown.length() > 0) {
        markdown.append('\n');
      }
      markdown.append(section);
    }

    public void addSummary(Line line) {
      summary.add(line);
    }

    public List<LatencyRow> rows() {
      return rows;
    }

    public String markdown() {
      return markdown.toString();
    }

    public List<Line> summary() {
      return summary;
    }
  }

  private BenchSuite() {}

  /** Runs {@code parts} in order, printing each one's wall time. */
  public static void run(List<BenchPart> parts, Context ctx) throws Exception {
    for (BenchPart p : parts) {
      long t0 = System.nanoTime();
      ctx.out().printf("== %s ==%n", p.name());
      p.run(ctx);
      ctx.out().printf(Locale.ROOT, "== %s: %.1f s ==%n", p.name(), (System.nanoTime() - t0) / 1e9);
    }
  }

  /** {@code word} as a shell reads it back: as it is, or in single quotes. */
  public static String shellWord(String word) {
    return word.matches("[\\w@%+=:,./-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
  }

  /** The summary as a Markdown table. */
  public static String summaryTable(List<Line> lines) {
    StringBuilder sb = new StringBuilder();
    sb.append("| part | figure | median | spread | of limit |\n|---|---|--:|--:|--:|\n");
    for (Line l : lines) {
      sb.append("| ").append(l.part()).append(" | ").append(l.figure()).append(" | ")
          .append(format(l.median())).append(' ').append(l.unit()).append(" | ")
          .append(Double.isNaN(l.spread()) ? "–" : format(l.spread()) + " " + l.unit())
          .append(" | ").append(Double.isNaN(l.ofLimit()) ? "–" : String.format(Locale.ROOT,
              "%.0f%% %s", 100 * l.ofLimit(), l.limit()))
          .append(" |\n");
    }
    return sb.toString();
  }

  static String format(double v) {
    double a = Math.abs(v);
    return String.format(Locale.ROOT, a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f"
        : "%.3g", v);
  }
}

package io.ablate.cli;

import java.util.List;
import java.util.Locale;
import org.apache.commons.math3.stat.descriptive.SummaryStatistics;
import org.apache.commons.math3.stat.inference.TTest;
import org.apache.spark.sql.Row;

/** The statistics a sweep's summary prints: spread over seeds and Welch's t-test. */
final class SweepStats {
  private SweepStats() {}

  /** A − B: the difference of the means, Welch's t and its two-sided p (NaN with < 2 each). */
  record Welch(double diff, double t, double p) {}

  /**
   * A training's configuration as the tables and plots name it: its variant, its backbone size
   * ({@code d64-L2-F256}) when {@code sized}, and its learning rate.
   */
  static String group(Row r, boolean sized) {
    return r.getAs("variant") + (sized ? " " + size(r) : "") + " lr " + r.getAs("lr");
  }

  /** Whether the rows come from more than one backbone size. */
  static boolean sized(List<Row> rows) {
    return rows.stream().map(SweepStats::size).distinct().count() > 1;
  }

  /** A row's backbone size, {@code d64-L2-F256}; empty for rows recorded without one. */
  static String size(Row r) {
    if (r.schema() == null || r.schema().getFieldIndex("hidden").isEmpty()
        || r.getAs("hidden") == null) {
      return "";
    }
    return "d" + r.getAs("hidden") + "-L" + r.getAs("n_layers") + "-F" + r.getAs("ffn");
  }

  /** The finite values of a double column (a diverged training's NaN is not a number). */
  static double[] finite(List<Row> rows, String column) {
    return rows.stream().map(r -> r.<Double>getAs(column))
        .filter(v -> v != null && Double.isFinite(v)).mapToDouble(Double::doubleValue).toArray();
  }

  static String meanSd(double[] v) {
    if (v.length == 0) {
      return "-";
    }
    SummaryStatistics s = new SummaryStatistics();
    for (double x : v) {
      s.addValue(x);
    }
    return String.format(Locale.ROOT, "%.4f ± %.4f", s.getMean(),
        v.length > 1 ? s.getStandardDeviation() : Double.NaN);
  }

  static Welch welch(double[] a, double[] b) {
    double diff = mean(a) - mean(b);
    if (a.length < 2 || b.length < 2) {
      return new Welch(diff, Double.NaN, Double.NaN);
    }
    TTest test = new TTest();
    return new Welch(diff, test.t(a, b), test.tTest(a, b));
  }

  private static double mean(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return v.length == 0 ? Double.NaN : s / v.length;
  }
}

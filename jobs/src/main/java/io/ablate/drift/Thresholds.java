package io.ablate.drift;

import io.ablate.AblateException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Warn and alert levels per drift metric. A metric reaches a level when its size is at or above
 * it; size is the value for {@code psi, ks, js, w1, w1_norm}, |value| for the signed ones (mean
 * shift, quantile, sparsity and outlier-rate deltas) and max(r, 1/r) for {@code std_ratio}. A key's
 * status is the highest level any metric reaches: {@code alert}, {@code warn} or {@code ok}.
 *
 * <p>Syntax: {@code metric=warn:alert} items separated by commas, each replacing the default of
 * that metric or adding one; {@code :alert} or {@code warn:} for one level only, {@code metric=off}
 * to drop a default. Defaults: {@code psi=0.1:0.25,w1_norm=0.1:0.2}.
 */
public final class Thresholds {
  public static final String DEFAULTS = "psi=0.1:0.25,w1_norm=0.1:0.2";
  public static final List<String> METRICS = List.of("psi", "ks", "js", "w1", "w1_norm",
      "mean_shift_sigma", "std_ratio", "q01_delta", "q50_delta", "q99_delta", "q999_delta",
      "sparsity_delta", "outlier_rate_delta");

  /** Levels of one metric; NaN for a level not set. */
  public record Level(double warn, double alert) {}

  /** A key's status and which metrics set it ("psi 0.31 >= 0.25"), worst first. */
  public record Verdict(String status, String reason, double severity) {}

  private final Map<String, Level> levels;

  private Thresholds(Map<String, Level> levels) {
    this.levels = levels;
  }

  public static Thresholds defaults() {
    return parse("");
  }

  /** The defaults with {@code spec}'s items applied; bad input names the item and what is valid. */
  public static Thresholds parse(String spec) {
    Map<String, Level> levels = new LinkedHashMap<>();
    apply(levels, DEFAULTS);
    apply(levels, spec == null ? "" : spec);
    return new Thresholds(levels);
  }

  private static void apply(Map<String, Level> levels, String spec) {
    for (String item : spec.split(",")) {
      String it = item.trim();
      if (it.isEmpty()) {
        continue;
      }
      int eq = it.indexOf('=');
      String metric = eq < 0 ? it : it.substring(0, eq).trim();
      if (!METRICS.contains(metric)) {
        throw AblateException.badInput("--thresholds: unknown metric '%s' in '%s'; valid: %s",
            metric, it, String.join(", ", METRICS));
      }
      String value = eq < 0 ? "" : it.substring(eq + 1).trim();
      if (value.equals("off")) {
        levels.remove(metric);
        continue;
      }
      int colon = value.indexOf(':');
      if (colon < 0) {
        throw AblateException.badInput("--thresholds: '%s' is not metric=warn:alert (e.g. "
            + "psi=0.1:0.25, ks=:0.2, or psi=off)", it);
      }
      Level level = new Level(number(value.substring(0, colon), it),
          number(value.substring(colon + 1), it));
      if (Double.isNaN(level.warn()) && Double.isNaN(level.alert())) {
        throw AblateException.badInput("--thresholds: '%s' sets no level", it);
      }
      if (level.warn() > level.alert()) {
        throw AblateException.badInput("--thresholds: '%s' has warn above alert", it);
      }
      levels.put(metric, level);
    }
  }

  private static double number(String s, String item) {
    if (s.isBlank()) {
      return Double.NaN;
    }
    try {
      double v = Double.parseDouble(s.trim());
      if (!(v >= 0) || Double.isInfinite(v)) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw AblateException.badInput("--thresholds: '%s' in '%s' is not a number >= 0", s, item);
    }
  }

  /** The size compared with the levels (see the class comment). */
  static double size(String metric, double value) {
    if (metric.equals("std_ratio")) {
      return Math.max(value, 1 / value);
    }
    return Math.abs(value);
  }

  /**
   * The status of one key's metrics; {@code severity} orders keys worst first (the largest
   * size / alert level, or size / warn level / 2 without an alert level). NaN metrics are skipped.
   */
  public Verdict judge(Map<String, Double> metrics) {
    String status = "ok";
    List<String> reasons = new ArrayList<>();
    double severity = 0;
    for (Map.Entry<String, Level> e : levels.entrySet()) {
      Double v = metrics.get(e.getKey());
      if (v == null || v.isNaN()) {
        continue;
      }
      double size = size(e.getKey(), v);
      Level l = e.getValue();
      severity = Math.max(severity, Double.isNaN(l.alert()) ? size / l.warn() / 2
          : size / l.alert());
      if (!Double.isNaN(l.alert()) && size >= l.alert()) {
        status = "alert";
        reasons.add(String.format(Locale.ROOT, "%s %.3g >= %.3g", e.getKey(), v, l.alert()));
      } else if (!Double.isNaN(l.warn()) && size >= l.warn()) {
        status = status.equals("alert") ? status : "warn";
        reasons.add(String.format(Locale.ROOT, "%s %.3g >= %.3g (warn)", e.getKey(), v, l.warn()));
      }
    }
    return new Verdict(status, String.join("; ", reasons), severity);
  }

  /** Whether {@code metric} has a warn or an alert level (it can set a key's status). */
  public boolean judges(String metric) {
    return levels.containsKey(metric);
  }

  /** The levels as given back in the syntax above (for the run's args). */
  public String text() {
    List<String> items = new ArrayList<>();
    levels.forEach((m, l) -> items.add(m + "=" + (Double.isNaN(l.warn()) ? "" : l.warn()) + ":"
        + (Double.isNaN(l.alert()) ? "" : l.alert())));
    return String.join(",", items);
  }
}

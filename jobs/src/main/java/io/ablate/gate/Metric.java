package io.ablate.gate;

import java.util.Set;

/**
 * What a gate's metric name reads from a row: a column's value ({@code snr_db}), or the difference
 * ({@code snr_db_delta}: value − baseline) or ratio ({@code snr_db_ratio}: value / baseline) of the
 * row's value to the value it is compared with. The same definitions give the {@code delta} and
 * {@code ratio} columns of the {@code comparisons} table.
 *
 * @param name the name as given
 * @param column the numeric column it reads
 */
public record Metric(String name, String column, Form form) {
  /** Which value of the column a metric name means, by its suffix. */
  public enum Form {
    VALUE(""), DELTA("_delta"), RATIO("_ratio");

    private final String suffix;

    Form(String suffix) {
      this.suffix = suffix;
    }

    public String suffix() {
      return suffix;
    }
  }

  /**
   * The metric {@code name} means among {@code columns} in one of {@code forms}, or null. A column
   * of that very name wins over a suffix ({@code q99_delta} of the drift table is a column).
   */
  static Metric resolve(String name, Set<String> columns, Set<Form> forms) {
    if (columns.contains(name) && forms.contains(Form.VALUE)) {
      return new Metric(name, name, Form.VALUE);
    }
    for (Form f : forms) {
      if (f != Form.VALUE && name.endsWith(f.suffix())) {
        String column = name.substring(0, name.length() - f.suffix().length());
        if (columns.contains(column)) {
          return new Metric(name, column, f);
        }
      }
    }
    return null;
  }

  /** This metric of a value and its baseline (null when one it needs is missing). */
  public Double of(Double value, Double baseline) {
    return switch (form) {
      case VALUE -> missing(value) ? null : value;
      case DELTA -> delta(value, baseline);
      case RATIO -> ratio(value, baseline);
    };
  }

  /**
   * value − baseline; 0 for equal values (infinities included: two runs with no error both have
   * an SNR of +Inf); null when either is missing (null or NaN).
   */
  public static Double delta(Double value, Double baseline) {
    if (missing(value) || missing(baseline)) {
      return null;
    }
    return value.doubleValue() == baseline.doubleValue() ? 0.0 : value - baseline;
  }

  /**
   * value / baseline; 1 for equal values (0/0 and Inf/Inf included), ±Inf for a zero baseline;
   * null when either is missing (null or NaN) or the ratio is undefined (−Inf / +Inf).
   */
  public static Double ratio(Double value, Double baseline) {
    if (missing(value) || missing(baseline)) {
      return null;
    }
    double r = value.doubleValue() == baseline.doubleValue() ? 1.0 : value / baseline;
    return Double.isNaN(r) ? null : r;
  }

  /** Whether a value is missing: null or NaN (never taken for a number). */
  public static boolean missing(Double v) {
    return v == null || v.isNaN();
  }
}

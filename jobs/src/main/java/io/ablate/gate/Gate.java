package io.ablate.gate;

import io.ablate.AblateException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A threshold on a metric: {@code [SUBJECT:]METRIC OP NUMBER}, e.g. {@code snr_db>=40}, {@code
 * gelu@int8:max_abs_err<=1e-3}, {@code *:gelu@int8:mean_kl_delta<=0.01}. OP is one of {@code >=},
 * {@code <=}, {@code >}, {@code <}; NUMBER any Java double literal ({@code 1e-3}, {@code
 * -Infinity}; not NaN); spaces around the parts are allowed. The subject is everything before the last
 * {@code :} ahead of the metric (variant configs hold colons themselves), and names the rows the
 * gate is about; without one the gate holds for every row. What the metric and subject name is up
 * to the table the gate is bound to ({@link Gates#bind}).
 *
 * @param text the gate as given (trimmed), as recorded in the {@code gates} table
 * @param subject the subject as written (trimmed), or null for every row
 * @param metric the metric's name
 */
public record Gate(String text, String subject, String metric, Op op, double threshold) {
  /** What a gate's syntax is, for error messages. */
  public static final String SYNTAX = "[SUBJECT:]METRIC OP NUMBER with OP one of >=, <=, >, < "
      + "(e.g. snr_db>=40, gelu@int8:max_abs_err<=1e-3)";

  // Greedy subject: up to the last ':' before the metric. The operator's longest forms first.
  private static final Pattern FORM = Pattern.compile(
      "(?:(.*):)?\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*(>=|<=|>|<)\\s*(.*)", Pattern.DOTALL);

  /** A comparison of a value with the threshold. */
  public enum Op {
    GE(">="), LE("<="), GT(">"), LT("<");

    private final String symbol;

    Op(String symbol) {
      this.symbol = symbol;
    }

    public String symbol() {
      return symbol;
    }

    /** Whether {@code value OP threshold}. */
    public boolean holds(double value, double threshold) {
      return switch (this) {
        case GE -> value >= threshold;
        case LE -> value <= threshold;
        case GT -> value > threshold;
        case LT -> value < threshold;
      };
    }

    /** The comparison that holds when this one does not (for a failure's reason). */
    Op negation() {
      return switch (this) {
        case GE -> LT;
        case LE -> GT;
        case GT -> LE;
        case LT -> GE;
      };
    }

    static Op of(String symbol) {
      for (Op op : values()) {
        if (op.symbol.equals(symbol)) {
          return op;
        }
      }
      throw new IllegalArgumentException(symbol);
    }
  }

  /**
   * A gate's verdict on one value.
   *
   * @param reason null on pass; "missing value", or the value against the threshold ("12.3 < 30")
   */
  public record Verdict(boolean pass, String reason) {
    public String status() {
      return pass ? "pass" : "fail";
    }
  }

  /** Parses a gate; bad input names the text and what is valid. */
  public static Gate parse(String text) {
    String t = text == null ? "" : text.trim();
    Matcher m = FORM.matcher(t);
    if (!m.matches()) {
      throw AblateException.badInput("gate '%s' is not valid: expected %s", t, SYNTAX);
    }
    String subject = m.group(1) == null ? null : m.group(1).trim();
    if (subject != null && subject.isEmpty()) {
      throw AblateException.badInput("gate '%s' has an empty subject before ':': give a subject "
          + "or none (%s)", t, SYNTAX);
    }
    String number = m.group(4).trim();
    double threshold;
    try {
      threshold = Double.parseDouble(number);
    } catch (NumberFormatException e) {
      throw AblateException.badInput("gate '%s': '%s' is not a number; expected %s", t, number,
          SYNTAX);
    }
    if (Double.isNaN(threshold)) {
      throw AblateException.badInput("gate '%s': the threshold is NaN, which no value meets; give "
          + "a number", t);
    }
    return new Gate(t, subject, m.group(2), Op.of(m.group(3)), threshold);
  }

  /** Whether the value meets the gate: a missing value (null or NaN) fails; ±Inf are numbers. */
  public Verdict evaluate(Double value) {
    if (value == null || value.isNaN()) {
      return new Verdict(false, "missing value");
    }
    if (op.holds(value, threshold)) {
      return new Verdict(true, null);
    }
    return new Verdict(false, number(value) + " " + op.negation().symbol() + " "
        + number(threshold));
  }

  /** A number to six significant digits, as short as it goes (12.3, 1e-05, Infinity). */
  public static String number(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return Double.toString(v);
    }
    String s = String.format(Locale.ROOT, "%.6g", v);
    int e = s.indexOf('e');
    String mantissa = e < 0 ? s : s.substring(0, e);
    if (mantissa.contains(".")) {
      mantissa = mantissa.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
    return e < 0 ? mantissa : mantissa + s.substring(e);
  }

  @Override
  public String toString() {
    return text;
  }
}

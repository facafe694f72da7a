package io.ablate.activation;

import io.ablate.expr.Expr;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Checked parameter values of one variant, by name; immutable. A definition reads a parameter into
 * its expression with {@link #expr}: a constant, or in {@linkplain #symbolic() symbolic} parameters
 * an {@link Expr.Param} that training binds to a learnable value. Either way the tree has the same
 * shape, so the constant form (the reference, the kernels' checks, the GPU form) does not change.
 */
public final class Params {
  private final Map<String, double[]> values;
  private final Set<String> lists;
  private final boolean symbolic;

  Params(Map<String, double[]> values, Set<String> lists) {
    this(values, lists, false);
  }

  private Params(Map<String, double[]> values, Set<String> lists, boolean symbolic) {
    this.values = Collections.unmodifiableMap(new TreeMap<>(values));
    this.lists = Set.copyOf(lists);
    this.symbolic = symbolic;
  }

  /** The same values, read into expressions as {@link Expr.Param}s instead of constants. */
  public Params symbolic() {
    return new Params(values, lists, true);
  }

  public boolean isSymbolic() {
    return symbolic;
  }

  /** A number as an expression: {@code Const(get(name))}, or {@code Param(name, 0)} if symbolic. */
  public Expr expr(String name) {
    return expr(name, 0);
  }

  /** Item {@code item} of a list as an expression (a constant, or a parameter if symbolic). */
  public Expr expr(String name, int item) {
    double[] v = values.get(name);
    if (v == null || item < 0 || item >= v.length) {
      throw new IllegalArgumentException("no parameter " + name + "[" + item + "] in " + text());
    }
    return symbolic ? new Expr.Param(name, item) : Expr.c(v[item]);
  }

  /** One number. */
  public double get(String name) {
    return values.get(name)[0];
  }

  /** A list of numbers (a copy). */
  public double[] list(String name) {
    return values.get(name).clone();
  }

  public boolean isEmpty() {
    return values.isEmpty();
  }

  /** Names in order. */
  public Iterable<String> names() {
    return values.keySet();
  }

  /** Whether {@code s} is a plain decimal number: digits, an optional point, an optional exponent. */
  public static boolean isPlainNumber(String s) {
    return s.matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Params other) || other.symbolic != symbolic
        || !other.values.keySet().equals(values.keySet())) {
      return false;
    }
    return values.entrySet().stream()
        .allMatch(e -> java.util.Arrays.equals(e.getValue(), other.values.get(e.getKey())));
  }

  @Override
  public int hashCode() {
    return text().hashCode();
  }

  /** Shortest round-tripping text of a number, without a trailing ".0". */
  public static String format(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return Double.toString(v).toLowerCase(Locale.ROOT);
  }

  /** {@code k=v,...} with lists as {@code [a,b]}; empty when there are none. */
  public String text() {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, double[]> e : values.entrySet()) {
      if (sb.length() > 0) {
        sb.append(',');
      }
      sb.append(e.getKey()).append('=');
      double[] v = e.getValue();
      if (!lists.contains(e.getKey())) {
        sb.append(format(v[0]));
      } else {
        sb.append('[');
        for (int i = 0; i < v.length; i++) {
          sb.append(i == 0 ? "" : ",").append(format(v[i]));
        }
        sb.append(']');
      }
    }
    return sb.toString();
  }
}

package io.ablate.activation;

import io.ablate.AblateException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A parsed variant name {@code name[(k=v,...)][@precision[(k=v,...)]]}, e.g. {@code gelu_tanh},
 * {@code swish(beta=1.5)@bf16}, {@code rational(p=[0,1,0.5],q=[0.2])}, {@code silu@int8(calib=p99.9)}.
 * Values are kept as text here; {@link Catalogue#variant} checks them against the activation.
 */
public record VariantSpec(String name, Map<String, String> params, String precision,
    Map<String, String> precisionParams) {

  public static VariantSpec parse(String text) {
    if (text == null || text.isBlank()) {
      throw AblateException.badInput("empty variant name; expected name[(k=v,...)][@precision], "
          + "e.g. gelu_tanh, swish(beta=1.5)@bf16");
    }
    String s = text.trim();
    int at = topLevelIndexOf(s, "@", 0);
    String act = at < 0 ? s : s.substring(0, at);
    String prec = at < 0 ? "fp32" : s.substring(at + 1);
    String[] a = nameAndArgs(act, text);
    String[] p = nameAndArgs(prec, text);
    return new VariantSpec(a[0].toLowerCase(Locale.ROOT), args(a[1], text), p[0].toLowerCase(Locale.ROOT),
        args(p[1], text));
  }

  /** Splits {@code name(args)} into name and args (null when there are no parentheses). */
  private static String[] nameAndArgs(String s, String whole) {
    s = s.trim();
    int open = s.indexOf('(');
    if (open < 0) {
      check(s.matches("[A-Za-z0-9_]+"), whole, "bad name '" + s + "'");
      return new String[] {s, null};
    }
    check(s.endsWith(")"), whole, "missing ')'");
    String name = s.substring(0, open).trim();
    check(name.matches("[A-Za-z0-9_]+"), whole, "bad name '" + name + "'");
    return new String[] {name, s.substring(open + 1, s.length() - 1)};
  }

  private static Map<String, String> args(String body, String whole) {
    Map<String, String> out = new LinkedHashMap<>();
    if (body == null || body.isBlank()) {
      return out;
    }
    for (String part : splitTopLevel(body, ",")) {
      int eq = part.indexOf('=');
      check(eq > 0, whole, "parameter '" + part.trim() + "' is not k=v");
      String k = part.substring(0, eq).trim().toLowerCase(Locale.ROOT);
      check(out.put(k, part.substring(eq + 1).trim()) == null, whole, "parameter '" + k + "' given twice");
    }
    return out;
  }

  /** Splits on any of {@code separators} outside parentheses and brackets. */
  public static List<String> splitTopLevel(String s, String separators) {
    List<String> parts = new ArrayList<>();
    int start = 0;
    int i;
    while ((i = topLevelIndexOf(s, separators, start)) >= 0) {
      parts.add(s.substring(start, i));
      start = i + 1;
    }
    parts.add(s.substring(start));
    return parts;
  }

  /** The first index at or after {@code from} of any of {@code chars} outside () and [], or −1. */
  static int topLevelIndexOf(String s, String chars, int from) {
    int depth = 0;
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch == '[' || ch == '(') {
        depth++;
      } else if (ch == ']' || ch == ')') {
        depth--;
      } else if (depth == 0 && i >= from && chars.indexOf(ch) >= 0) {
        return i;
      }
    }
    return -1;
  }

  /** A number or a list {@code [a,b,...]}, as doubles. */
  static double[] numbers(String activation, String key, String text) {
    String t = text.trim();
    boolean list = t.startsWith("[") && t.endsWith("]");
    String[] items = list ? t.substring(1, t.length() - 1).split(",") : new String[] {t};
    if (list && t.substring(1, t.length() - 1).isBlank()) {
      items = new String[0];
    }
    double[] v = new double[items.length];
    for (int i = 0; i < items.length; i++) {
      String item = items[i].trim();
      if (!Params.isPlainNumber(item)) {
        throw AblateException.badInput("%s: parameter %s=%s is not a number%s", activation, key, text,
            list ? " list" : "");
      }
      v[i] = Double.parseDouble(item);
    }
    return v;
  }

  private static void check(boolean ok, String whole, String what) {
    if (!ok) {
      throw AblateException.badInput("bad variant '%s': %s; expected name[(k=v,...)][@precision], "
          + "e.g. gelu_tanh, swish(beta=1.5)@bf16", whole, what);
    }
  }
}

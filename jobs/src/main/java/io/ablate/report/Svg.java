package io.ablate.report;

import java.util.Locale;

/** Text helpers for SVG and HTML: escaping, numbers, colours. */
public final class Svg {
  private Svg() {}

  /** Categorical colours (Tableau 10): series and variants, in order. */
  private static final String[] PALETTE = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2",
      "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};
  /** Viridis at five stops, low to high. */
  private static final int[][] VIRIDIS = {{68, 1, 84}, {59, 82, 139}, {33, 145, 140},
      {94, 201, 98}, {253, 231, 37}};

  /** Text escaped for an XML or HTML element or a double-quoted attribute. */
  public static String esc(Object o) {
    String s = String.valueOf(o);
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> sb.append("&amp;");
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }

  /** A coordinate: two decimals, no exponent, no locale. */
  static String px(double v) {
    long hundredths = Math.round(v * 100);
    if (hundredths % 100 == 0) {
      return Long.toString(hundredths / 100);
    }
    return String.format(Locale.ROOT, "%.2f", hundredths / 100.0);
  }

  /** A value for a label: 4 significant digits, trailing zeros dropped; NaN and ±∞ spelled out. */
  public static String num(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    } else if (Double.isInfinite(v)) {
      return v > 0 ? "+∞" : "−∞";
    } else if (v == 0) {
      return "0";
    }
    double a = Math.abs(v);
    String s = a >= 1e-3 && a < 1e6 ? String.format(Locale.ROOT, "%.4g", v)
        : String.format(Locale.ROOT, "%.3e", v);
    int e = s.indexOf('e');
    String mantissa = e < 0 ? s : s.substring(0, e);
    if (mantissa.indexOf('.') >= 0) {
      mantissa = mantissa.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
    return e < 0 ? mantissa : mantissa + "e" + Integer.parseInt(s.substring(e + 1));
  }

  /** The i-th categorical colour. */
  public static String category(int i) {
    return PALETTE[Math.floorMod(i, PALETTE.length)];
  }

  /** A sequential colour for t in [0, 1] (viridis); grey for NaN. */
  static String sequential(double t) {
    if (Double.isNaN(t)) {
      return "#d9d9d9";
    }
    double x = Math.max(0, Math.min(1, t)) * (VIRIDIS.length - 1);
    int i = Math.min((int) x, VIRIDIS.length - 2);
    double f = x - i;
    int[] a = VIRIDIS[i];
    int[] b = VIRIDIS[i + 1];
    return String.format(Locale.ROOT, "#%02x%02x%02x", Math.round(a[0] + f * (b[0] - a[0])),
        Math.round(a[1] + f * (b[1] - a[1])), Math.round(a[2] + f * (b[2] - a[2])));
  }

  /** Black or white, whichever reads on {@code hex}. */
  static String ink(String hex) {
    int r = Integer.parseInt(hex.substring(1, 3), 16);
    int g = Integer.parseInt(hex.substring(3, 5), 16);
    int b = Integer.parseInt(hex.substring(5, 7), 16);
    return 0.299 * r + 0.587 * g + 0.114 * b > 140 ? "#000" : "#fff";
  }

  /** An {@code <svg>} root of the given size that scales down to a narrow window. */
  static StringBuilder open(double width, double height, String label) {
    return new StringBuilder().append("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ")
        .append(px(width)).append(' ').append(px(height)).append("\" width=\"").append(px(width))
        .append("\" role=\"img\" aria-label=\"").append(esc(label))
        .append("\" class=\"plot\" font-family=\"sans-serif\" font-size=\"11\">");
  }

  static void text(StringBuilder sb, double x, double y, String anchor, String text,
      String extra) {
    sb.append("<text x=\"").append(px(x)).append("\" y=\"").append(px(y))
        .append("\" text-anchor=\"").append(anchor).append('"')
        .append(extra.isEmpty() ? "" : " " + extra).append('>').append(esc(text))
        .append("</text>");
  }

  static void line(StringBuilder sb, double x1, double y1, double x2, double y2, String style) {
    sb.append("<line x1=\"").append(px(x1)).append("\" y1=\"").append(px(y1)).append("\" x2=\"")
        .append(px(x2)).append("\" y2=\"").append(px(y2)).append("\" ").append(style)
        .append("/>");
  }
}

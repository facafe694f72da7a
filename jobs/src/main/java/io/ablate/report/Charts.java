package io.ablate.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The chart kinds of the HTML report, each an SVG element as text. Every drawn datum carries
 * {@code class="mark"} and a {@code <title>} with its values (shown on hover), so a page can be
 * checked for what it drew and read without a pointer.
 */
public final class Charts {
  private Charts() {}

  private static final double WIDTH = 640;
  private static final double CHAR = 6.2; // an 11 px sans-serif character, roughly

  /** A point of a scatter plot: a label by the point, its series (colour) and coordinates. */
  public record Point(String label, String series, double x, double y) {}

  /** A horizontal bar: its category (row), series (colour), value and an optional whisker. */
  public record Bar(String category, String series, double value, double lo, double hi) {
    public static Bar of(String category, String series, double value) {
      return new Bar(category, series, value, Double.NaN, Double.NaN);
    }
  }

  /** A step line through (x, y) pairs, x ascending. */
  public record Line(String series, double[] x, double[] y) {}

  /**
   * The points no other point beats on both axes: lower x is better, and higher y (or lower, when
   * {@code higherYBetter} is false). Points with a NaN coordinate are never on the front. In order
   * of x.
   */
  public static List<Point> paretoFront(List<Point> points, boolean higherYBetter) {
    List<Point> sorted = new ArrayList<>(points.stream()
        .filter(p -> !Double.isNaN(p.x()) && !Double.isNaN(p.y())).toList());
    Comparator<Point> byY = Comparator.comparingDouble(Point::y);
    sorted.sort(Comparator.comparingDouble(Point::x)
        .thenComparing(higherYBetter ? byY.reversed() : byY));
    List<Point> front = new ArrayList<>();
    for (Point p : sorted) {
      if (front.isEmpty() || (higherYBetter ? p.y() > front.get(front.size() - 1).y()
          : p.y() < front.get(front.size() - 1).y())) {
        front.add(p);
      }
    }
    return front;
  }

  /**
   * A scatter plot with its Pareto front drawn as a step line through {@code front}. Points off
   * the y axis (±∞, or ≤ 0 on a log axis) are drawn as triangles at its edge, their value in the
   * tooltip.
   */
  public static String scatter(String label, String xTitle, Scale xs, String yTitle, Scale ys,
      List<Point> points, List<Point> front) {
    List<String> series = seriesOf(points.stream().map(Point::series).toList());
    Frame f = new Frame(WIDTH, 400, 70, 28 + legendHeight(series), 120, 44);
    StringBuilder sb = Svg.open(f.width, f.height, label);
    legend(sb, series, 8);
    f.xAxis(sb, xs, xTitle);
    f.yAxis(sb, ys, yTitle);
    if (front.size() > 1) {
      StringBuilder path = new StringBuilder();
      for (int i = 0; i < front.size(); i++) {
        Point p = front.get(i);
        double x = f.x(xs, p.x());
        double y = f.y(ys, p.y());
        if (i == 0) {
          path.append('M').append(Svg.px(x)).append(' ').append(Svg.px(y));
        } else {
          path.append(" H").append(Svg.px(x)).append(" V").append(Svg.px(y));
        }
      }
      sb.append("<path class=\"front\" d=\"").append(path)
          .append("\" fill=\"none\" stroke=\"#333\" stroke-dasharray=\"4 3\"><title>")
          .append("Pareto front: no other point is both cheaper and better</title></path>");
    }
    for (Point p : points) {
      double x = f.x(xs, p.x());
      double y = f.y(ys, p.y());
      String colour = Svg.category(series.indexOf(p.series()));
      boolean onFront = front.contains(p);
      String tip = p.label() + " (" + p.series() + "): " + xTitle + " " + Svg.num(p.x()) + ", "
          + yTitle + " " + Svg.num(p.y()) + (onFront ? "; on the Pareto front" : "");
      if (ys.contains(p.y())) {
        sb.append("<circle class=\"mark\" cx=\"").append(Svg.px(x)).append("\" cy=\"")
            .append(Svg.px(y)).append("\" r=\"").append(onFront ? 6 : 4).append("\" fill=\"")
            .append(colour).append('"').append(onFront ? " stroke=\"#000\" stroke-width=\"1.5\""
                : "").append("><title>").append(Svg.esc(tip)).append("</title></circle>");
      } else {
        double d = y <= f.top + 0.01 ? -1 : 1; // pointing off the axis
        sb.append("<path class=\"mark\" d=\"M").append(Svg.px(x)).append(' ')
            .append(Svg.px(y + 6 * d)).append(" l-5 ").append(Svg.px(-9 * d)).append(" h10 z\" fill=\"")
            .append(colour).append("\"><title>").append(Svg.esc(tip + " (off the axis)"))
            .append("</title></path>");
      }
      Svg.text(sb, x + 7, y - 5, "start", p.label(), "font-size=\"10\"");
    }
    return sb.append("</svg>").toString();
  }

  /**
   * A heatmap: {@code values[r][c]} coloured on a sequential scale between the finite extremes
   * (NaN grey; ±∞ at the ends), each cell labelled with its value.
   */
  public static String heatmap(String label, List<String> rows, List<String> cols,
      double[][] values, String valueTitle, boolean higherBetter) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double[] row : values) {
      for (double v : row) {
        if (Double.isFinite(v)) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
    }
    String[][] colours = new String[rows.size()][cols.size()];
    for (int r = 0; r < rows.size(); r++) {
      for (int c = 0; c < cols.size(); c++) {
        double v = values[r][c];
        double t = Double.isNaN(v) ? Double.NaN : v == Double.POSITIVE_INFINITY ? 1
            : v == Double.NEGATIVE_INFINITY ? 0 : hi > lo ? (v - lo) / (hi - lo) : 0.5;
        colours[r][c] = Svg.sequential(higherBetter || Double.isNaN(t) ? t : 1 - t);
      }
    }
    String legend = valueTitle + ": " + Svg.num(lo) + " to " + Svg.num(hi) + " ("
        + (higherBetter ? "brighter is higher" : "brighter is lower") + "; grey: no value)";
    return grid(label, rows, cols, values, colours, legend);
  }

  /** The colours of drift statuses. */
  public static final Map<String, String> STATUS_COLOURS = Map.of("ok", "#a1d99b", "warn",
      "#fdd49e", "alert", "#fb6a4a", "none", "#f0f0f0");

  /**
   * A heatmap coloured by status ({@link #STATUS_COLOURS}: ok, warn, alert, or none for a value
   * no threshold applies to), each cell labelled with its value.
   */
  public static String statusHeatmap(String label, List<String> rows, List<String> cols,
      double[][] values, String[][] status) {
    String[][] colours = new String[rows.size()][cols.size()];
    for (int r = 0; r < rows.size(); r++) {
      for (int c = 0; c < cols.size(); c++) {
        colours[r][c] = STATUS_COLOURS.getOrDefault(status[r][c], STATUS_COLOURS.get("none"));
      }
    }
    return grid(label, rows, cols, values, colours,
        "red: alert, orange: warn, green: ok, grey: no threshold");
  }

  private static String grid(String label, List<String> rows, List<String> cols,
      double[][] values, String[][] colours, String legend) {
    double left = 12 + CHAR * rows.stream().mapToInt(String::length).max().orElse(4);
    double cell = Math.max(44, Math.min(90, (WIDTH - left - 10) / Math.max(1, cols.size())));
    double rowH = 22;
    double head = 18 + CHAR * cols.stream().mapToInt(String::length).max().orElse(4) * 0.72;
    // The last column's label leans right, past the grid.
    double width = left + cell * cols.size() + 10
        + CHAR * cols.stream().mapToInt(String::length).max().orElse(4) * 0.77;
    double height = head + rowH * rows.size() + 30;
    StringBuilder sb = Svg.open(width, height, label);
    for (int c = 0; c < cols.size(); c++) {
      double x = left + cell * c + cell / 2;
      Svg.text(sb, x, head - 6, "start", cols.get(c), "transform=\"rotate(-40 " + Svg.px(x)
          + " " + Svg.px(head - 6) + ")\"");
    }
    for (int r = 0; r < rows.size(); r++) {
      double y = head + rowH * r;
      Svg.text(sb, left - 6, y + rowH / 2 + 4, "end", rows.get(r), "");
      for (int c = 0; c < cols.size(); c++) {
        double x = left + cell * c;
        String fill = colours[r][c];
        sb.append("<rect class=\"mark\" x=\"").append(Svg.px(x)).append("\" y=\"")
            .append(Svg.px(y)).append("\" width=\"").append(Svg.px(cell - 1))
            .append("\" height=\"").append(Svg.px(rowH - 1)).append("\" fill=\"").append(fill)
            .append("\"><title>").append(Svg.esc(rows.get(r) + ", " + cols.get(c) + ": "
                + Svg.num(values[r][c]))).append("</title></rect>");
        Svg.text(sb, x + cell / 2, y + rowH / 2 + 4, "middle", Svg.num(values[r][c]),
            "font-size=\"10\" fill=\"" + Svg.ink(fill) + "\" pointer-events=\"none\"");
      }
    }
    Svg.text(sb, left, height - 8, "start", legend, "font-size=\"10\" fill=\"#555\"");
    return sb.append("</svg>").toString();
  }

  /**
   * Horizontal bars, one row per category and one bar per series in it; negative values extend
   * left of zero (a diverging chart). A bar with a whisker ({@code lo}, {@code hi}) draws it as a
   * line. Bars whose value is not finite are drawn as a hollow marker at the axis end.
   */
  public static String hbars(String label, String xTitle, Scale xs, List<Bar> bars) {
    Map<String, List<Bar>> byCategory = new LinkedHashMap<>();
    bars.forEach(b -> byCategory.computeIfAbsent(b.category(), k -> new ArrayList<>()).add(b));
    List<String> series = seriesOf(bars.stream().map(Bar::series).toList());
    double left = 14 + CHAR * Math.min(40,
        byCategory.keySet().stream().mapToInt(String::length).max().orElse(4));
    double barH = 12;
    double rowH = barH * Math.max(1, series.size()) + 8;
    double top = 10 + legendHeight(series);
    Frame f = new Frame(WIDTH + Math.max(0, left - 120), top + rowH * byCategory.size() + 46,
        left, top, 24, 46);
    StringBuilder sb = Svg.open(f.width, f.height, label);
    legend(sb, series, 8);
    f.xAxis(sb, xs, xTitle);
    double zero = xs.log() ? f.left : f.x(xs, 0);
    int row = 0;
    for (Map.Entry<String, List<Bar>> e : byCategory.entrySet()) {
      double y0 = f.top + rowH * row++ + 4;
      String category = e.getKey();
      Svg.text(sb, f.left - 6, y0 + rowH / 2, "end",
          category.length() > 40 ? category.substring(0, 39) + "…" : category, "");
      for (Bar b : e.getValue()) {
        int s = series.indexOf(b.series());
        double y = y0 + barH * s;
        String colour = Svg.category(s);
        String tip = category + (series.size() > 1 ? " (" + b.series() + ")" : "") + ": "
            + Svg.num(b.value()) + (Double.isNaN(b.hi()) ? ""
            : " [" + Svg.num(b.lo()) + " to " + Svg.num(b.hi()) + "]");
        if (Double.isFinite(b.value())) {
          double x = f.x(xs, b.value());
          sb.append("<rect class=\"mark\" x=\"").append(Svg.px(Math.min(x, zero)))
              .append("\" y=\"").append(Svg.px(y)).append("\" width=\"")
              .append(Svg.px(Math.max(1, Math.abs(x - zero)))).append("\" height=\"")
              .append(Svg.px(barH - 2)).append("\" fill=\"").append(colour).append("\"><title>")
              .append(Svg.esc(tip)).append("</title></rect>");
        } else {
          double x = Double.isNaN(b.value()) ? zero
              : b.value() > 0 ? f.right : f.left;
          sb.append("<rect class=\"mark\" x=\"").append(Svg.px(x - 4)).append("\" y=\"")
              .append(Svg.px(y)).append("\" width=\"8\" height=\"").append(Svg.px(barH - 2))
              .append("\" fill=\"none\" stroke=\"").append(colour).append("\"><title>")
              .append(Svg.esc(tip)).append("</title></rect>");
        }
        if (Double.isFinite(b.lo()) && Double.isFinite(b.hi())) {
          double yc = y + (barH - 2) / 2;
          Svg.line(sb, f.x(xs, b.lo()), yc, f.x(xs, b.hi()), yc,
              "class=\"whisker\" stroke=\"#000\" stroke-width=\"1.5\"");
          Svg.line(sb, f.x(xs, b.hi()), yc - 4, f.x(xs, b.hi()), yc + 4,
              "stroke=\"#000\" stroke-width=\"1.5\"");
        }
      }
    }
    if (!xs.log() && xs.lo() < 0 && xs.hi() > 0) {
      Svg.line(sb, zero, f.top, zero, f.bottom, "stroke=\"#000\"");
    }
    return sb.append("</svg>").toString();
  }

  /** Step lines (e.g. CDFs), one colour per series. */
  public static String steps(String label, String xTitle, Scale xs, String yTitle, Scale ys,
      List<Line> lines) {
    List<String> series = seriesOf(lines.stream().map(Line::series).toList());
    Frame f = new Frame(WIDTH, 300, 60, 16 + legendHeight(series), 20, 44);
    StringBuilder sb = Svg.open(f.width, f.height, label);
    legend(sb, series, 8);
    f.xAxis(sb, xs, xTitle);
    f.yAxis(sb, ys, yTitle);
    for (Line l : lines) {
      StringBuilder d = new StringBuilder();
      for (int i = 0; i < l.x().length; i++) {
        double x = f.x(xs, l.x()[i]);
        double y = f.y(ys, l.y()[i]);
        d.append(i == 0 ? "M" : " H").append(Svg.px(x));
        d.append(i == 0 ? " " + Svg.px(y) : " V" + Svg.px(y));
      }
      sb.append("<path class=\"mark\" d=\"").append(d).append("\" fill=\"none\" stroke=\"")
          .append(Svg.category(series.indexOf(l.series()))).append("\" stroke-width=\"2\"><title>")
          .append(Svg.esc(l.series())).append("</title></path>");
    }
    return sb.append("</svg>").toString();
  }

  private static List<String> seriesOf(List<String> names) {
    return names.stream().distinct().toList();
  }

  private static double legendHeight(List<String> series) {
    return series.size() > 1 ? 20 * rowsOfLegend(series) : 0;
  }

  private static int rowsOfLegend(List<String> series) {
    int rows = 1;
    double x = 8;
    for (String s : series) {
      double w = 24 + CHAR * s.length();
      if (x + w > WIDTH - 8 && x > 8) {
        rows++;
        x = 8;
      }
      x += w;
    }
    return rows;
  }

  /** One swatch and name per series, in rows across the top (nothing for a single series). */
  private static void legend(StringBuilder sb, List<String> series, double y0) {
    if (series.size() < 2) {
      return;
    }
    sb.append("<g class=\"legend\">");
    double x = 8;
    double y = y0;
    for (int i = 0; i < series.size(); i++) {
      String s = series.get(i);
      double w = 24 + CHAR * s.length();
      if (x + w > WIDTH - 8 && x > 8) {
        x = 8;
        y += 20;
      }
      sb.append("<rect x=\"").append(Svg.px(x)).append("\" y=\"").append(Svg.px(y))
          .append("\" width=\"10\" height=\"10\" fill=\"").append(Svg.category(i)).append("\"/>");
      Svg.text(sb, x + 14, y + 9, "start", s, "");
      x += w;
    }
    sb.append("</g>");
  }
}

package io.ablate.report;

/**
 * The plotting area of a chart and its numeric axes: ticks, grid lines, tick labels and axis
 * titles (with units). Coordinates of the area are SVG pixels; {@link #x} and {@link #y} map data
 * values onto it.
 */
final class Frame {
  final double width;
  final double height;
  final double left;
  final double top;
  final double right;
  final double bottom;

  Frame(double width, double height, double left, double top, double right, double bottom) {
    this.width = width;
    this.height = height;
    this.left = left;
    this.top = top;
    this.right = width - right;
    this.bottom = height - bottom;
  }

  double x(Scale s, double v) {
    return left + s.at(v) * (right - left);
  }

  double y(Scale s, double v) {
    return bottom - s.at(v) * (bottom - top);
  }

  /** The x axis along the bottom: ticks, vertical grid lines, labels and the title. */
  void xAxis(StringBuilder sb, Scale s, String title) {
    sb.append("<g class=\"axis x\">");
    for (double t : s.ticks()) {
      double x = x(s, t);
      Svg.line(sb, x, top, x, bottom, "stroke=\"#e5e5e5\"");
      Svg.line(sb, x, bottom, x, bottom + 4, "stroke=\"#666\"");
      Svg.text(sb, x, bottom + 15, "middle", Svg.num(t), "");
    }
    Svg.line(sb, left, bottom, right, bottom, "stroke=\"#666\"");
    Svg.text(sb, (left + right) / 2, height - 6, "middle", title, "font-weight=\"bold\"");
    sb.append("</g>");
  }

  /** The y axis along the left: ticks, horizontal grid lines, labels and the title. */
  void yAxis(StringBuilder sb, Scale s, String title) {
    sb.append("<g class=\"axis y\">");
    for (double t : s.ticks()) {
      double y = y(s, t);
      Svg.line(sb, left, y, right, y, "stroke=\"#e5e5e5\"");
      Svg.line(sb, left - 4, y, left, y, "stroke=\"#666\"");
      Svg.text(sb, left - 6, y + 4, "end", Svg.num(t), "");
    }
    Svg.line(sb, left, top, left, bottom, "stroke=\"#666\"");
    double cy = (top + bottom) / 2;
    Svg.text(sb, 14, cy, "middle", title, "font-weight=\"bold\" transform=\"rotate(-90 14 "
        + Svg.px(cy) + ")\"");
    sb.append("</g>");
  }
}

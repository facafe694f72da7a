package io.ablate.report;

import java.util.ArrayList;
import java.util.List;

/**
 * A numeric axis: a domain widened to round ticks, linear or base-10 logarithmic, mapped to
 * [0, 1]. Values outside the domain (and, on a log axis, values ≤ 0) clamp to its ends; the charts
 * mark such points, so nothing is silently drawn as if it were in range.
 */
public record Scale(double lo, double hi, boolean log, List<Double> ticks) {

  /** A linear scale covering every finite value of {@code values} (0 to 1 if there is none). */
  public static Scale linear(double... values) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double v : values) {
      if (Double.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    if (lo > hi) {
      lo = 0;
      hi = 1;
    }
    if (lo == hi) {
      double pad = lo == 0 ? 1 : Math.abs(lo) * 0.1;
      lo -= pad;
      hi += pad;
    }
    double step = niceStep((hi - lo) / 5);
    double start = Math.floor(lo / step) * step;
    double end = Math.ceil(hi / step) * step;
    List<Double> ticks = new ArrayList<>();
    for (int i = 0; start + i * step <= end + step * 1e-9; i++) {
      double t = start + i * step;
      ticks.add(Math.abs(t) < step * 1e-9 ? 0.0 : t);
    }
    return new Scale(start, end, false, List.copyOf(ticks));
  }

  /** A log scale covering the finite positive values of {@code values}, whole decades. */
  public static Scale log(double... values) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double v : values) {
      if (Double.isFinite(v) && v > 0) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    if (lo > hi) {
      lo = 1;
      hi = 10;
    }
    int a = (int) Math.floor(Math.log10(lo));
    int b = (int) Math.ceil(Math.log10(hi));
    if (a == b) {
      b = a + 1;
    }
    int every = Math.max(1, (b - a + 7) / 8); // at most about 8 labelled decades
    List<Double> ticks = new ArrayList<>();
    for (int e = a; e <= b; e += every) {
      ticks.add(Math.pow(10, e));
    }
    return new Scale(Math.pow(10, a), Math.pow(10, b), true, List.copyOf(ticks));
  }

  /** Where {@code v} falls, 0 at {@code lo} and 1 at {@code hi}, clamped. NaN stays NaN. */
  public double at(double v) {
    if (Double.isNaN(v)) {
      return Double.NaN;
    }
    double t = log
        ? (v <= 0 ? 0 : (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)))
        : (v - lo) / (hi - lo);
    return Math.max(0, Math.min(1, t));
  }

  /** Whether {@code v} lies on the axis (drawn where it is, not clamped to an end). */
  public boolean contains(double v) {
    return v >= lo && v <= hi && !(log && v <= 0);
  }

  private static double niceStep(double raw) {
    double p = Math.pow(10, Math.floor(Math.log10(raw)));
    double f = raw / p;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
  }
}

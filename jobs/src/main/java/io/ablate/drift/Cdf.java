package io.ablate.drift;

import io.ablate.sketch.QuantileSketch;

/**
 * A distribution as a step function: sorted items and their cumulative weights (a quantile sketch's
 * sorted view, or an exact sample with weights 1, 2, ..., n). {@link #at} is F(x), the fraction of
 * weight at or below x.
 */
public record Cdf(float[] items, long[] cumulative, long n) {

  public static Cdf of(QuantileSketch sketch) {
    QuantileSketch.SortedView v = sketch.sortedView();
    return new Cdf(v.items(), v.cumulative(), v.n());
  }

  /** F(x): the fraction of the weight at items &le; x. */
  public double at(double x) {
    int lo = 0;
    int hi = items.length; // first index with item > x
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (items[mid] <= x) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo == 0 ? 0 : (double) cumulative[lo - 1] / n;
  }

  /**
   * The Kolmogorov–Smirnov statistic sup |F_a − F_b| and the Wasserstein-1 distance ∫ |F_a − F_b| dx
   * (= ∫ |Q_a − Q_b| du) of two step functions, evaluated at every item of both: {ks, w1}.
   */
  public static double[] ksAndW1(Cdf a, Cdf b) {
    int i = 0;
    int j = 0;
    double fa = 0;
    double fb = 0;
    double ks = 0;
    double w1 = 0;
    double x = Double.NaN;
    while (i < a.items.length || j < b.items.length) {
      double next = Math.min(i < a.items.length ? a.items[i] : Double.POSITIVE_INFINITY,
          j < b.items.length ? b.items[j] : Double.POSITIVE_INFINITY);
      if (!Double.isNaN(x)) {
        w1 += Math.abs(fa - fb) * (next - x);
      }
      while (i < a.items.length && a.items[i] == next) {
        fa = (double) a.cumulative[i++] / a.n;
      }
      while (j < b.items.length && b.items[j] == next) {
        fb = (double) b.cumulative[j++] / b.n;
      }
      ks = Math.max(ks, Math.abs(fa - fb));
      x = next;
    }
    return new double[] {ks, w1};
  }
}

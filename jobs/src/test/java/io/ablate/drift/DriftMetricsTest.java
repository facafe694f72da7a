package io.ablate.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ablate.AblateException;
import io.ablate.sketch.SketchBuilder;
import io.ablate.profile.Profile;
import io.ablate.profile.ProfileKey;
import io.ablate.sketch.QuantileSketch;
import io.ablate.profile.ValueStats;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Sketch-based drift metrics against exact values from sorted samples, on distributions with known
 * shifts, within the bounds the KLL rank error ε implies: KS within 2ε, W1 within ε·(range of
 * each side) summed, quantile deltas between the exact deltas at ranks p ± ε.
 */
class DriftMetricsTest {
  private static final int N = 200_000;

  /** A sample: N(0,1) draws through {@code shape}. */
  static float[] sample(long seed, DoubleUnaryOperator shape) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = new float[N];
    for (int i = 0; i < N; i++) {
      double u1 = r.nextDouble();
      double u2 = r.nextDouble();
      double z = Math.sqrt(-2 * Math.log1p(-u1)) * Math.cos(2 * Math.PI * u2);
      x[i] = (float) shape.applyAsDouble(z);
    }
    return x;
  }

  static Profile profile(float[] x, int k) {
    ValueStats stats = ValueStats.empty();
    SketchBuilder sketch = new SketchBuilder(k, 7);
    for (int off = 0; off < x.length; off += 1000) {
      int len = Math.min(1000, x.length - off);
      stats.update(x, off, len);
      sketch.update(x, off, len);
    }
    return Profile.of(new ProfileKey("m", "c", 0, "ffn.pre", ""), stats, sketch.toSketch(), k);
  }

  static double[] sorted(float[] x) {
    double[] d = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      d[i] = x[i];
    }
    Arrays.sort(d);
    return d;
  }

  /** Exact KS and W1 of two sorted samples of equal size (W1 = mean |x_(i) − y_(i)|). */
  static double[] exact(double[] a, double[] b) {
    double w1 = 0;
    for (int i = 0; i < a.length; i++) {
      w1 += Math.abs(a[i] - b[i]);
    }
    double ks = 0;
    int i = 0;
    int j = 0;
    while (i < a.length || j < b.length) {
      double next = Math.min(i < a.length ? a[i] : Double.POSITIVE_INFINITY,
          j < b.length ? b[j] : Double.POSITIVE_INFINITY);
      while (i < a.length && a[i] == next) {
        i++;
      }
      while (j < b.length && b[j] == next) {
        j++;
      }
      ks = Math.max(ks, Math.abs((double) i / a.length - (double) j / b.length));
    }
    return new double[] {ks, w1 / a.length};
  }

  static double quantile(double[] sorted, double rank) {
    int i = (int) Math.ceil(rank * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  record Case(String name, DoubleUnaryOperator shape, String status) {}

  @Test
  void sketchMetricsMatchExactValuesWithinTheRankErrorBound() {
    float[] base = sample(1, z -> z);
    Profile b = profile(base, QuantileSketch.DEFAULT_K);
    double[] sb = sorted(base);
    double eps = b.quantiles().normalizedRankError();
    SplittableRandom heavy = new SplittableRandom(3);
    SplittableRandom outl = new SplittableRandom(4);
    Case[] cases = {
        new Case("same distribution", z -> z, "ok"),
        new Case("mean shift 0.5 sigma", z -> z + 0.5, "alert"),
        new Case("scale 1.5", z -> 1.5 * z, "alert"),
        new Case("heavier tails", z -> heavy.nextDouble() < 0.2 ? z * 3 : z, "alert"),
        new Case("more outliers", z -> outl.nextDouble() < 0.01 ? 40 * Math.signum(z) : z, "alert"),
    };
    Thresholds thresholds = Thresholds.defaults();
    for (Case c : cases) {
      float[] cand = sample(2, c.shape());
      Profile p = profile(cand, QuantileSketch.DEFAULT_K);
      double[] sc = sorted(cand);
      DriftMetrics m = DriftMetrics.compare(b, p, DriftMetrics.DEFAULT_BINS,
          DriftMetrics.DEFAULT_EPSILON);
      double[] ex = exact(sb, sc);
      assertEquals(ex[0], m.ks(), 2 * eps, c.name() + " ks");
      double w1Bound = eps * ((sb[N - 1] - sb[0]) + (sc[N - 1] - sc[0]));
      assertEquals(ex[1], m.w1(), w1Bound, c.name() + " w1");
      double[] deltas = {m.q01Delta(), m.q50Delta(), m.q99Delta(), m.q999Delta()};
      for (int i = 0; i < DriftMetrics.RANKS.length; i++) {
        double r = DriftMetrics.RANKS[i];
        double lo = quantile(sc, r - eps) - quantile(sb, r + eps);
        double hi = quantile(sc, r + eps) - quantile(sb, r - eps);
        assertTrue(deltas[i] >= lo && deltas[i] <= hi, c.name() + " q" + r + " delta "
            + deltas[i] + " not in [" + lo + ", " + hi + "]");
      }
      assertEquals(c.status(), thresholds.judge(m.byName()).status(), c.name() + ": " + m);
      if (c.name().equals("more outliers")) {
        assertTrue(m.outlierRateDelta() > 0.005, "" + m.outlierRateDelta());
        assertEquals("alert", Thresholds.parse("outlier_rate_delta=0.001:0.005")
            .judge(m.byName()).status());
      }
      if (c.name().equals("same distribution")) {
        assertTrue(m.psi() < 0.01 && m.ks() < 0.02 && Math.abs(m.meanShiftSigma()) < 0.02, "" + m);
      }
      if (c.name().startsWith("mean shift")) {
        assertEquals(0.5, m.meanShiftSigma(), 0.02);
        assertEquals(0.5, m.w1Norm(), 0.05);
      }
      if (c.name().startsWith("scale")) {
        assertEquals(1.5, m.stdRatio(), 0.02);
      }
    }
  }

  @Test
  void identicalProfilesHaveZeroDrift() {
    Profile b = profile(sample(1, z -> z), 256);
    DriftMetrics m = DriftMetrics.compare(b, b, 10, 1e-4);
    assertEquals(0, m.psi());
    assertEquals(0, m.ks());
    assertEquals(0, m.js());
    assertEquals(0, m.w1());
    assertEquals(1, m.stdRatio());
    assertEquals("ok", Thresholds.defaults().judge(m.byName()).status());
  }

  @Test
  void thresholdsParseOverrideAndReject() {
    Thresholds t = Thresholds.parse("ks=:0.1,psi=off,std_ratio=1.2:1.5");
    assertEquals("alert", t.judge(Map.of("ks", 0.15, "psi", 9.0)).status());
    assertEquals("ok", t.judge(Map.of("ks", 0.05, "psi", 9.0)).status());
    assertEquals("warn", t.judge(Map.of("std_ratio", 1 / 1.3)).status());
    assertEquals("alert", t.judge(Map.of("w1_norm", 0.2)).status());
    for (String bad : new String[] {"kss=1:2", "psi=0.3:0.1", "psi=0.1", "psi=a:b", "psi=:"}) {
      AblateException e = assertThrows(AblateException.class, () -> Thresholds.parse(bad));
      assertTrue(e.getMessage().contains("--thresholds"), e.getMessage());
    }
  }
}

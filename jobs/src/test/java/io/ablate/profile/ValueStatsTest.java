package io.ablate.profile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The exact part of a profile: the Vector API path gives the scalar lanes' bits, counts and extremes
 * follow the contract over edge values, and the power sums agree with an exact (BigDecimal)
 * computation to the accuracy of double lane sums.
 */
class ValueStatsTest {
  private static final float[] EDGES = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE,
      Float.MIN_NORMAL, 1e-30f, -3.3e38f, Float.MAX_VALUE, -Float.MAX_VALUE, 1f, -1f};

  /** Random vectors: Gaussian bulk, outliers, edge values, and (when asked) NaN and ±Inf. */
  static float[] vector(SplittableRandom r, int len, boolean nonFinite) {
    float[] v = new float[len];
    for (int i = 0; i < len; i++) {
      double u = r.nextDouble();
      v[i] = u < 0.05 ? EDGES[r.nextInt(EDGES.length)]
          : (float) (r.nextGaussian() * (u < 0.1 ? 80 : 1));
    }
    if (nonFinite && len > 0) {
      float[] specials = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
      v[r.nextInt(len)] = specials[r.nextInt(3)];
    }
    return v;
  }

  @Test
  void vectorPathGivesTheScalarBits() {
    SplittableRandom r = new SplittableRandom(7);
    for (int trial = 0; trial < 200; trial++) {
      ValueStats vector = ValueStats.empty();
      ValueStats scalar = ValueStats.empty();
      for (int group = 0; group < 3; group++) {
        int len = r.nextInt(trial < 100 ? 40 : 3000);
        float[] v = vector(r, len, trial % 5 == 0);
        int off = len == 0 ? 0 : r.nextInt(len + 1);
        vector.update(v, off, len - off, true);
        scalar.update(v, off, len - off, false);
      }
      String where = "trial " + trial;
      assertArrayEquals(scalar.powerSums(), vector.powerSums(), where);
      assertEquals(scalar.n(), vector.n(), where);
      assertEquals(scalar.zeros(), vector.zeros(), where);
      assertEquals(scalar.nans(), vector.nans(), where);
      assertEquals(scalar.infs(), vector.infs(), where);
      assertEquals(Double.doubleToRawLongBits(scalar.min()), Double.doubleToRawLongBits(vector.min()),
          where);
      assertEquals(Double.doubleToRawLongBits(scalar.max()), Double.doubleToRawLongBits(vector.max()),
          where);
      assertEquals(scalar.outliers(), vector.outliers(), where);
    }
  }

  @Test
  void countsExtremesAndPowerSumsMatchAnExactComputation() {
    SplittableRandom r = new SplittableRandom(11);
    for (boolean simd : new boolean[] {true, false}) {
      ValueStats s = ValueStats.empty();
      long n = 0;
      long zeros = 0;
      long nans = 0;
      long infs = 0;
      double lo = Double.POSITIVE_INFINITY;
      double hi = Double.NEGATIVE_INFINITY;
      BigDecimal[] exact = {BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO};
      BigDecimal[] magnitude = exact.clone();
      for (int group = 0; group < 40; group++) {
        float[] v = vector(r, 1 + r.nextInt(2000), group % 3 == 0);
        s.update(v, 0, v.length, simd);
        for (float x : v) {
          if (Float.isNaN(x)) {
            nans++;
            continue;
          }
          if (Float.isInfinite(x)) {
            infs++;
            continue;
          }
          n++;
          zeros += x == 0f ? 1 : 0;
          lo = Math.min(lo, x);
          hi = Math.max(hi, x);
          BigDecimal d = new BigDecimal(x);
          for (int p = 0; p < 4; p++) {
            BigDecimal t = d.pow(p + 1);
            exact[p] = exact[p].add(t);
            magnitude[p] = magnitude[p].add(t.abs());
          }
        }
      }
      assertEquals(n, s.n());
      assertEquals(zeros, s.zeros());
      assertEquals(nans, s.nans());
      assertEquals(infs, s.infs());
      assertEquals(lo, s.min());
      assertEquals(hi, s.max());
      BigDecimal[] got = s.powerSums();
      for (int p = 0; p < 4; p++) {
        // Each lane sums at most ~250 terms of a vector in double, each term (x, x², x³, x⁴ of a
        // float) rounded at most 3 times: the error is below 300·2^-53 of Σ|terms|.
        BigDecimal bound = magnitude[p].multiply(new BigDecimal(300 * 0x1p-53));
        BigDecimal err = got[p].subtract(exact[p]).abs();
        assertTrue(err.compareTo(bound) <= 0, "power " + (p + 1) + ", simd " + simd + ": error "
            + err.round(MathContext.DECIMAL64) + " above " + bound.round(MathContext.DECIMAL64));
      }
    }
  }
}

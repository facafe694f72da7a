package io.ablate.precision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ablate.expr.Expr;
import io.ablate.expr.GpuExpansion;
import io.ablate.expr.Interpreter;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Rounding to each small format against an independent model: every non-negative finite value of
 * the format decoded from its bit fields, nearest found by search, ties to the even code. The GPU
 * expansion of the same rounding must agree bit for bit.
 */
class FloatFormatTest {
  /** exponent bits, mantissa bits, bias, whether the all-ones exponent is ∞/NaN (IEEE) or not (E4M3FN). */
  record Layout(FloatFormat format, int expBits, int manBits, int bias, boolean ieeeTop) {}

  static Stream<Arguments> formats() {
    return Stream.of(
        Arguments.of(new Layout(FloatFormat.BF16, 8, 7, 127, true)),
        Arguments.of(new Layout(FloatFormat.FP16, 5, 10, 15, true)),
        Arguments.of(new Layout(FloatFormat.FP8_E4M3, 4, 3, 7, false)),
        Arguments.of(new Layout(FloatFormat.FP8_E5M2, 5, 2, 15, true)));
  }

  /** All non-negative finite values, ascending; index parity = code parity (codes are monotone). */
  static double[] values(Layout l) {
    int codes = 1 << (l.expBits() + l.manBits());
    double[] v = new double[codes];
    int n = 0;
    int topExp = (1 << l.expBits()) - 1;
    for (int code = 0; code < codes; code++) {
      int e = code >>> l.manBits();
      int m = code & ((1 << l.manBits()) - 1);
      if (l.ieeeTop() && e == topExp) {
        continue; // ∞ and NaN
      }
      if (!l.ieeeTop() && e == topExp && m == (1 << l.manBits()) - 1) {
        continue; // E4M3FN: S.1111.111 is NaN
      }
      double value = e == 0 ? m * Math.pow(2, 1 - l.bias() - l.manBits())
          : (1 + m / Math.pow(2, l.manBits())) * Math.pow(2, e - l.bias());
      v[n++] = value;
    }
    return Arrays.copyOf(v, n);
  }

  static double nearest(double[] grid, Layout l, double x) {
    if (Double.isNaN(x)) {
      return x;
    }
    double a = Math.abs(x);
    double max = grid[grid.length - 1];
    double r;
    if (a >= max) {
      double halfStep = (max - grid[grid.length - 2]) / 2;
      r = a < max + halfStep ? max : (l.format().hasInfinity() ? Double.POSITIVE_INFINITY : max);
    } else {
      int i = Arrays.binarySearch(grid, a);
      if (i >= 0) {
        r = grid[i];
      } else {
        int hi = -i - 1;
        int lo = hi - 1;
        double dl = a - grid[lo];
        double dh = grid[hi] - a;
        r = dl < dh ? grid[lo] : dh < dl ? grid[hi] : (lo % 2 == 0 ? grid[lo] : grid[hi]);
      }
    }
    return Math.copySign(r, x);
  }

  @ParameterizedTest
  @MethodSource("formats")
  void roundsToNearestEvenLikeTheIndependentModel(Layout l) {
    double[] grid = values(l);
    assertEquals(l.format().maxFinite(), grid[grid.length - 1]);
    Interpreter.Compiled gpu = Interpreter.compile(
        GpuExpansion.expand(Expr.round(l.format(), Expr.x())));
    Random rnd = new Random();
    float[] probes = probes(grid, rnd);
    float[] rounded = new float[probes.length + 1];
    l.format().round(probes, 0, rounded, 1, probes.length); // the array form (its own code)
    for (int i = 0; i < probes.length; i++) {
      float x = probes[i];
      double expected = nearest(grid, l, x);
      float actual = l.format().round(x);
      assertSame(expected, actual, l, x, "CPU");
      assertSame(expected, rounded[i + 1], l, x, "CPU array");
      assertSame(expected, (float) gpu.eval(x), l, x, "GPU form");
    }
  }

  private static void assertSame(double expected, float actual, Layout l, float x, String form) {
    boolean ok = Double.isNaN(expected) ? Float.isNaN(actual)
        : Float.floatToRawIntBits((float) expected) == Float.floatToRawIntBits(actual);
    assertTrue(ok, form + " " + l.format().name() + ".round(" + x + ") = " + actual + ", expected " + expected);
  }

  /** Every grid value, every midpoint and its float neighbours, specials, and random floats. */
  static float[] probes(double[] grid, Random rnd) {
    float[] p = new float[grid.length * 8 + 40_000];
    int n = 0;
    for (int i = 0; i < grid.length; i++) {
      for (int sign = -1; sign <= 1; sign += 2) {
        float v = (float) (sign * grid[i]);
        p[n++] = v;
        double mid = i + 1 < grid.length ? (grid[i] + grid[i + 1]) / 2 : grid[i] * 1.0001;
        float m = (float) (sign * mid);
        p[n++] = m;
        p[n++] = Math.nextUp(m);
        p[n++] = Math.nextDown(m);
      }
    }
    float[] specials = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
        Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE, -Float.MAX_VALUE, 1e30f,
        -1e-30f, 448f, 464f, 465f, 57344f, 61440f, 61439.996f, 65504f, 65520f, 65519.996f};
    for (float s : specials) {
      p[n++] = s;
    }
    while (n < p.length) {
      p[n++] = Float.intBitsToFloat(rnd.nextInt()); // every exponent, NaNs included
    }
    return p;
  }
}

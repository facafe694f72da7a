package io.ablate.expr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ablate.kernel.Simd;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The array form of {@link FastErf#erfc} (its vector half, {@link FastErfSimd}) against the scalar
 * form, bit for bit, and {@link DoubleExp} against {@code Math.exp}.
 */
class FastErfBlockTest {
  private static final double[] EDGES = {0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY,
      Double.NEGATIVE_INFINITY, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL, 1e-300,
      -1e-300, Double.MAX_VALUE, -Double.MAX_VALUE, 1e300, 26.0, -26.0, Math.nextDown(26.0),
      -Math.nextDown(26.0), Math.nextUp(26.0), 27.3, -27.3, 1.0 / 16, Math.nextDown(1.0 / 16),
      Math.nextUp(1.0 / 16), 0.5, -0.5, 1.0, -1.0, 3.75, -3.75, 25.9375, -25.9375, 5.8, -5.8,
      1e-8, -1e-8, 7.0710678118654755, -7.0710678118654755};

  @Test
  void theVectorArrayFormGivesTheScalarBits() {
    assertTrue(Simd.available(), "the tests run with jdk.incubator.vector");
    Random rnd = new Random();
    long seed = rnd.nextLong();
    rnd.setSeed(seed);
    for (int n : new int[] {EDGES.length, 1, 7, 8, 9, 1024, 4099}) {
      double[] x = new double[n];
      for (int k = 0; k < n; k++) {
        x[k] = n == EDGES.length ? EDGES[k] : switch (k % 4) {
          case 0 -> rnd.nextGaussian() * 3;
          case 1 -> (rnd.nextDouble() - 0.5) * 60;
          case 2 -> (float) (rnd.nextGaussian() * 8); // float inputs, as the job's
          default -> Math.scalb(rnd.nextDouble() - 0.5, rnd.nextInt(-1080, 40));
        };
      }
      double[] out = new double[n];
      java.util.Arrays.fill(out, 12345.0); // stale values must not leak through
      FastErf.erfc(x, out, n);
      for (int k = 0; k < n; k++) {
        double expected = FastErf.erfc(x[k]);
        int at = k;
        assertEquals(Double.doubleToLongBits(expected), Double.doubleToLongBits(out[k]),
            () -> "erfc(" + x[at] + "): scalar " + expected + ", array " + out[at] + " (seed "
                + seed + ")");
      }
    }
  }

  @Test
  void doubleExpIsWithinTwoUlpsOfMathExp() {
    Random rnd = new Random();
    long seed = rnd.nextLong();
    rnd.setSeed(seed);
    double worst = 0;
    for (int i = 0; i < 1_000_000; i++) {
      double x = i < 500_000 ? DoubleExp.MIN_ARG * i / 500_000 : DoubleExp.MIN_ARG * rnd.nextDouble();
      if (i % 10 == 0) {
        x = -rnd.nextDouble() * 1e-3; // near 0, where r is x itself
      }
      double expected = Math.exp(x);
      double ulps = Math.abs(DoubleExp.exp(x) - expected) / Math.ulp(expected);
      worst = Math.max(worst, ulps);
      double at = x;
      assertTrue(ulps <= 2, () -> "exp(" + at + ") off by " + ulps + " ulp (seed " + seed + ")");
    }
    assertEquals(1.0, DoubleExp.exp(0.0));
    assertEquals(1.0, DoubleExp.exp(-0.0));
    assertTrue(worst > 0, "some rounding difference is expected over a million draws");
  }

  @Test
  void expMinusSquareKeepsFullRelativeAccuracyWhereASquareWouldLoseIt() {
    // e^(−a²) at a = 25.9: forming a² in double loses about 7e-14 relative; the split does not.
    Random rnd = new Random(5);
    for (int i = 0; i < 100_000; i++) {
      double a = rnd.nextDouble() * 26;
      double exact = Erf.expMinusSquare(a); // Math.exp with the same exact split
      double ours = DoubleExp.expMinusSquare(a);
      assertTrue(Math.abs(ours - exact) <= 4 * Math.ulp(exact), a + ": " + ours + " vs " + exact);
    }
  }
}

package io.ablate.expr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Erf against an independent 60-digit evaluation (Maclaurin series in BigDecimal). */
class ErfTest {
  private static final MathContext MC = new MathContext(80);

  /** erf(x) = 2/√π Σ (−1)ⁿ x^(2n+1) / (n!(2n+1)), summed in 80-digit arithmetic. */
  static BigDecimal erfExact(double xd) {
    BigDecimal x = new BigDecimal(xd);
    BigDecimal x2 = x.multiply(x, MC);
    BigDecimal power = x; // x^(2n+1)
    BigDecimal factorial = BigDecimal.ONE;
    BigDecimal sum = BigDecimal.ZERO;
    for (int n = 0; n < 2000; n++) {
      if (n > 0) {
        power = power.multiply(x2, MC);
        factorial = factorial.multiply(BigDecimal.valueOf(n), MC);
      }
      BigDecimal term = power.divide(factorial.multiply(BigDecimal.valueOf(2L * n + 1), MC), MC);
      if (n % 2 == 1) {
        term = term.negate();
      }
      sum = sum.add(term, MC);
      if (n > 10 && term.abs().compareTo(new BigDecimal("1e-70")) < 0) {
        break;
      }
    }
    BigDecimal twoOverSqrtPi = new BigDecimal(
        "1.1283791670955125738961589031215451716881012586579977136881714434212849368829868289734873204042147269");
    return sum.multiply(twoOverSqrtPi, MC);
  }

  private static void assertRelative(BigDecimal exact, double actual, double tol, String what) {
    double e = exact.doubleValue();
    double rel = e == 0 ? Math.abs(actual) : Math.abs(actual - e) / Math.abs(e);
    assertTrue(rel <= tol, what + ": expected " + e + " got " + actual + " rel " + rel);
  }

  @Test
  void erfAndErfcMatchHighPrecisionOnAGridAndRandomDraws() {
    Random rnd = new Random();
    long seed = rnd.nextLong();
    rnd.setSeed(seed);
    for (int i = 0; i <= 240; i++) {
      double x = -6 + i * 0.05 + (i % 2 == 0 ? 0 : 1e-3);
      check(x);
    }
    for (int i = 0; i < 200; i++) {
      check((rnd.nextDouble() * 12 - 6) * Math.pow(10, -rnd.nextInt(3)));
    }
  }

  private static void check(double x) {
    BigDecimal erf = erfExact(x);
    assertRelative(erf, Erf.erf(x), 1e-14, "erf(" + x + ")");
    assertRelative(BigDecimal.ONE.subtract(erf, MC), Erf.erfc(x), 1e-14, "erfc(" + x + ")");
  }

  @Test
  void edgeCases() {
    assertEquals(0.0, Erf.erf(0.0));
    assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(Erf.erf(-0.0)));
    assertEquals(1.0, Erf.erf(Double.POSITIVE_INFINITY));
    assertEquals(-1.0, Erf.erf(Double.NEGATIVE_INFINITY));
    assertEquals(0.0, Erf.erfc(Double.POSITIVE_INFINITY));
    assertEquals(2.0, Erf.erfc(Double.NEGATIVE_INFINITY));
    assertTrue(Double.isNaN(Erf.erf(Double.NaN)));
    assertTrue(Double.isNaN(Erf.erfc(Double.NaN)));
    // Subnormal and tiny arguments: erf(x) = 2x/√π to full precision.
    for (double x : new double[] {Double.MIN_VALUE, 1e-310, 1e-200, 1e-20}) {
      assertEquals(x * 1.1283791670955126, Erf.erf(x), Math.ulp(x * 1.1283791670955126) * 2);
    }
    // Far tail: erfc(10) = 2.088487583762545e-45, erfc(26) = 5.663192408856143e-296 (A&S tables / 50 digits).
    assertEquals(2.088487583762545e-45, Erf.erfc(10), 2.088487583762545e-45 * 1e-14);
    assertEquals(5.663192408856143e-296, Erf.erfc(26), 5.663192408856143e-296 * 1e-13);
    assertEquals(0.0, Erf.erfc(40));
  }

  /**
   * Numerical Recipes' {@code erfcc} (Press et al., 2nd ed., §6.2) with {@link GpuExpansion}'s
   * coefficients, in double as the GPU evaluates GELU's erfc: relative error below 1.2e-7.
   */
  private static double erfcc(double x) {
    double z = Math.abs(x);
    double t = 1.0 / (1.0 + 0.5 * z);
    double[] c = GpuExpansion.ERFCC;
    double p = c[c.length - 1];
    for (int i = c.length - 2; i >= 0; i--) {
      p = c[i] + t * p;
    }
    double y = t * Math.exp(-z * z + p);
    return x >= 0 ? y : 2.0 - y;
  }

  @Test
  void erfccFitIsWithinItsPublishedBound() {
    // Down to erfc ≈ 1e-280 (x = 25); below that the result is subnormal in double.
    for (int i = 0; i <= 20000; i++) {
      double x = -9 + i * 34e-4 / 2;
      double exact = Erf.erfc(x);
      double rel = Math.abs(erfcc(x) - exact) / exact;
      assertTrue(rel < 1.2e-7, "erfcc(" + x + ") rel " + rel);
    }
  }

  @Test
  void fastErfcMatchesTheAccurateOneToAFewUlps() {
    Random rnd = new Random();
    long seed = rnd.nextLong();
    rnd.setSeed(seed);
    for (int i = 0; i < 400_000; i++) {
      double x = i < 200_000 ? -28 + i * 56.0 / 200_000 : rnd.nextGaussian() * 5;
      double exact = Erf.erfc(x);
      double fast = FastErf.erfc(x);
      double rel = exact == 0 ? Math.abs(fast) : Math.abs(fast - exact) / exact;
      assertTrue(rel <= 2e-14, "FastErf.erfc(" + x + ") = " + fast + ", accurate " + exact
          + " (seed " + seed + ")");
    }
    assertTrue(Double.isNaN(FastErf.erfc(Double.NaN)));
    assertEquals(0.0, FastErf.erfc(Double.POSITIVE_INFINITY));
    assertEquals(2.0, FastErf.erfc(Double.NEGATIVE_INFINITY));
    // The far tail below −26 is exactly 2 (2 − erfc(26) rounds to 2), as 1 + erf(−x) has it.
    for (double x : new double[] {-26, -26.5, -27.3, -38, -1e10, -Double.MAX_VALUE}) {
      assertEquals(2.0, FastErf.erfc(x), "x = " + x);
      assertEquals(Erf.erfc(x), FastErf.erfc(x), "x = " + x);
    }
    assertEquals(1.0, FastErf.erfc(0.0), 2e-14);
    assertEquals(1.0, FastErf.erfc(Double.MIN_VALUE), 2e-14);
  }
}

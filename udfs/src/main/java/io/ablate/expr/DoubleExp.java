package io.ablate.expr;

/**
 * e^x in float64 for x in [{@value #MIN_ARG}, 0] (what erfc's e^(−x²) needs below its tail), from
 * IEEE additions and multiplications only, so that {@link FastErfSimd}'s vector form of the same
 * steps gives the same bits in every JIT tier (the JDK's {@code Math.exp} has no vector twin, and
 * {@code lanewise(EXP)} differs from it in the last bit).
 *
 * <p>Cody–Waite reduction x = n·ln2 + r, |r| ≤ ln2/2 (fdlibm's split of ln2: n·LN2_HI is exact),
 * then e^r by its Taylor polynomial of degree 13 (truncation below 2⁻⁵⁷ relative, Estrin's scheme),
 * then the exact product with 2ⁿ, built from the bits (n ≥ −1009: no subnormal). n is read from
 * the bits of x·log2e + 1.5·2⁵², which rounds to the nearest integer without a float→long
 * conversion. Within 2 ulp of {@code Math.exp} (tested), itself within 1 ulp of the exact value.
 */
public final class DoubleExp {
  /** The smallest argument: e^x stays a normal double, with room. */
  public static final double MIN_ARG = -700.0;
  static final double LOG2E = 1.4426950408889634;
  static final double ROUND = 0x1.8p52;
  static final long ROUND_BITS = Double.doubleToRawLongBits(ROUND);
  /** fdlibm's ln2 split: LN2_HI has 32 significant bits, so n·LN2_HI is exact for |n| &lt; 2²⁰. */
  static final double LN2_HI = 6.93147180369123816490e-01;
  static final double LN2_LO = 1.90821492927058770002e-10;
  /** e^(−a²)'s split: hi keeps a's top 26 significand bits, so hi² is exact. */
  static final long HI_MASK = 0xFFFFFFFFF8000000L;
  static final double SIXTH = 1.0 / 6;
  /** 1/k! for k = 0 … 13. */
  static final double[] INV_FACTORIAL = inverseFactorials(13);

  private DoubleExp() {}

  /** e^x for x in [{@value #MIN_ARG}, 0]; unspecified outside. */
  public static double exp(double x) {
    double t = x * LOG2E + ROUND;
    double n = t - ROUND;
    long scaleBits = (Double.doubleToRawLongBits(t) - ROUND_BITS + 1023) << 52;
    double r = x - n * LN2_HI - n * LN2_LO;
    // e^r = 1 + (r + r²·P(r)), P(r) = Σ r^(k−2)/k! for k = 2 … 13 by Estrin's scheme (a tree of
    // depth 4, where Horner's rule is 13 dependent steps that leave the vector units waiting), the
    // leading 1 + r added last so that the small terms' rounding stays below it.
    double[] c = INV_FACTORIAL;
    double r2 = r * r;
    double r4 = r2 * r2;
    double r8 = r4 * r4;
    double q0 = c[2] + c[3] * r;
    double q1 = c[4] + c[5] * r;
    double q2 = c[6] + c[7] * r;
    double q3 = c[8] + c[9] * r;
    double q4 = c[10] + c[11] * r;
    double q5 = c[12] + c[13] * r;
    double s0 = q0 + q1 * r2;
    double s1 = q2 + q3 * r2;
    double s2 = q4 + q5 * r2;
    double poly = s0 + s1 * r4 + s2 * r8;
    double p = 1.0 + (r + r2 * poly);
    return p * Double.longBitsToDouble(scaleBits);
  }

  /**
   * e^(−a²) for 0 ≤ a &lt; 26, without the rounding error of forming a²: a = hi + lo with hi's low 27
   * bits cleared, so hi² is exact, and e^(−a²) = e^(−hi²)·e^(−d) with d = lo·(a + hi) tiny.
   */
  static double expMinusSquare(double a) {
    double hi = Double.longBitsToDouble(Double.doubleToRawLongBits(a) & HI_MASK);
    double lo = a - hi;
    double d = lo * (a + hi);
    double expMinusD = 1.0 - d * (1.0 - d * (0.5 - d * SIXTH));
    return exp(-hi * hi) * expMinusD;
  }

  private static double[] inverseFactorials(int degree) {
    double[] c = new double[degree + 1];
    double f = 1;
    for (int k = 0; k <= degree; k++) {
      f = k == 0 ? 1 : f * k; // exact up to 18!
      c[k] = 1.0 / f;
    }
    return c;
  }
}

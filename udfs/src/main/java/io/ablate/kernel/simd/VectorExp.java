package io.ablate.kernel.simd;

import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.LSHL;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * exp, and the small pieces of log1p and expm1 the kernels need, built from IEEE operations only
 * (add, multiply, fma, min/max, bit shifts), so every JIT tier gives the same bits.
 *
 * <p>Why not {@code lanewise(EXP)}: the JDK computes it with Intel's SVML once C2 has compiled the
 * loop, and lane by lane with {@code Math.exp} before that; the two differ in the last bit for a few
 * percent of inputs, so the same data gave different metrics depending on how warm an executor was.
 *
 * <p>exp is Cody–Waite reduction x = n·ln2 + r with |r| ≤ ln2/2 and Cephes' degree-6 polynomial for
 * e^r (about 1 ulp). n comes from the float bits of x·log2e + 1.5·2²³ (no float→int conversion: the
 * JDK 17 Vector API does not compile it to one instruction). 2ⁿ is applied as two powers of two, so
 * results fall through the subnormals with a single rounding, and overflow to +∞ past ln(MAX_VALUE).
 */
final class VectorExp {
  private static final VectorSpecies<Float> S = SimdKernel.S;
  private static final int L = S.length();

  /** Adding it rounds x·log2e to an integer held in the low mantissa bits (|n| &lt; 2²²). */
  private static final float ROUND = 0x1.8p23f;
  private static final int ROUND_BITS = Float.floatToRawIntBits(ROUND);
  private static final float LOG2E = (float) (1 / Math.log(2));
  /** ln2 split so that n·LN2_HI is exact for |n| ≤ 2⁹ (Cephes' C1, C2). */
  private static final float LN2_HI = 0.693359375f;
  private static final float LN2_LO = -2.12194440e-4f;
  /** e^x is 0 in float32 below −104 (half the smallest subnormal) and +∞ above 89. */
  private static final float MIN_ARG = -104f;
  private static final float MAX_ARG = 89f;

  /** Cephes expf: e^r ≈ 1 + r + r²·P(r), highest coefficient first. */
  private static final float[] EXP_P = {1.9875691500e-4f, 1.3981999507e-3f,
      8.3334519073e-3f, 4.1665795894e-2f, 1.6666665459e-1f, 5.0000001201e-1f};
  /** atanh series: 1/(2k+1) for k = 8 down to 1. */
  private static final float[] ATANH_P = {1f / 17, 1f / 15, 1f / 13, 1f / 11, 1f / 9,
      1f / 7, 1f / 5, 1f / 3};
  /** expm1 series: 1/k! for k = 12 down to 2. */
  private static final float[] EXPM1_P = {1f / 479001600, 1f / 39916800, 1f / 3628800,
      1f / 362880, 1f / 40320, 1f / 5040, 1f / 720, 1f / 120, 1f / 24, 1f / 6, 0.5f};

  private VectorExp() {}

  /** {@code a[i] = e^a[i]} for {@code i < n}. A loop of its own so that its body always compiles whole. */
  static void expInPlace(float[] a, int n) {
    int i = 0;
    for (int b = S.loopBound(n); i < b; i += L) {
      exp(FloatVector.fromArray(S, a, i)).intoArray(a, i);
    }
    if (i < n) {
      VectorMask<Float> m = S.indexInRange(i, n);
      exp(FloatVector.fromArray(S, a, i, m)).intoArray(a, i, m);
    }
  }

  /** {@code a[i] = log1p(a[i])} for {@code i < n}, a[i] in [0, 1]: see {@link #log1pUnit}. */
  static void log1pUnitInPlace(float[] a, int n) {
    int i = 0;
    for (int b = S.loopBound(n); i < b; i += L) {
      log1pUnit(FloatVector.fromArray(S, a, i)).intoArray(a, i);
    }
    if (i < n) {
      VectorMask<Float> m = S.indexInRange(i, n);
      log1pUnit(FloatVector.fromArray(S, a, i, m)).intoArray(a, i, m);
    }
  }

  static FloatVector exp(FloatVector x) {
    FloatVector xc = x.max(MIN_ARG).min(MAX_ARG); // NaN stays NaN
    FloatVector t = xc.fma(LOG2E, ROUND);
    FloatVector n = t.sub(ROUND);
    IntVector ni = t.reinterpretAsInts().sub(ROUND_BITS);
    FloatVector r = n.fma(FloatVector.broadcast(S, -LN2_HI), xc);
    r = n.fma(FloatVector.broadcast(S, -LN2_LO), r);
    FloatVector p = horner(r, EXP_P);
    FloatVector y = p.fma(r.mul(r), r).add(1f);
    // 2ⁿ = 2^(n/2 rounded down) · 2^(the rest): each factor is a normal float for n in [−150, 129].
    IntVector n1 = ni.lanewise(ASHR, 1);
    IntVector n2 = ni.sub(n1);
    return y.mul(powerOfTwo(n1)).mul(powerOfTwo(n2));
  }

  /**
   * Σ c[i]·x^(n−1−i) by Horner's rule with fma. The loop has constant bounds and is unrolled by C2,
   * so each step is one fma on a constant.
   */
  private static FloatVector horner(FloatVector x, float[] c) {
    FloatVector p = FloatVector.broadcast(S, c[0]);
    for (int i = 1; i < c.length; i++) {
      p = p.fma(x, FloatVector.broadcast(S, c[i]));
    }
    return p;
  }

  private static FloatVector powerOfTwo(IntVector n) {
    return n.add(127).lanewise(LSHL, 23).reinterpretAsFloats();
  }

  /**
   * log1p(y) for y in [0, 1] (NaN passes through), as 2·atanh(s) with s = y/(2 + y) ≤ 1/3: the odd
   * series to s¹⁷ leaves a relative truncation error below 2e-10. s carries a correction term (the
   * rounding errors of 2 + y and of the division, both recovered exactly), so the result is rounded
   * about once rather than inheriting s's error.
   */
  private static FloatVector log1pUnit(FloatVector y) {
    FloatVector d = y.add(2f);
    FloatVector dErr = FloatVector.broadcast(S, 2f).sub(d).add(y); // exact: 2 ≥ y
    FloatVector s = y.div(d);
    // y/(d + dErr) − s to first order: (remainder − s·dErr)/d, with 1/(2 + y) = (1 − s)/2.
    FloatVector sLo = s.neg().fma(d, y).sub(s.mul(dErr)).mul(s.neg().add(1f).mul(0.5f));
    FloatVector s2 = s.mul(s);
    FloatVector p = horner(s2, ATANH_P);
    FloatVector twoS = s.add(s);
    return twoS.add(twoS.fma(p.mul(s2), sLo.add(sLo)));
  }

  /** Where expm1 takes its Taylor series rather than e^x − 1 (which cancels near 0). */
  static final float EXPM1_SERIES_LIMIT = 1f;

  /**
   * expm1(x) for |x| &lt; 1 by its Taylor series to x¹²: the truncation, x¹¹/12! relative to x, is
   * below 2.1e-9. Outside that range, e^x − 1 loses less than an ulp and the caller takes it.
   */
  static FloatVector expm1Series(FloatVector x) {
    FloatVector p = horner(x, EXPM1_P);
    return p.mul(x).fma(x, x);
  }
}

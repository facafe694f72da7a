package io.ablate.kernel.simd;

import static io.ablate.kernel.simd.SimdKernel.constant;
import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.LSHL;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
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
 * e^r, summed with one final rounding (0.794 ulp at most over every float in [−104, 89], an
 * exhaustive scan; 1.0104 with the cheaper sum 1 + (r + r²·P(r)) that {@link #expLean} and
 * {@link #expNormal} keep). n comes from the float bits of x·log2e + 1.5·2²³ (no float→int
 * conversion: the JDK 17 Vector API does not compile it to one instruction). 2ⁿ is applied as two powers of two, so
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

  // Every constant of the loops is a static final vector: C2 folds it to a load, where a broadcast
  // (or an operation with a scalar operand, which broadcasts) costs inlining budget each time.
  /** e^x is 0 in float32 below −104 (half the smallest subnormal) and +∞ above 89. */
  private static final FloatVector V_MIN_ARG = constant(-104f);
  private static final FloatVector V_MAX_ARG = constant(89f);
  /** e^−87 ≈ 1.6e-38 is a normal float (above 2^−126 ≈ 1.18e-38). */
  private static final FloatVector V_MIN_NORMAL_ARG = constant(-87f);
  /** {@link #expTimes2To48}'s range: 2ⁿ⁺⁴⁸ stays a normal float for n in [−174, 79]. */
  private static final FloatVector V_MIN_ARG_48 = constant(-120f);
  private static final FloatVector V_MAX_ARG_48 = constant(55f);
  private static final FloatVector V_LOG2E = constant(LOG2E);
  private static final FloatVector V_ROUND = constant(ROUND);
  private static final FloatVector V_NEG_LN2_HI = constant(-LN2_HI);
  private static final FloatVector V_NEG_LN2_LO = constant(-LN2_LO);
  private static final FloatVector V_ONE = constant(1f);
  private static final VectorSpecies<Integer> IS = S.withLanes(int.class);
  private static final IntVector I_ROUND_BITS = IntVector.broadcast(IS, ROUND_BITS);
  /** ROUND_BITS − 48: t's bits minus it are n + 48. */
  private static final IntVector I_ROUND_BITS_48 = IntVector.broadcast(IS, ROUND_BITS - 48);
  private static final IntVector I_BIAS = IntVector.broadcast(IS, 127);
  private static final IntVector I_MANTISSA_BITS = IntVector.broadcast(IS, 23);
  private static final IntVector I_ONE = IntVector.broadcast(IS, 1);
  private static final FloatVector V_TWO = constant(2f);
  private static final FloatVector V_HALF = constant(0.5f);
  /** Cephes expf: e^r ≈ 1 + r + r²·P(r), P's coefficients. */
  private static final FloatVector E0 = constant(1.9875691500e-4f);
  private static final FloatVector E1 = constant(1.3981999507e-3f);
  private static final FloatVector E2 = constant(8.3334519073e-3f);
  private static final FloatVector E3 = constant(4.1665795894e-2f);
  private static final FloatVector E4 = constant(1.6666665459e-1f);
  private static final FloatVector E5 = constant(5.0000001201e-1f);
  /** atanh series: 1/(2k+1). */
  private static final FloatVector A17 = constant(1f / 17);
  private static final FloatVector A15 = constant(1f / 15);
  private static final FloatVector A13 = constant(1f / 13);
  private static final FloatVector A11 = constant(1f / 11);
  private static final FloatVector A9 = constant(1f / 9);
  private static final FloatVector A7 = constant(1f / 7);
  private static final FloatVector A5 = constant(1f / 5);
  private static final FloatVector A3 = constant(1f / 3);
  /** expm1 series: 1/k!. */
  private static final FloatVector F12 = constant(1f / 479001600);
  private static final FloatVector F11 = constant(1f / 39916800);
  private static final FloatVector F10 = constant(1f / 3628800);
  private static final FloatVector F9 = constant(1f / 362880);
  private static final FloatVector F8 = constant(1f / 40320);
  private static final FloatVector F7 = constant(1f / 5040);
  private static final FloatVector F6 = constant(1f / 720);
  private static final FloatVector F5 = constant(1f / 120);
  private static final FloatVector F4 = constant(1f / 24);
  private static final FloatVector F3 = constant(1f / 6);

  private VectorExp() {}

  /**
   * {@code a[i] = log1p(a[i])} for {@code i < n}, a multiple of the vector length, a[i] in [0, 1]:
   * see {@link #log1pUnit}. A loop of its own: with log1p inlined, a kernel's loop outgrows C2's
   * inlining budget.
   */
  static void log1pUnitInPlace(float[] a, int n) {
    for (int i = 0; i < n; i += L) {
      log1pUnit(FloatVector.fromArray(S, a, i)).intoArray(a, i);
    }
  }

  static FloatVector exp(FloatVector x) {
    FloatVector xc = x.max(V_MIN_ARG).min(V_MAX_ARG); // NaN stays NaN
    FloatVector t = xc.fma(V_LOG2E, V_ROUND);
    return scaled(accurate(reducedArgument(xc, t)), t);
  }

  /**
   * e^x·2⁴⁸ for x in [−120, 55] (clamped to it; NaN stays NaN): a normal float over the whole
   * range, so a caller whose result is normal though e^x is not (mish near x = −90) loses nothing
   * to the subnormals, and removes the 2⁴⁸ exactly. Rounded as {@link #exp} is.
   */
  static FloatVector expTimes2To48(FloatVector x) {
    FloatVector xc = x.max(V_MIN_ARG_48).min(V_MAX_ARG_48);
    FloatVector t = xc.fma(V_LOG2E, V_ROUND);
    return accurate(reducedArgument(xc, t))
        .mul(powerOfTwo(t.reinterpretAsInts().sub(I_ROUND_BITS_48)));
  }

  /**
   * e^r = s + ((1 − s) + r + r²·P(r)) with s = 1 + r rounded, (1 − s) + r its exact rounding error
   * (Fast2Sum: |r| &lt; 1): one rounding at the end instead of two.
   */
  private static FloatVector accurate(FloatVector r) {
    FloatVector s = r.add(V_ONE);
    return polynomial(r).fma(r.mul(r), V_ONE.sub(s).add(r)).add(s);
  }

  /**
   * {@link #exp} with e^r as 1 + (r + r²·P(r)), two roundings: 1.0104 ulp at most (x = −5.8778844,
   * an exhaustive scan), three operations fewer, for a loop at C2's node budget: GeluSimd's, which
   * with {@link #exp} was compiled with boxed vectors in most JVMs (2.5 instead of 1.6 ns a value).
   */
  static FloatVector expLean(FloatVector x) {
    FloatVector xc = x.max(V_MIN_ARG).min(V_MAX_ARG); // NaN stays NaN
    FloatVector t = xc.fma(V_LOG2E, V_ROUND);
    return scaled(reduced(xc, t), t);
  }

  /**
   * e^r·2ⁿ for n in the low bits of t: 2ⁿ as 2^(n/2 rounded down) · 2^(the rest), each factor a
   * normal float for n in [−150, 129], so results fall through the subnormals with one rounding.
   */
  private static FloatVector scaled(FloatVector er, FloatVector t) {
    IntVector ni = t.reinterpretAsInts().sub(I_ROUND_BITS);
    IntVector n1 = ni.lanewise(ASHR, I_ONE);
    return er.mul(powerOfTwo(n1)).mul(powerOfTwo(ni.sub(n1)));
  }


  /**
   * e^x for x ≤ 88, where results below the normal range are not needed: x below −87 gives
   * e^−87 ≈ 1.6e-38 (the smallest argument whose exponential is a normal float). Where e^x is
   * normal this is exactly {@link #expLean} (y·2ⁿ is exact there, one product or two); it applies
   * 2ⁿ in one multiplication, six operations fewer, for the sigmoid kernels, whose 1 + e^x is 1 in
   * float32 long before e^x leaves the normal range. Fewer operations keep those loops within C2's node
   * budget (gelu_tanh's was not, and boxed the exponential's last steps).
   */
  static FloatVector expNormal(FloatVector x) {
    FloatVector xc = x.max(V_MIN_NORMAL_ARG).min(V_MAX_ARG); // NaN stays NaN
    FloatVector t = xc.fma(V_LOG2E, V_ROUND);
    return reduced(xc, t).mul(powerOfTwo(t.reinterpretAsInts().sub(I_ROUND_BITS)));
  }

  /** e^r ≈ 1 + (r + r²·P(r)) for x = n·ln2 + r, given t = x·log2e + 1.5·2²³ (n in its low bits). */
  private static FloatVector reduced(FloatVector x, FloatVector t) {
    FloatVector r = reducedArgument(x, t);
    return polynomial(r).fma(r.mul(r), r).add(V_ONE);
  }

  /** r = x − n·ln2, given t = x·log2e + 1.5·2²³ (n in its low bits); x − n·LN2_HI is exact. */
  private static FloatVector reducedArgument(FloatVector x, FloatVector t) {
    FloatVector n = t.sub(V_ROUND);
    return n.fma(V_NEG_LN2_LO, n.fma(V_NEG_LN2_HI, x));
  }

  /** Cephes' P(r): e^r ≈ 1 + r + r²·P(r) for |r| ≤ ln2/2. */
  private static FloatVector polynomial(FloatVector r) {
    return E0.fma(r, E1).fma(r, E2).fma(r, E3).fma(r, E4).fma(r, E5);
  }


  private static FloatVector powerOfTwo(IntVector n) {
    return n.add(I_BIAS).lanewise(LSHL, I_MANTISSA_BITS).reinterpretAsFloats();
  }

  /**
   * log1p(y) for y in [0, 1] (NaN passes through), as 2·atanh(s) with s = y/(2 + y) ≤ 1/3: the odd
   * series to s¹⁷ leaves a relative truncation error below 2e-10. s carries a correction term (the
   * rounding errors of 2 + y and of the division, both recovered exactly), so the result is rounded
   * about once rather than inheriting s's error.
   */
  private static FloatVector log1pUnit(FloatVector y) {
    FloatVector d = y.add(V_TWO);
    FloatVector dErr = V_TWO.sub(d).add(y); // exact: 2 ≥ y
    FloatVector s = y.div(d);
    // y/(d + dErr) − s to first order: (remainder − s·dErr)/d, with 1/(2 + y) = (1 − s)/2.
    FloatVector sLo = s.neg().fma(d, y).sub(s.mul(dErr)).mul(V_ONE.sub(s).mul(V_HALF));
    FloatVector s2 = s.mul(s);
    FloatVector p = A17.fma(s2, A15).fma(s2, A13).fma(s2, A11).fma(s2, A9).fma(s2, A7).fma(s2, A5)
        .fma(s2, A3);
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
    FloatVector p = F12.fma(x, F11).fma(x, F10).fma(x, F9).fma(x, F8).fma(x, F7).fma(x, F6)
        .fma(x, F5).fma(x, F4).fma(x, F3).fma(x, V_HALF);
    return p.mul(x).fma(x, x);
  }
}

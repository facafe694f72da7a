package io.ablate.kernel.simd;

import static jdk.incubator.vector.VectorOperators.EQ;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.LE;

import jdk.incubator.vector.FloatVector;

/**
 * SIMD kernel of gelu (exact, erf form). With a = |x| and Q(a) = ½·erfc(a/√2) (the normal upper
 * tail), Φ(x) is Q(a) for x &lt; 0 and 1 − Q(a) for x ≥ 0; the result is x·Q(a), or x − x·Q(a)
 * (one rounding fewer than x·(1 − Q) where Q is small).
 *
 * <p>Q(a) = e^(−a²/2)·R(a), R = ½·erfcx(a/√2) a smooth function (from ½ at 0 down to about
 * 1/(a√(2π))) taken from a rational fit of degrees 4/5 on [0, 14.5] (relative error 5.9e-9 in
 * exact arithmetic, 2.1e-8 with the coefficients in float32: {@link #NUMERATOR},
 * {@link #DENOMINATOR}). e^(−a²/2) keeps
 * relative accuracy into the tail because its argument is exact: a² = h + l by FMA, e^(−h/2) with
 * −h/2 exact, and e^(−l/2) = 1 − l/2 folded into R's numerator (l is below half an ulp of h). The
 * erfcc fit this replaces had 1.2e-7 relative error of its own and an exponent −z² + P(t) whose
 * rounding grew with z² (250 ulps near x = −13). Over every float32, 6.8 ulps at most where the
 * result is normal (x = −11.27): the rational's nine Horner steps and division in float32, and the
 * exponential's two-rounding sum ({@link VectorExp#expLean}: with the accurate one this loop
 * outgrew C2's node budget in most JVMs). x above 10 (Q &lt; 1e-23) gives x, which also covers +∞;
 * a is clamped at 20 (e^(−200) is 0 in float32) so that a² stays finite.
 */
public final class GeluSimd extends BlockedSimdKernel {
  /**
   * R's coefficients in powers of a, numerator then denominator: fitted in float64 by
   * Lawson-weighted linearised least squares on the relative error over [0, 14.5], rounded to
   * float32, each then moved by a few ulps to the neighbour with the smallest maximum error.
   */
  static final float[] NUMERATOR = {0x1.0p-1f, 0x1.c0d0acp-2f, 0x1.774468p-3f, 0x1.4cdeap-5f,
      0x1.0dc4e6p-8f};
  static final float[] DENOMINATOR = {0x1.0p0f, 0x1.acaa86p0f, 0x1.33d776p0f, 0x1.e0bd78p-2f,
      0x1.a13776p-4f, 0x1.5219fep-7f};
  /** The interval of the fit: beyond it the result is subnormal (or x, for x &gt; 10). */
  static final float FIT_LIMIT = 14.5f;
  private static final FloatVector P0 = constant(NUMERATOR[0]);
  private static final FloatVector P1 = constant(NUMERATOR[1]);
  private static final FloatVector P2 = constant(NUMERATOR[2]);
  private static final FloatVector P3 = constant(NUMERATOR[3]);
  private static final FloatVector P4 = constant(NUMERATOR[4]);
  private static final FloatVector Q0 = constant(DENOMINATOR[0]);
  private static final FloatVector Q1 = constant(DENOMINATOR[1]);
  private static final FloatVector Q2 = constant(DENOMINATOR[2]);
  private static final FloatVector Q3 = constant(DENOMINATOR[3]);
  private static final FloatVector Q4 = constant(DENOMINATOR[4]);
  private static final FloatVector Q5 = constant(DENOMINATOR[5]);
  private static final FloatVector MINUS_HALF = constant(-0.5f);
  private static final FloatVector A_MAX = constant(20f);

  @Override
  void compute(float[] xs, float[] f, int n) {
    for (int i = 0; i < n; i += L) {
      f(load(xs, i)).intoArray(f, i);
    }
  }

  private static FloatVector f(FloatVector x) {
    FloatVector a = x.abs().min(A_MAX);
    FloatVector h = a.mul(a);
    FloatVector l = a.fma(a, h.neg());
    FloatVector e = VectorExp.expLean(h.mul(MINUS_HALF));
    FloatVector p = P4.fma(a, P3).fma(a, P2).fma(a, P1).fma(a, P0);
    FloatVector q = Q5.fma(a, Q4).fma(a, Q3).fma(a, Q2).fma(a, Q1).fma(a, Q0);
    FloatVector r = l.mul(MINUS_HALF).fma(p, p).div(q);
    FloatVector xh = x.mul(r).mul(e);
    // x ≤ 0 (−0 included, whose GELU is −0) takes x·Q.
    return x.sub(xh).blend(xh, x.compare(LE, 0f)).blend(x, x.compare(GT, 10f))
        .blend(-0f, x.compare(EQ, Float.NEGATIVE_INFINITY));
  }
}

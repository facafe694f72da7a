package io.ablate.kernel.simd;

import static jdk.incubator.vector.VectorOperators.EQ;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.LE;

import io.ablate.expr.GpuExpansion;
import jdk.incubator.vector.FloatVector;

/** SIMD kernel of gelu (exact, erf form) from the erfcc fit: with h = ½·erfc(|x|/√2) =
 * t·exp(−z² + P(t))/2, z = |x|/√2, t = 1/(1 + z/2), Φ(x) is h for x &lt; 0 and 1 − h for x ≥ 0. For
 * x ≥ 0 the result is formed as x − x·h rather than x·(1 − h): one rounding fewer where h is small.
 * Relative accuracy in the left tail (where GELU's output is tiny); x itself above 10 (h &lt; 1e-23),
 * which also covers +∞. */
public final class GeluSimd extends BlockedSimdKernel {
  // The erfcc coefficients (see GpuExpansion.ERFCC) as float vectors, each a static final field:
  // constants C2 folds, where a broadcast in the loop would cost inlining budget (see VectorExp).
  private static final FloatVector C0 = erfcc(0);
  private static final FloatVector C1 = erfcc(1);
  private static final FloatVector C2 = erfcc(2);
  private static final FloatVector C3 = erfcc(3);
  private static final FloatVector C4 = erfcc(4);
  private static final FloatVector C5 = erfcc(5);
  private static final FloatVector C6 = erfcc(6);
  private static final FloatVector C7 = erfcc(7);
  private static final FloatVector C8 = erfcc(8);
  private static final FloatVector C9 = erfcc(9);
  private static final FloatVector INV_SQRT2 = FloatVector.broadcast(S, (float) (1 / Math.sqrt(2)));
  private static final FloatVector ONE = FloatVector.broadcast(S, 1f);
  private static final FloatVector HALF = FloatVector.broadcast(S, 0.5f);

  private static FloatVector erfcc(int i) {
    if (GpuExpansion.ERFCC.length != 10) {
      throw new IllegalStateException("GeluSimd spells out 10 erfcc coefficients");
    }
    return FloatVector.broadcast(S, (float) GpuExpansion.ERFCC[i]);
  }


  @Override
  void compute(float[] xs, float[] f, int n) {
    for (int i = 0; i < n; i += L) {
      f(load(xs, i)).intoArray(f, i);
    }
  }

  private static FloatVector f(FloatVector x) {
    FloatVector z = x.abs().mul(INV_SQRT2);
    FloatVector t = ONE.div(z.fma(HALF, ONE));
    FloatVector p = C9.fma(t, C8).fma(t, C7).fma(t, C6).fma(t, C5).fma(t, C4).fma(t, C3).fma(t, C2)
        .fma(t, C1).fma(t, C0);
    FloatVector xh = x.mul(t.mul(VectorExp.expLean(z.neg().fma(z, p))).mul(HALF));
    // x ≤ 0 (−0 included, whose GELU is −0) takes x·h.
    return x.sub(xh).blend(xh, x.compare(LE, 0f)).blend(x, x.compare(GT, 10f))
        .blend(-0f, x.compare(EQ, Float.NEGATIVE_INFINITY));
  }
}

package io.ablate.kernel.simd;

import static jdk.incubator.vector.VectorOperators.EQ;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.LE;

import io.ablate.expr.GpuExpansion;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/** SIMD kernel of gelu (exact, erf form) from the erfcc fit: with h = ½·erfc(|x|/√2) =
 * t·exp(−z² + P(t))/2, z = |x|/√2, t = 1/(1 + z/2), Φ(x) is h for x &lt; 0 and 1 − h for x ≥ 0. For
 * x ≥ 0 the result is formed as x − x·h rather than x·(1 − h): one rounding fewer where h is small.
 * Relative accuracy in the left tail (where GELU's output is tiny); x itself above 10 (h &lt; 1e-23),
 * which also covers +∞. */
public final class GeluSimd extends BlockedSimdKernel {
  /** erfcc coefficients (see {@link GpuExpansion#ERFCC}), as floats. */
  private static final float[] ERFCC = new float[GpuExpansion.ERFCC.length];

  static {
    for (int i = 0; i < ERFCC.length; i++) {
      ERFCC[i] = (float) GpuExpansion.ERFCC[i];
    }
  }

  private static final float INV_SQRT2 = (float) (1 / Math.sqrt(2));


  @Override
  boolean compute(float[] in, int off, float[] f, int n) {
    int i = 0;
    for (int b = S.loopBound(n); i < b; i += L) {
      f(load(in, off + i)).intoArray(f, i);
    }
    if (i < n) {
      VectorMask<Float> m = tail(i, n);
      f(load(in, off + i, m)).intoArray(f, i, m);
    }
    return false;
  }

  private static FloatVector f(FloatVector x) {
    FloatVector z = x.abs().mul(INV_SQRT2);
    FloatVector t = FloatVector.broadcast(S, 1f).div(z.fma(0.5f, 1f));
    FloatVector p = FloatVector.broadcast(S, ERFCC[ERFCC.length - 1]);
    for (int c = ERFCC.length - 2; c >= 0; c--) {
      p = p.fma(t, FloatVector.broadcast(S, ERFCC[c]));
    }
    FloatVector xh = x.mul(t.mul(VectorExp.exp(z.neg().fma(z, p))).mul(0.5f));
    // x ≤ 0 (−0 included, whose GELU is −0) takes x·h.
    return x.sub(xh).blend(xh, x.compare(LE, 0f)).blend(x, x.compare(GT, 10f))
        .blend(-0f, x.compare(EQ, Float.NEGATIVE_INFINITY));
  }
}

package io.ablate.kernel.simd;

import static jdk.incubator.vector.VectorOperators.EQ;
import static jdk.incubator.vector.VectorOperators.EXP;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.LE;
import static jdk.incubator.vector.VectorOperators.LOG;
import static jdk.incubator.vector.VectorOperators.LT;

import io.ablate.expr.GpuExpansion;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * Vector forms of the shared pieces of the definitions. Static, so they inline into every kernel
 * loop. EXP, LOG1P, EXPM1 and TANH use the JDK's SVML intrinsics on x86-64 (about 1 ulp).
 */
final class VectorMath {
  /** erfcc coefficients (see {@link GpuExpansion#ERFCC}), as floats. */
  private static final float[] ERFCC = new float[GpuExpansion.ERFCC.length];

  static {
    for (int i = 0; i < ERFCC.length; i++) {
      ERFCC[i] = (float) GpuExpansion.ERFCC[i];
    }
  }

  private static final float INV_SQRT2 = (float) (1 / Math.sqrt(2));

  private VectorMath() {}

  /** Below this k, e^−k overflows float32 and a·σ(k) is a·e^k to float32 precision. */
  private static final float DEEP_TAIL = -80f;

  /**
   * {@code a · σ(k) = a / (1 + e^−k)}: one exponential, three roundings. Where k &lt; −80 (e^−k would
   * overflow and flush the result to 0) the value is a·e^k, computed as ±exp(k + ln|a|) so that it
   * falls through the float32 subnormals like the true value; that branch only runs for vectors
   * that have such lanes. The limit −0 at {@code x = −∞} is taken explicitly (there it is −∞·0).
   */
  static FloatVector timesSigmoid(FloatVector x, FloatVector a, FloatVector k) {
    FloatVector r = a.div(k.max(DEEP_TAIL).neg().lanewise(EXP).add(1f));
    VectorMask<Float> deep = k.compare(LT, DEEP_TAIL);
    if (deep.anyTrue()) {
      FloatVector tail = k.add(a.abs().lanewise(LOG)).lanewise(EXP);
      r = r.blend(tail.blend(tail.neg(), a.compare(LT, 0f)), deep);
    }
    return r.blend(-0f, x.compare(EQ, Float.NEGATIVE_INFINITY));
  }

  /** σ(x) = 1 / (1 + e^−x), and e^x where x &lt; −80 (gradual underflow instead of 0). */
  static FloatVector sigmoid(FloatVector x) {
    FloatVector one = FloatVector.broadcast(x.species(), 1f);
    FloatVector r = one.div(x.max(DEEP_TAIL).neg().lanewise(EXP).add(1f));
    VectorMask<Float> deep = x.compare(LT, DEEP_TAIL);
    return deep.anyTrue() ? r.blend(x.lanewise(EXP), deep) : r;
  }

  /**
   * GELU x·Φ(x) from the erfcc fit: with h = ½·erfc(|x|/√2) = t·exp(−z² + P(t))/2, z = |x|/√2,
   * t = 1/(1 + z/2), Φ(x) is h for x &lt; 0 and 1 − h for x ≥ 0. For x ≥ 0 the result is formed as
   * x − x·h rather than x·(1 − h): one rounding fewer where h is small. Relative accuracy in the left
   * tail (where GELU's output is tiny); x itself above 10 (h &lt; 1e-23), which also covers +∞.
   */
  static FloatVector gelu(FloatVector x) {
    FloatVector z = x.abs().mul(INV_SQRT2);
    FloatVector t = FloatVector.broadcast(x.species(), 1f).div(z.fma(0.5f, 1f));
    FloatVector p = FloatVector.broadcast(x.species(), ERFCC[ERFCC.length - 1]);
    for (int i = ERFCC.length - 2; i >= 0; i--) {
      p = p.fma(t, FloatVector.broadcast(x.species(), ERFCC[i]));
    }
    FloatVector xh = x.mul(t.mul(z.neg().fma(z, p).lanewise(EXP)).mul(0.5f));
    // x ≤ 0 (−0 included, whose GELU is −0) takes x·h.
    return x.sub(xh).blend(xh, x.compare(LE, 0f)).blend(x, x.compare(GT, 10f))
        .blend(-0f, x.compare(EQ, Float.NEGATIVE_INFINITY));
  }
}

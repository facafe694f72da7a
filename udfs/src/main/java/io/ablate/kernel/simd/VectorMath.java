package io.ablate.kernel.simd;

import static jdk.incubator.vector.VectorOperators.EQ;
import static jdk.incubator.vector.VectorOperators.EXP;
import static jdk.incubator.vector.VectorOperators.LT;

import io.ablate.expr.GpuExpansion;
import jdk.incubator.vector.FloatVector;

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

  /**
   * {@code a · σ(k) = a / (1 + e^-k)}, with the limit −0 at {@code x = −∞} (where it would be
   * −∞/∞). {@code x} is the activation's input.
   */
  static FloatVector timesSigmoid(FloatVector x, FloatVector a, FloatVector k) {
    FloatVector r = a.div(k.neg().lanewise(EXP).add(1f));
    return r.blend(-0f, x.compare(EQ, Float.NEGATIVE_INFINITY));
  }

  /**
   * Φ(x), the standard normal CDF, from the erfcc fit: Φ(x) = ½·erfc(−x/√2), with
   * erfc(z) = t·exp(−z² + P(t)), t = 1/(1 + z/2) for z = |x|/√2 and the reflection for x &gt; 0.
   * Relative accuracy in the left tail (where GELU's output is tiny), absolute elsewhere.
   */
  static FloatVector normalCdf(FloatVector x) {
    FloatVector z = x.abs().mul(INV_SQRT2);
    FloatVector t = z.fma(0.5f, 1f);
    t = FloatVector.broadcast(x.species(), 1f).div(t);
    FloatVector p = FloatVector.broadcast(x.species(), ERFCC[ERFCC.length - 1]);
    for (int i = ERFCC.length - 2; i >= 0; i--) {
      p = p.fma(t, FloatVector.broadcast(x.species(), ERFCC[i]));
    }
    FloatVector halfErfc = t.mul(z.neg().fma(z, p).lanewise(EXP)).mul(0.5f);
    return halfErfc.neg().add(1f).blend(halfErfc, x.compare(LT, 0f));
  }
}

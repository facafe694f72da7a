package io.ablate.kernel.simd;

import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.LT;

import jdk.incubator.vector.FloatVector;

/**
 * SIMD kernel of elu: x for x ≥ 0 (keeps −0), α·expm1(x) otherwise.
 *
 * <p>Two loops, the exponential first: one loop holding both polynomials would not compile whole.
 */
public final class EluSimd extends BlockedSimdKernel {
  private final float alpha;

  public EluSimd(double alpha) {
    this.alpha = (float) alpha;
  }

  @Override
  void compute(float[] xs, float[] f, int n) {
    for (int i = 0; i < n; i += L) {
      FloatVector x = load(xs, i);
      VectorExp.exp(x.min(0f)).intoArray(f, i);
    }
    finish(xs, f, n);
  }

  /** With f = e^min(x,0), writes elu(x) over it. */
  private void finish(float[] xs, float[] f, int n) {
    for (int i = 0; i < n; i += L) {
      f(load(xs, i), load(f, i)).intoArray(f, i);
    }
  }

  private FloatVector f(FloatVector x, FloatVector e) {
    FloatVector expm1 = e.sub(1f)
        .blend(VectorExp.expm1Series(x), x.abs().compare(LT, VectorExp.EXPM1_SERIES_LIMIT));
    return expm1.mul(alpha).blend(x, x.compare(GE, 0f));
  }
}

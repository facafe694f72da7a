package io.ablate.kernel.simd;

import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.LT;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

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
  boolean compute(float[] in, int off, float[] f, int n) {
    int i = 0;
    for (int b = S.loopBound(n); i < b; i += L) {
      FloatVector x = load(in, off + i);
      VectorExp.exp(x.min(0f)).intoArray(f, i);
    }
    if (i < n) {
      VectorMask<Float> m = tail(i, n);
      FloatVector x = load(in, off + i, m);
      VectorExp.exp(x.min(0f)).intoArray(f, i, m);
    }
    finish(in, off, f, n);
    return false;
  }

  /** With f = e^min(x,0), writes elu(x) over it. */
  private void finish(float[] in, int off, float[] f, int n) {
    int i = 0;
    for (int b = S.loopBound(n); i < b; i += L) {
      f(load(in, off + i), load(f, i)).intoArray(f, i);
    }
    if (i < n) {
      VectorMask<Float> m = tail(i, n);
      f(load(in, off + i, m), load(f, i, m)).intoArray(f, i, m);
    }
  }

  private FloatVector f(FloatVector x, FloatVector e) {
    FloatVector expm1 = e.sub(1f)
        .blend(VectorExp.expm1Series(x), x.abs().compare(LT, VectorExp.EXPM1_SERIES_LIMIT));
    return expm1.mul(alpha).blend(x, x.compare(GE, 0f));
  }
}

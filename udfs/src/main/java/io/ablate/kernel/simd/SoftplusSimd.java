package io.ablate.kernel.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * SIMD kernel of softplus, as (max(βx,0) + log1p(e^−|βx|))/β.
 *
 * <p>Three loops (exponential, log1p, the rest): one loop holding it all would not compile whole.
 */
public final class SoftplusSimd extends BlockedSimdKernel {
  private final float beta;

  public SoftplusSimd(double beta) {
    this.beta = (float) beta;
  }

  @Override
  boolean compute(float[] in, int off, float[] f, int n) {
    int i = 0;
    for (int b = S.loopBound(n); i < b; i += L) {
      FloatVector x = load(in, off + i);
      VectorExp.exp(x.mul(beta).abs().neg()).intoArray(f, i);
    }
    if (i < n) {
      VectorMask<Float> m = tail(i, n);
      FloatVector x = load(in, off + i, m);
      VectorExp.exp(x.mul(beta).abs().neg()).intoArray(f, i, m);
    }
    VectorExp.log1pUnitInPlace(f, n);
    finish(in, off, f, n);
    return false;
  }

  /** With f = log1p(e^−|βx|), writes softplus(x) over it. */
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

  private FloatVector f(FloatVector x, FloatVector log1p) {
    // max(x, 0) rather than max(βx, 0)/β: βx may overflow where x does not.
    return x.max(0f).add(log1p.div(beta));
  }
}

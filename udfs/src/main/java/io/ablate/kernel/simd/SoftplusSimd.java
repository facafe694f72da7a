package io.ablate.kernel.simd;

import jdk.incubator.vector.FloatVector;

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
  void compute(float[] xs, float[] f, int n) {
    for (int i = 0; i < n; i += L) {
      FloatVector x = load(xs, i);
      VectorExp.exp(x.mul(beta).abs().neg()).intoArray(f, i);
    }
    VectorExp.log1pUnitInPlace(f, n);
    finish(xs, f, n);
  }

  /** With f = log1p(e^−|βx|), writes softplus(x) over it. */
  private void finish(float[] xs, float[] f, int n) {
    for (int i = 0; i < n; i += L) {
      f(load(xs, i), load(f, i)).intoArray(f, i);
    }
  }

  private FloatVector f(FloatVector x, FloatVector log1p) {
    // max(x, 0) rather than max(βx, 0)/β: βx may overflow where x does not.
    return x.max(0f).add(log1p.div(beta));
  }
}

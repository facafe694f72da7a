package io.ablate.kernel.simd;

import jdk.incubator.vector.FloatVector;

/** SIMD kernel of swish: x·σ(βx). */
public final class SwishSimd extends SigmoidProductKernel {
  private final float beta;

  public SwishSimd(double beta) {
    super(true);
    this.beta = (float) beta;
  }

  @Override
  boolean compute(float[] xs, float[] f, int n) {
    boolean deep = false;
    for (int i = 0; i < n; i += L) {
      FloatVector x = load(xs, i);
      FloatVector k = x.mul(beta);
      timesSigmoid(x, k).intoArray(f, i);
      deep |= deep(k);
    }
    return deep;
  }

  @Override
  float argument(float x) {
    return x * beta;
  }
}

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
  void compute(float[] xs, float[] f, int n) {
    int[] deepAt = new int[n / L];
    int count = 0;
    for (int i = 0; i < n; i += L) {
      FloatVector x = load(xs, i);
      FloatVector k = x.mul(beta);
      minusZeroAtMinusInf(x, timesSigmoid(x, k)).intoArray(f, i); // β ≤ 0: k is not −∞ there
      deepAt[count] = i; // kept if some lane is in the deep tail (outlier channels have them)
      count += deep(k);
    }
    fixUp(xs, f, deepAt, count);
  }

  @Override
  float argument(float x) {
    return x * beta;
  }
}

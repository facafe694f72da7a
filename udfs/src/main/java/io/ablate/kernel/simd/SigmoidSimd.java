package io.ablate.kernel.simd;

import jdk.incubator.vector.FloatVector;

/** SIMD kernel of sigmoid: σ(x), and e^x in the deep left tail (gradual underflow instead of 0). */
public final class SigmoidSimd extends SigmoidProductKernel {

  public SigmoidSimd() {
    super(false);
  }

  @Override
  void compute(float[] xs, float[] f, int n) {
    int[] deepAt = new int[n / L];
    int count = 0;
    for (int i = 0; i < n; i += L) {
      FloatVector x = load(xs, i);
      FloatVector k = x;
      sigmoid(k).intoArray(f, i);
      deepAt[count] = i; // kept if some lane is in the deep tail (outlier channels have them)
      count += deep(k);
    }
    fixUp(xs, f, deepAt, count);
  }

  @Override
  double exactArgument(float x) {
    return x;
  }

  @Override
  float argument(float x) {
    return x;
  }
}

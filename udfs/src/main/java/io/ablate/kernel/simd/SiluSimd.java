package io.ablate.kernel.simd;

import jdk.incubator.vector.FloatVector;

/** SIMD kernel of silu: x·σ(x). */
public final class SiluSimd extends SigmoidProductKernel {

  public SiluSimd() {
    super(true);
  }

  @Override
  void compute(float[] xs, float[] f, int n) {
    int[] deepAt = new int[n / L];
    int count = 0;
    for (int i = 0; i < n; i += L) {
      FloatVector x = load(xs, i);
      FloatVector k = x;
      timesSigmoid(x, k).intoArray(f, i);
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

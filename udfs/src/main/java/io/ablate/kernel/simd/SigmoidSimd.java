package io.ablate.kernel.simd;

import jdk.incubator.vector.FloatVector;

/** SIMD kernel of sigmoid: σ(x), and e^x in the deep left tail (gradual underflow instead of 0). */
public final class SigmoidSimd extends SigmoidProductKernel {

  public SigmoidSimd() {
    super(false);
  }

  @Override
  void compute(float[] xs, float[] f, int n) {
    for (int i = 0; i < n; i += L) {
      FloatVector x = load(xs, i);
      FloatVector k = x;
      sigmoid(k).intoArray(f, i);
      if (deep(k)) { // an input far in the left tail (outlier channels have them)
        fixUp(xs, f, i);
      }
    }
  }

  @Override
  float argument(float x) {
    return x;
  }
}

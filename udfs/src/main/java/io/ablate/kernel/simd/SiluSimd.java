package io.ablate.kernel.simd;

import jdk.incubator.vector.FloatVector;

/** SIMD kernel of silu: x·σ(x). */
public final class SiluSimd extends SigmoidProductKernel {

  public SiluSimd() {
    super(true);
  }

  @Override
  void compute(float[] xs, float[] f, int n) {
    for (int i = 0; i < n; i += L) {
      FloatVector x = load(xs, i);
      FloatVector k = x;
      timesSigmoid(x, k).intoArray(f, i);
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

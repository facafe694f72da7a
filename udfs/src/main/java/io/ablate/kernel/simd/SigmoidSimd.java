package io.ablate.kernel.simd;

import jdk.incubator.vector.FloatVector;

/** SIMD kernel of sigmoid: σ(x), and e^x in the deep left tail (gradual underflow instead of 0). */
public final class SigmoidSimd extends SigmoidProductKernel {

  public SigmoidSimd() {
    super(false);
  }

  @Override
  boolean compute(float[] xs, float[] f, int n) {
    boolean deep = false;
    for (int i = 0; i < n; i += L) {
      FloatVector x = load(xs, i);
      FloatVector k = x;
      sigmoid(k).intoArray(f, i);
      deep |= deep(k);
    }
    return deep;
  }

  @Override
  float argument(float x) {
    return x;
  }
}

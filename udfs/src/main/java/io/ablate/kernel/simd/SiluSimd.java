package io.ablate.kernel.simd;

import jdk.incubator.vector.FloatVector;

/** SIMD kernel of silu: x·σ(x). */
public final class SiluSimd extends SigmoidProductKernel {

  public SiluSimd() {
    super(true);
  }

  @Override
  boolean compute(float[] xs, float[] f, int n) {
    boolean deep = false;
    for (int i = 0; i < n; i += L) {
      FloatVector x = load(xs, i);
      FloatVector k = x;
      timesSigmoid(x, k).intoArray(f, i);
      deep |= deep(k);
    }
    return deep;
  }

  @Override
  float argument(float x) {
    return x;
  }
}

package io.ablate.kernel.simd;

import jdk.incubator.vector.FloatVector;

/** SIMD kernel of gelu_sigmoid: x·σ(1.702x). */
public final class GeluSigmoidSimd extends SigmoidProductKernel {

  public GeluSigmoidSimd() {
    super(true);
  }

  @Override
  boolean compute(float[] xs, float[] f, int n) {
    boolean deep = false;
    for (int i = 0; i < n; i += L) {
      FloatVector x = load(xs, i);
      FloatVector k = x.mul(1.702f);
      timesSigmoid(x, k).intoArray(f, i);
      deep |= deep(k);
    }
    return deep;
  }

  @Override
  float argument(float x) {
    return x * 1.702f;
  }
}

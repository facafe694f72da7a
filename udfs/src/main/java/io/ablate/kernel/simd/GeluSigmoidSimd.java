package io.ablate.kernel.simd;

import jdk.incubator.vector.FloatVector;

/** SIMD kernel of gelu_sigmoid: x·σ(1.702x). */
public final class GeluSigmoidSimd extends SigmoidProductKernel {
  /** 1.702 as a vector constant (see GeluTanhSimd). */
  private static final FloatVector V_SCALE = FloatVector.broadcast(S, 1.702f);

  public GeluSigmoidSimd() {
    super(true);
  }

  @Override
  void compute(float[] xs, float[] f, int n) {
    for (int i = 0; i < n; i += L) {
      FloatVector x = load(xs, i);
      FloatVector k = x.mul(V_SCALE);
      timesSigmoid(x, k).intoArray(f, i);
      if (deep(k)) { // an input far in the left tail (outlier channels have them)
        fixUp(xs, f, i);
      }
    }
  }

  @Override
  float argument(float x) {
    return x * 1.702f;
  }
}

package io.ablate.kernel.simd;

import jdk.incubator.vector.FloatVector;

/** SIMD kernel of gelu_sigmoid: x·σ(1.702x). */
public final class GeluSigmoidSimd extends SigmoidProductKernel {
  private static final float SCALE = 1.702f;
  /** SCALE as a vector constant (see GeluTanhSimd). */
  private static final FloatVector V_SCALE = FloatVector.broadcast(S, SCALE);

  public GeluSigmoidSimd() {
    super(true);
  }

  @Override
  void compute(float[] xs, float[] f, int n) {
    int[] deepAt = new int[n / L];
    int count = 0;
    for (int i = 0; i < n; i += L) {
      FloatVector x = load(xs, i);
      FloatVector k = x.mul(V_SCALE);
      timesSigmoid(x, k).intoArray(f, i);
      deepAt[count] = i; // kept if some lane is in the deep tail (outlier channels have them)
      count += deep(k);
    }
    fixUp(xs, f, deepAt, count);
  }

  @Override
  float argument(float x) {
    return x * SCALE;
  }
}

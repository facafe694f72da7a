package io.ablate.kernel.simd;

import jdk.incubator.vector.FloatVector;

/** SIMD kernel of gelu_sigmoid: x·σ(1.702x). */
public final class GeluSigmoidSimd extends SigmoidProductKernel {
  private static final float SCALE = 1.702f;
  /** 1.702 − SCALE: with SCALE, the constant to about 2⁻⁴⁸ relative. */
  private static final float SCALE_LO = (float) (1.702 - SCALE);
  /** SCALE and SCALE_LO as vector constants (see GeluTanhSimd). */
  private static final FloatVector V_SCALE = FloatVector.broadcast(S, SCALE);
  private static final FloatVector V_SCALE_LO = FloatVector.broadcast(S, SCALE_LO);

  public GeluSigmoidSimd() {
    super(true);
  }

  @Override
  void compute(float[] xs, float[] f, int n) {
    int[] deepAt = new int[n / L];
    int count = 0;
    for (int i = 0; i < n; i += L) {
      FloatVector x = load(xs, i);
      FloatVector xc = x.min(V_HUGE);
      FloatVector k = xc.mul(V_SCALE);
      // What k lost: the product's rounding (exact by FMA) and the constant's (x·SCALE_LO).
      FloatVector kLow = xc.fma(V_SCALE_LO, xc.fma(V_SCALE, k.neg()));
      timesSigmoid(x, k, kLow).intoArray(f, i);
      deepAt[count] = i; // kept if some lane is in the deep tail (outlier channels have them)
      count += deep(k);
    }
    fixUp(xs, f, deepAt, count);
  }

  @Override
  double exactArgument(float x) {
    return 1.702 * x;
  }

  @Override
  float argument(float x) {
    return x * SCALE;
  }
}

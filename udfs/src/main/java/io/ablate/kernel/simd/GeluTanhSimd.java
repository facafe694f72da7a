package io.ablate.kernel.simd;

import jdk.incubator.vector.FloatVector;

/** SIMD kernel of gelu_tanh, as x·σ(2·√(2/π)·(x + 0.044715x³)) (tanh u = 2σ(2u) − 1). */
public final class GeluTanhSimd extends SigmoidProductKernel {
  /** 2·√(2/π) and 2·√(2/π)·0.044715: the sigmoid argument is x·(LINEAR + CUBIC·x²). */
  private static final float LINEAR = (float) (2 * Math.sqrt(2 / Math.PI));
  private static final float CUBIC = (float) (2 * Math.sqrt(2 / Math.PI) * 0.044715);
  // As static final vectors: C2 folds them to loads, where scalar operands broadcast at each use and
  // spend C2's node budget, which this loop reaches (then the exponential's last operations and the
  // deep-tail test ran unintrinsified, boxing every vector: measured in the job's steady state).
  private static final FloatVector V_LINEAR = FloatVector.broadcast(S, LINEAR);
  private static final FloatVector V_CUBIC = FloatVector.broadcast(S, CUBIC);

  public GeluTanhSimd() {
    super(true);
  }

  @Override
  void compute(float[] xs, float[] f, int n) {
    int[] deepAt = new int[n / L];
    int count = 0;
    for (int i = 0; i < n; i += L) {
      FloatVector x = load(xs, i);
      FloatVector k = x.mul(x.mul(x).fma(V_CUBIC, V_LINEAR));
      timesSigmoid(x, k).intoArray(f, i);
      deepAt[count] = i; // kept if some lane is in the deep tail (outlier channels have them)
      count += deep(k);
    }
    fixUp(xs, f, deepAt, count);
  }

  @Override
  double exactArgument(float x) {
    return 2 * Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * (double) x * x);
  }

  @Override
  float argument(float x) {
    return x * Math.fma(x * x, CUBIC, LINEAR);
  }
}

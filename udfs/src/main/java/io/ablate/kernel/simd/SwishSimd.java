package io.ablate.kernel.simd;

import jdk.incubator.vector.FloatVector;

/** SIMD kernel of swish: x·σ(βx). */
public final class SwishSimd extends SigmoidProductKernel {
  private final float beta;
  /** β − (float) β: with beta, β to about 2⁻⁴⁸ relative. */
  private final float betaLo;
  private final double betaExact;

  public SwishSimd(double beta) {
    super(true);
    this.beta = (float) beta;
    this.betaLo = (float) (beta - this.beta);
    this.betaExact = beta;
  }

  @Override
  void compute(float[] xs, float[] f, int n) {
    int[] deepAt = new int[n / L];
    int count = 0;
    FloatVector vBeta = FloatVector.broadcast(S, beta);
    FloatVector vBetaLo = FloatVector.broadcast(S, betaLo);
    for (int i = 0; i < n; i += L) {
      FloatVector x = load(xs, i);
      FloatVector xc = x.min(V_HUGE);
      FloatVector k = xc.mul(vBeta);
      // What k lost: the product's rounding (exact by FMA) and β's (x·betaLo).
      FloatVector kLow = xc.fma(vBetaLo, xc.fma(vBeta, k.neg()));
      minusZeroAtMinusInf(x, timesSigmoid(x, k, kLow)).intoArray(f, i); // β ≤ 0: k is not −∞ there
      deepAt[count] = i; // kept if some lane is in the deep tail (outlier channels have them)
      count += deep(k);
    }
    fixUp(xs, f, deepAt, count);
  }

  @Override
  double exactArgument(float x) {
    return betaExact * x;
  }

  @Override
  float argument(float x) {
    return x * beta;
  }
}

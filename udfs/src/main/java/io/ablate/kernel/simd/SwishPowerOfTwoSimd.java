package io.ablate.kernel.simd;

import jdk.incubator.vector.FloatVector;

/**
 * SIMD kernel of swish x·σ(βx) for β a power of two (the default 1 among them): x·β is then exact
 * wherever it matters (it rounds only outside the normal range, where σ is 0 or 1), so the loop
 * has nothing to compensate and keeps {@link SwishSimd}'s three extra operations out. A class of
 * its own rather than a second loop in {@link SwishSimd}: with both loops in one class C2 compiled
 * the second one boxed (seen: 7–14 instead of 2 ns an element).
 */
public final class SwishPowerOfTwoSimd extends SigmoidProductKernel {
  private final float beta;

  /** Whether {@code beta} is a power of two (exactly a float with an empty significand). */
  public static boolean applies(double beta) {
    float f = (float) beta;
    return f == beta && f >= Float.MIN_NORMAL && Float.isFinite(f)
        && (Float.floatToRawIntBits(f) & 0x007F_FFFF) == 0;
  }

  public SwishPowerOfTwoSimd(double beta) {
    super(true);
    if (!applies(beta)) {
      throw new IllegalArgumentException("beta is not a power of two: " + beta);
    }
    this.beta = (float) beta;
  }

  @Override
  void compute(float[] xs, float[] f, int n) {
    int[] deepAt = new int[n / L];
    int count = 0;
    FloatVector vBeta = FloatVector.broadcast(S, beta);
    for (int i = 0; i < n; i += L) {
      FloatVector x = load(xs, i);
      FloatVector k = x.mul(vBeta);
      timesSigmoid(x, k).intoArray(f, i); // β > 0: k = −∞ at x = −∞, left to the fix-up
      deepAt[count] = i; // kept if some lane is in the deep tail (outlier channels have them)
      count += deep(k);
    }
    fixUp(xs, f, deepAt, count);
  }

  @Override
  double exactArgument(float x) {
    return (double) beta * x;
  }

  @Override
  float argument(float x) {
    return x * beta;
  }
}

package io.ablate.kernel.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/** SIMD kernel of swish: x·σ(βx). */
public final class SwishSimd extends SigmoidProductKernel {
  private final float beta;

  public SwishSimd(double beta) {
    super(true);
    this.beta = (float) beta;
  }

  @Override
  boolean compute(float[] in, int off, float[] f, int n) {
    boolean deep = false;
    int i = 0;
    for (int b = S.loopBound(n); i < b; i += L) {
      FloatVector x = load(in, off + i);
      FloatVector k = x.mul(beta);
      timesSigmoid(x, k).intoArray(f, i);
      deep |= deep(k);
    }
    if (i < n) {
      VectorMask<Float> m = tail(i, n);
      FloatVector x = load(in, off + i, m);
      FloatVector k = x.mul(beta);
      timesSigmoid(x, k).intoArray(f, i, m);
      deep |= deep(k, m);
    }
    return deep;
  }

  @Override
  float argument(float x) {
    return x * beta;
  }
}

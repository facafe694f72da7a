package io.ablate.kernel.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/** SIMD kernel of gelu_sigmoid: x·σ(1.702x). */
public final class GeluSigmoidSimd extends SigmoidProductKernel {

  public GeluSigmoidSimd() {
    super(true);
  }

  @Override
  boolean compute(float[] in, int off, float[] f, int n) {
    boolean deep = false;
    int i = 0;
    for (int b = S.loopBound(n); i < b; i += L) {
      FloatVector x = load(in, off + i);
      FloatVector k = x.mul(1.702f);
      timesSigmoid(x, k).intoArray(f, i);
      deep |= deep(k);
    }
    if (i < n) {
      VectorMask<Float> m = tail(i, n);
      FloatVector x = load(in, off + i, m);
      FloatVector k = x.mul(1.702f);
      timesSigmoid(x, k).intoArray(f, i, m);
      deep |= deep(k, m);
    }
    return deep;
  }

  @Override
  float argument(float x) {
    return x * 1.702f;
  }
}

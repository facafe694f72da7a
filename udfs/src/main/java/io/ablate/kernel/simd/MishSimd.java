package io.ablate.kernel.simd;

import static jdk.incubator.vector.VectorOperators.EQ;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/** SIMD kernel of mish, as x·n/(n+2) with n = e^x(e^x + 2) = tanh(softplus x) rewritten without tanh. */
public final class MishSimd extends BlockedSimdKernel {

  @Override
  boolean compute(float[] in, int off, float[] f, int n) {
    int i = 0;
    for (int b = S.loopBound(n); i < b; i += L) {
      f(load(in, off + i)).intoArray(f, i);
    }
    if (i < n) {
      VectorMask<Float> m = tail(i, n);
      f(load(in, off + i, m)).intoArray(f, i, m);
    }
    return false;
  }

  private static FloatVector f(FloatVector x) {
    FloatVector e = VectorExp.exp(x.min(20f));
    FloatVector p = e.mul(e.add(2f));
    return x.mul(p.div(p.add(2f))).blend(-0f, x.compare(EQ, Float.NEGATIVE_INFINITY));
  }
}

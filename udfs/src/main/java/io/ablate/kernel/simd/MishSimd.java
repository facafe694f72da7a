package io.ablate.kernel.simd;

import static jdk.incubator.vector.VectorOperators.EQ;

import jdk.incubator.vector.FloatVector;

/** SIMD kernel of mish, as x·n/(n+2) with n = e^x(e^x + 2) = tanh(softplus x) rewritten without tanh. */
public final class MishSimd extends BlockedSimdKernel {

  @Override
  void compute(float[] xs, float[] f, int n) {
    for (int i = 0; i < n; i += L) {
      f(load(xs, i)).intoArray(f, i);
    }
  }

  private static FloatVector f(FloatVector x) {
    FloatVector e = VectorExp.exp(x.min(20f));
    FloatVector p = e.mul(e.add(2f));
    return x.mul(p.div(p.add(2f))).blend(-0f, x.compare(EQ, Float.NEGATIVE_INFINITY));
  }
}

package io.ablate.kernel.simd;

import static jdk.incubator.vector.VectorOperators.EXP;
import static jdk.incubator.vector.VectorOperators.LOG1P;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/** SIMD kernel of softplus, as (max(βx,0) + log1p(e^−|βx|))/β. */
public final class SoftplusSimd extends SimdKernel {
  private final float beta;

  public SoftplusSimd(double beta) {
    this.beta = (float) beta;
  }

  @Override
  public void apply(float[] in, int inOff, float[] out, int outOff, int len) {
    int i = 0;
    for (int n = S.loopBound(len); i < n; i += L) {
      f(load(in, inOff + i)).intoArray(out, outOff + i);
    }
    if (i < len) {
      VectorMask<Float> m = tail(i, len);
      f(load(in, inOff + i, m)).intoArray(out, outOff + i, m);
    }
  }

  @Override
  public void applyGated(float[] gate, int gateOff, float[] up, int upOff, float[] out, int outOff,
      int len) {
    int i = 0;
    for (int n = S.loopBound(len); i < n; i += L) {
      f(load(gate, gateOff + i)).mul(load(up, upOff + i)).intoArray(out, outOff + i);
    }
    if (i < len) {
      VectorMask<Float> m = tail(i, len);
      f(load(gate, gateOff + i, m)).mul(load(up, upOff + i, m)).intoArray(out, outOff + i, m);
    }
  }

  private FloatVector f(FloatVector x) {
    FloatVector bx = x.mul(beta);
    // max(x, 0) rather than max(βx, 0)/β: βx may overflow where x does not.
    return x.max(0f).add(bx.abs().neg().lanewise(EXP).lanewise(LOG1P).div(beta));
  }
}

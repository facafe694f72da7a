package io.ablate.kernel.simd;

import static jdk.incubator.vector.VectorOperators.EXPM1;
import static jdk.incubator.vector.VectorOperators.GT;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/** SIMD kernel of elu. */
public final class EluSimd extends SimdKernel {
  private final float alpha;

  public EluSimd(double alpha) {
    this.alpha = (float) alpha;
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
    return x.lanewise(EXPM1).mul(alpha).blend(x, x.compare(GT, 0f));
  }
}

package io.ablate.kernel.simd;

import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.LE;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/** SIMD kernel of hard_swish. */
public final class HardSwishSimd extends SimdKernel {
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

  private static FloatVector f(FloatVector x) {
    // x·(x + 3)/6 rounds three times (x + 3 is exact near −3); the ends are exact, as in the reference.
    FloatVector r = x.mul(x.add(3f).max(0f).min(6f)).div(6f);
    return r.blend(x, x.compare(GE, 3f)).blend(0f, x.compare(LE, -3f));
  }
}

package io.ablate.kernel.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/** SIMD kernel of the rational (Padé) activation P(x) / (1 + |q1·x + … + qn·xⁿ|), Horner with fma. */
public final class RationalSimd extends SimdKernel {
  private final float[] p;
  private final float[] q;

  public RationalSimd(double[] p, double[] q) {
    this.p = toFloats(p);
    this.q = toFloats(q);
  }

  private static float[] toFloats(double[] v) {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      f[i] = (float) v[i];
    }
    return f;
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
    FloatVector num = FloatVector.broadcast(S, p[p.length - 1]);
    for (int k = p.length - 2; k >= 0; k--) {
      num = num.fma(x, FloatVector.broadcast(S, p[k]));
    }
    // q has no constant term: Q(x) = x·(q1 + x·(q2 + …)).
    FloatVector den = FloatVector.broadcast(S, q[q.length - 1]);
    for (int k = q.length - 2; k >= 0; k--) {
      den = den.fma(x, FloatVector.broadcast(S, q[k]));
    }
    return num.div(den.mul(x).abs().add(1f));
  }
}

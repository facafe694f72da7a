package io.ablate.kernel.simd;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** SIMD kernel of the rational (Padé) activation P(x) / (1 + |q1·x + … + qn·xⁿ|). */
public final class RationalSimd extends SimdKernel {
  private static final VectorSpecies<Double> D = S.withLanes(double.class);
  private static final VectorMask<Float> UPPER_HALF = upperHalf();

  private final double[] p;
  private final double[] q;

  public RationalSimd(double[] p, double[] q) {
    this.p = p.clone();
    this.q = q.clone();
  }

  private static VectorMask<Float> upperHalf() {
    boolean[] bits = new boolean[L];
    for (int i = L / 2; i < L; i++) {
      bits[i] = true;
    }
    return VectorMask.fromArray(S, bits, 0);
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

  /**
   * Horner's rule in double lanes: float32 inputs raised to the 8th power stay finite in double, and
   * double arithmetic keeps the cancellation between terms of P (which float32 Horner cannot avoid
   * for negative x) below float32 resolution. Two double vectors per float vector.
   */
  private FloatVector f(FloatVector x) {
    DoubleVector lo = (DoubleVector) x.convertShape(VectorOperators.F2D, D, 0);
    DoubleVector hi = (DoubleVector) x.convertShape(VectorOperators.F2D, D, 1);
    FloatVector lower = (FloatVector) g(lo).convertShape(VectorOperators.D2F, S, 0);
    FloatVector upper = (FloatVector) g(hi).convertShape(VectorOperators.D2F, S, -1);
    return lower.blend(upper, UPPER_HALF);
  }

  private DoubleVector g(DoubleVector x) {
    DoubleVector num = DoubleVector.broadcast(D, p[p.length - 1]);
    for (int k = p.length - 2; k >= 0; k--) {
      num = num.fma(x, DoubleVector.broadcast(D, p[k]));
    }
    // q has no constant term: Q(x) = x·(q1 + x·(q2 + …)).
    DoubleVector den = DoubleVector.broadcast(D, q[q.length - 1]);
    for (int k = q.length - 2; k >= 0; k--) {
      den = den.fma(x, DoubleVector.broadcast(D, q[k]));
    }
    return num.div(den.mul(x).abs().add(1.0));
  }
}

package io.ablate.kernel.simd;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/** SIMD kernel of the rational (Padé) activation P(x) / (1 + |q1·x + … + qn·xⁿ|). */
public final class RationalSimd extends SimdKernel {
  /** Doubles at Ablate's one double shape ({@link Species}); floats with as many lanes. */
  private static final VectorSpecies<Double> D = Species.DOUBLE;
  private static final VectorSpecies<Float> F = VectorSpecies.of(float.class,
      VectorShape.forBitSize(D.vectorBitSize() / 2));

  private final double[] p;
  private final double[] q;

  public RationalSimd(double[] p, double[] q) {
    this.p = p.clone();
    this.q = q.clone();
  }

  @Override
  public void apply(float[] in, int inOff, float[] out, int outOff, int len) {
    int i = 0;
    for (int n = F.loopBound(len); i < n; i += F.length()) {
      f(FloatVector.fromArray(F, in, inOff + i)).intoArray(out, outOff + i);
    }
    if (i < len) {
      VectorMask<Float> m = F.indexInRange(i, len);
      f(FloatVector.fromArray(F, in, inOff + i, m)).intoArray(out, outOff + i, m);
    }
  }

  @Override
  public void applyGated(float[] gate, int gateOff, float[] up, int upOff, float[] out, int outOff,
      int len) {
    int i = 0;
    for (int n = F.loopBound(len); i < n; i += F.length()) {
      f(FloatVector.fromArray(F, gate, gateOff + i)).mul(FloatVector.fromArray(F, up, upOff + i))
          .intoArray(out, outOff + i);
    }
    if (i < len) {
      VectorMask<Float> m = F.indexInRange(i, len);
      f(FloatVector.fromArray(F, gate, gateOff + i, m)).mul(FloatVector.fromArray(F, up, upOff + i, m))
          .intoArray(out, outOff + i, m);
    }
  }

  /**
   * Horner's rule in double lanes: float32 inputs raised to the 8th power stay finite in double, and
   * double arithmetic keeps the cancellation between terms of P (which float32 Horner cannot avoid
   * for negative x) below float32 resolution. The float vector is half the preferred width, so the
   * widening cast keeps the lane count (a shape-changing conversion is not always intrinsified by
   * JDK 17's C2, and then allocates per vector).
   */
  private FloatVector f(FloatVector x) {
    DoubleVector d = (DoubleVector) x.castShape(D, 0);
    DoubleVector num = DoubleVector.broadcast(D, p[p.length - 1]);
    for (int k = p.length - 2; k >= 0; k--) {
      num = num.fma(d, DoubleVector.broadcast(D, p[k]));
    }
    // q has no constant term: Q(x) = x·(q1 + x·(q2 + …)).
    DoubleVector den = DoubleVector.broadcast(D, q[q.length - 1]);
    for (int k = q.length - 2; k >= 0; k--) {
      den = den.fma(d, DoubleVector.broadcast(D, q[k]));
    }
    return (FloatVector) num.div(den.mul(d).abs().add(1.0)).castShape(F, 0);
  }
}

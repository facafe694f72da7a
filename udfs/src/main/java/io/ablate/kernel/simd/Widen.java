package io.ablate.kernel.simd;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Floats to doubles with the Vector API: a float vector of the kernels' shape ({@link SimdKernel#S})
 * converted in its two halves to doubles of Ablate's one double shape ({@link Species}). JDK 17's C2
 * does not vectorise the plain loop {@code d[i] = f[i]} (measured 0.25 ns a value, against 0.10
 * here), and every float64 pass (the reference's inputs, each variant's outputs in the accuracy
 * accumulator, the profile's power sums) widens its values first.
 */
public final class Widen {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED; // SimdKernel.S
  private static final VectorSpecies<Double> D = Species.DOUBLE;
  /** The vector form needs the float shape to hold exactly two double vectors. */
  private static final boolean HALVES = F.length() == 2 * D.length();

  private Widen() {}

  /**
   * {@code dst[dstOff + i] = src[srcOff + i]} for i in [0, len): the same doubles, but a NaN's
   * payload may not be kept (callers classify NaN, never read its bits).
   */
  public static void toDoubles(float[] src, int srcOff, double[] dst, int dstOff, int len) {
    int i = 0;
    if (HALVES) {
      int half = D.length();
      for (int bound = F.loopBound(len); i < bound; i += F.length()) {
        FloatVector v = FloatVector.fromArray(F, src, srcOff + i);
        ((DoubleVector) v.convertShape(VectorOperators.F2D, D, 0)).intoArray(dst, dstOff + i);
        ((DoubleVector) v.convertShape(VectorOperators.F2D, D, 1))
            .intoArray(dst, dstOff + i + half);
      }
    }
    for (; i < len; i++) {
      dst[dstOff + i] = src[srcOff + i];
    }
  }
}

package io.ablate.kernel.simd;

import io.ablate.precision.Int8Quantiser;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Int8Quantiser#quantise(float[], int, float[], int, int, double)} in vector form, the same
 * values: x / s in double, clamped to ±127, rounded to an integer with ties to even, times s,
 * rounded to float. Clamping before rounding gives the same level as rounding first (the bounds
 * are integers), and within ±127 the rounding is the add-and-subtract of 1.5·2<sup>52</sup> (the
 * sum's last bit is the units), with the sign of the quotient put back so that a negative quotient
 * rounding to zero stays −0. The floats go through a double scratch array in plain loops (C2
 * vectorises both conversions): one float shape in the process (see {@link Species}). An int8
 * variant quantises each input and each output, so this is on the job's hot path; the scalar loop
 * took about 1.2 ns a value (a division, a rint and two compares each, one at a time).
 */
public final class Int8Simd {
  private static final VectorSpecies<Double> S = Species.DOUBLE;
  private static final double ROUND = 0x1.8p52;
  private static final long SIGN = Long.MIN_VALUE;

  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED; // SimdKernel.S
  private static final VectorSpecies<Integer> I = F.withLanes(int.class);

  private Int8Simd() {}

  /** {@link Int8Quantiser#calibrate}'s value, absmax in vector form. */
  public static double calibrate(float[] a, int off, int len, double percentile) {
    return Double.isNaN(percentile) ? Int8Quantiser.scale(absMax(a, off, len))
        : Int8Quantiser.calibrate(a, off, len, percentile);
  }

  /**
   * {@link Int8Quantiser#absMax}'s value: the largest finite |x| (0 if none), by the same masked
   * integer maximum over the magnitudes' bits, one instruction per vector (C2 leaves the scalar
   * loop a chain of conditional moves: it was half the int8 variant's time).
   */
  public static float absMax(float[] a, int off, int len) {
    IntVector max = IntVector.zero(I);
    int i = 0;
    for (int bound = F.loopBound(len); i < bound; i += F.length()) {
      IntVector m = FloatVector.fromArray(F, a, off + i).reinterpretAsInts().and(0x7FFF_FFFF);
      max = m.and(m.sub(0x7F80_0000).lanewise(VectorOperators.ASHR, 31)).max(max);
    }
    float rest = Int8Quantiser.absMax(a, off + i, len - i);
    return Math.max(rest, Float.intBitsToFloat(max.reduceLanes(VectorOperators.MAX)));
  }

  /** The same values as {@link Int8Quantiser#quantise(float[], int, float[], int, int, double)}. */
  public static void quantise(float[] in, int inOff, float[] out, int outOff, int len,
      double scale, double[] scratch) {
    if (scale == 0 || scratch.length < len) {
      Int8Quantiser.quantise(in, inOff, out, outOff, len, scale);
      return;
    }
    double[] d = scratch;
    Widen.toDoubles(in, inOff, d, 0, len);
    int i = 0;
    for (int bound = S.loopBound(len); i < bound; i += S.length()) {
      DoubleVector q = DoubleVector.fromArray(S, d, i).div(scale).max(-127.0).min(127.0);
      DoubleVector level = q.add(ROUND).sub(ROUND).reinterpretAsLongs()
          .or(q.reinterpretAsLongs().and(SIGN)).reinterpretAsDoubles();
      level.mul(scale).intoArray(d, i);
    }
    for (int j = 0; j < i; j++) {
      out[outOff + j] = (float) d[j];
    }
    if (i < len) {
      Int8Quantiser.quantise(in, inOff + i, out, outOff + i, len - i, scale);
    }
  }
}

package io.ablate.profile;

import io.ablate.kernel.simd.Species;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The power sums and extremes of {@link ValueStats} with the Vector API: the same operations, lane
 * for lane, as its scalar lanes, so the same bits. A vector of Ablate's one double shape
 * ({@link Species}) holds {@link #WIDTH} consecutive lanes of the fixed {@link ValueStats#LANES}: one
 * sweep of a vector's values on 512-bit hardware, two on 256-bit. Loaded only when
 * {@code jdk.incubator.vector} is present; values arrive converted to double (a second float shape
 * to load them would make C2 compile the kernels' float operations for two classes).
 */
final class PowerSumsSimd {
  private static final VectorSpecies<Double> S = Species.DOUBLE;
  /** Floats, and their bits, at the float kernels' shape (the one the process uses for them). */
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Integer> I = F.withLanes(int.class);

  /** Lanes of one vector: a sweep of {@link #sums} adds to this many lanes. */
  static final int WIDTH = S.length();

  /** Worth using: vectors of at least 256 bits that tile the lanes (else the scalar lanes). */
  static final boolean USEFUL = WIDTH >= 4 && ValueStats.LANES % WIDTH == 0;

  private PowerSumsSimd() {}

  /**
   * Adds lanes [{@code lane}, {@code lane} + {@link #WIDTH}) of {@code x[0, n)} (finite values, n a
   * multiple of {@link ValueStats#LANES}) to the lane sums {@code s} (power p's lane l at
   * p·LANES + l, powers 1 to 4).
   */
  static void sums(double[] x, int n, int lane, double[] s) {
    int lanes = ValueStats.LANES;
    DoubleVector s1 = DoubleVector.fromArray(S, s, lane);
    DoubleVector s2 = DoubleVector.fromArray(S, s, lanes + lane);
    DoubleVector s3 = DoubleVector.fromArray(S, s, 2 * lanes + lane);
    DoubleVector s4 = DoubleVector.fromArray(S, s, 3 * lanes + lane);
    // Loop-carried vectors are only ever arguments, never receivers (see GroupSumsSimd): d + s is
    // s + d in IEEE arithmetic.
    for (int k = lane; k < n; k += lanes) {
      DoubleVector d = DoubleVector.fromArray(S, x, k);
      DoubleVector d2 = d.mul(d);
      s1 = d.add(s1);
      s2 = d2.add(s2);
      s3 = d2.mul(d).add(s3);
      s4 = d2.mul(d2).add(s4);
    }
    s1.intoArray(s, lane);
    s2.intoArray(s, lanes + lane);
    s3.intoArray(s, 2 * lanes + lane);
    s4.intoArray(s, 3 * lanes + lane);
  }

  /**
   * One read of a vector's values {@code x[off, off + len)}: false if any is NaN or ±Inf (the
   * caller then takes the scalar path); else {@code out} = {least, greatest} of their
   * {@link #order} keys and the number of zeros (±0). A scalar loop of integer minima is a chain of
   * conditional moves (C2 does not vectorise it); here it is one instruction per vector.
   */
  static boolean scan(float[] x, int off, int len, int[] out) {
    IntVector lo = IntVector.broadcast(I, Integer.MAX_VALUE);
    IntVector hi = IntVector.broadcast(I, Integer.MIN_VALUE);
    IntVector special = IntVector.zero(I);
    int zeros = 0;
    int i = 0;
    for (int bound = F.loopBound(len); i < bound; i += F.length()) {
      IntVector bits = FloatVector.fromArray(F, x, off + i).reinterpretAsInts();
      // Sign bit of (exponent bits + 2^23) set exactly for an all-ones exponent (NaN, ±Inf).
      special = bits.and(0x7F80_0000).add(0x0080_0000).or(special);
      zeros += bits.and(0x7FFF_FFFF).compare(VectorOperators.EQ, 0).trueCount();
      IntVector key = bits.lanewise(VectorOperators.ASHR, 31).lanewise(VectorOperators.LSHR, 1)
          .lanewise(VectorOperators.XOR, bits);
      lo = key.min(lo);
      hi = key.max(hi);
    }
    if (special.reduceLanes(VectorOperators.OR) < 0) {
      return false;
    }
    int l = lo.reduceLanes(VectorOperators.MIN);
    int h = hi.reduceLanes(VectorOperators.MAX);
    for (; i < len; i++) {
      int bits = Float.floatToRawIntBits(x[off + i]);
      if ((bits & 0x7F80_0000) == 0x7F80_0000) {
        return false;
      }
      zeros += (bits & 0x7FFF_FFFF) == 0 ? 1 : 0;
      l = Math.min(l, order(bits));
      h = Math.max(h, order(bits));
    }
    out[0] = l;
    out[1] = h;
    out[2] = zeros;
    return true;
  }

  /**
   * The float of bits {@code b} as an int in the floats' order (negative floats: all but the sign
   * flipped, so −0 is −1, below +0's 0); its own inverse.
   */
  static int order(int b) {
    return b ^ ((b >> 31) >>> 1);
  }
}

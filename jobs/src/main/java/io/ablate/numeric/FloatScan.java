package io.ablate.numeric;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * One read of a float vector with the Vector API: whether every value is finite, the extremes and
 * the zeros. Loaded only when {@code jdk.incubator.vector} is present ({@code
 * io.ablate.kernel.Simd#available}); callers keep a scalar path for the rest.
 */
public final class FloatScan {
  /** Floats, and their bits, at the float kernels' shape (the one the process uses for them). */
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Integer> I = F.withLanes(int.class);

  private FloatScan() {}

  /**
   * One read of a vector's values {@code x[off, off + len)}: false if any is NaN or ±Inf (the
   * caller then takes the scalar path); else {@code out} = {least, greatest} of their
   * {@link #order} keys and the number of zeros (±0). A scalar loop of integer minima is a chain of
   * conditional moves (C2 does not vectorise it); here it is one instruction per vector.
   */
  public static boolean scan(float[] x, int off, int len, int[] out) {
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
  public static int order(int b) {
    return b ^ ((b >> 31) >>> 1);
  }
}

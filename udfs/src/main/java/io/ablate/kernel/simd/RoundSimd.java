package io.ablate.kernel.simd;

import static jdk.incubator.vector.VectorOperators.AND;
import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static jdk.incubator.vector.VectorOperators.LT;
import static jdk.incubator.vector.VectorOperators.OR;

import io.ablate.precision.FloatFormat;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FloatFormat#round(float[], int, float[], int, int)} in vector form: the same bit
 * operations lane by lane (ties-to-even on the magnitude's bits in the normal range, the add-and-
 * subtract of a power of two below it, the overflow rule, ±∞ and NaN passed through or saturated),
 * so the same bits; a test compares the two over every format. A reduced-precision variant rounds
 * each input and output, so this is on the job's hot path.
 */
public final class RoundSimd {
  private static final VectorSpecies<Float> S = SimdKernel.S;
  private static final VectorSpecies<Integer> IS = S.withLanes(int.class);
  private static final int L = S.length();

  private final IntVector half;
  private final IntVector keep;
  private final IntVector shift;
  private final IntVector minNormal;
  private final IntVector maxBits;
  private final IntVector overflow;
  private final IntVector nonFinite;
  private final IntVector one;
  private final IntVector magnitude;
  private final IntVector sign;
  private final FloatVector magic;
  private final boolean saturatesInfinity;

  public RoundSimd(FloatFormat f) {
    int s = 23 - f.mantissaBits();
    shift = IntVector.broadcast(IS, s);
    half = IntVector.broadcast(IS, (1 << (s - 1)) - 1);
    keep = IntVector.broadcast(IS, -(1 << s));
    minNormal = IntVector.broadcast(IS, (f.minExponent() + 127) << 23);
    int max = Float.floatToRawIntBits((float) f.maxFinite());
    maxBits = IntVector.broadcast(IS, max);
    overflow = IntVector.broadcast(IS, f.hasInfinity() ? 0x7F80_0000 : max);
    nonFinite = IntVector.broadcast(IS, 0x7F80_0000);
    one = IntVector.broadcast(IS, 1);
    magnitude = IntVector.broadcast(IS, 0x7FFF_FFFF);
    sign = IntVector.broadcast(IS, 0x8000_0000);
    magic = FloatVector.broadcast(S,
        Float.intBitsToFloat((f.minExponent() - f.mantissaBits() + 23 + 127) << 23));
    saturatesInfinity = !f.hasInfinity();
  }

  /** The same values as {@link FloatFormat#round(float[], int, float[], int, int)}. */
  public void round(float[] in, int inOff, float[] out, int outOff, int len) {
    int i = 0;
    for (int b = S.loopBound(len); i < b; i += L) {
      round(FloatVector.fromArray(S, in, inOff + i)).intoArray(out, outOff + i);
    }
    if (i < len) {
      VectorMask<Float> m = S.indexInRange(i, len);
      round(FloatVector.fromArray(S, in, inOff + i, m)).intoArray(out, outOff + i, m);
    }
  }

  private FloatVector round(FloatVector x) {
    IntVector bits = x.reinterpretAsInts();
    IntVector a = bits.lanewise(AND, magnitude);
    IntVector normal = a.add(half).add(a.lanewise(LSHR, shift).lanewise(AND, one))
        .lanewise(AND, keep);
    IntVector small = a.reinterpretAsFloats().add(magic).sub(magic).reinterpretAsInts();
    IntVector r = normal.blend(small, a.compare(LT, minNormal));
    r = r.blend(overflow, r.compare(GT, maxBits));
    // ±∞ stays (or saturates, in a format without ∞); NaN stays NaN, payload and all.
    VectorMask<Integer> notFinite = a.compare(GE, nonFinite);
    IntVector special = saturatesInfinity ? maxBits.blend(a, a.compare(GT, nonFinite)) : a;
    r = r.blend(special, notFinite);
    return r.lanewise(OR, bits.lanewise(AND, sign)).reinterpretAsFloats();
  }
}

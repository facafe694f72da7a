package io.ablate.accuracy;

import io.ablate.kernel.simd.Species;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The lane sums of {@link ErrorStats} with the Vector API: the same operations, lane for lane, as
 * its scalar lanes, so the same bits. The lane layout ({@link ErrorStats#LANES} lanes) is part of
 * the result, whatever the hardware prefers: a vector of Ablate's one double shape ({@link Species})
 * holds {@link #WIDTH} consecutive lanes, so 512-bit hardware sums all the lanes in one sweep of the
 * group and 256-bit hardware in two (lanes 0–3, then 4–7; each lane is independent of the others).
 * Loaded only when {@code jdk.incubator.vector} is present. Everything happens in one method with
 * no calls left uninlined: a vector that reaches a call is boxed, which made an earlier version
 * slower than the scalar loop. Outputs arrive converted to double (a second, narrower float shape
 * to load them made C2 compile every float operation of the process for two classes).
 */
final class GroupSumsSimd {
  private static final VectorSpecies<Double> S = Species.DOUBLE;
  /** The doubles' shape seen as longs (for maxima over bits). */
  private static final VectorSpecies<Long> L = VectorSpecies.of(long.class, S.vectorShape());
  private static final long EXPONENT = 0x7FF0_0000_0000_0000L;
  private static final long MIN_BINADE = Double.doubleToRawLongBits(0x1p-126);
  private static final long MAX_BINADE = Double.doubleToRawLongBits(0x1p127);

  /** Lanes of one vector: a sweep of {@link #sums} fills this many lanes. */
  static final int WIDTH = S.length();

  /** Worth using: vectors of at least 256 bits that tile the lanes (else the scalar lanes). */
  static final boolean USEFUL = WIDTH >= 4 && ErrorStats.LANES % WIDTH == 0;

  /** Index in {@code out} of max |err| after {@link #sums}. */
  static final int MAX_ABS = ErrorStats.SUMS * 2 * ErrorStats.LANES;
  /** Index in {@code out} of the candidate test after {@link #sums}: not ≤ 0 if some element may
   * raise max_rel_err or max_ulp. */
  static final int CANDIDATE = MAX_ABS + 1;
  /** Index in {@code out} of the number of elements left out of max_ulp (reference not a normal
   * float32), added to by each sweep (the caller zeroes it first). */
  static final int EXCLUDED = CANDIDATE + 1;
  /** Length of {@code out}. */
  static final int OUT = EXCLUDED + 1;

  private GroupSumsSimd() {}

  /**
   * Sums lanes [{@code lane}, {@code lane} + {@link #WIDTH}) of a group of n elements (n a multiple
   * of {@link ErrorStats#LANES}; {@code lane} a multiple of {@link #WIDTH}): outputs {@code y}
   * (float32 values converted to double) against references {@code r}, into {@code out} (those
   * lanes of the sums, layout of {@link ErrorStats#sumIndex}; {@link #MAX_ABS} and
   * {@link #CANDIDATE} set by the sweep of lane 0, raised by the others; {@link #EXCLUDED} added
   * to), as if every element were
   * compared: the caller has checked that every input is finite. Returns the number of zero
   * outputs in those lanes, or −1 if some output or reference is not finite (or a sum overflowed):
   * the caller must then take the scalar path, which classifies elements.
   *
   * <p>The candidate test is a filter for the exact scalar maxima: it is positive (or NaN) for any
   * element whose relative error exceeds {@code maxRel} (|r| ≥ {@link ErrorStats#REL_FLOOR}) or
   * whose reference rounds to a normal float32 and whose error in ulps may exceed
   * {@code ulpBound}: with p = 2<sup>e</sup> for e the exponent of r
   * clamped to [−126, 127], ulp((float) r) ≥ p·2<sup>-23</sup> (rounding to float can only raise the
   * exponent), so ulps ≤ |err|·2<sup>23</sup>/p, nearly exact.
   */
  static long sums(double[] y, int yOff, double[] r, int rOff, int n, int lane, double maxRel,
      double ulpBound, double[] out) {
    DoubleVector zero = DoubleVector.zero(S);
    DoubleVector absS = zero, absC = zero, sqErrS = zero, sqErrC = zero, sqRefS = zero;
    DoubleVector sqRefC = zero, sqOutS = zero, sqOutC = zero, refOutS = zero, refOutC = zero;
    // Maxima are taken over the doubles' bits as longs: non-negative doubles order as their bits
    // do, and a double is > 0 (or a positive NaN) exactly when its bits are a positive long. A
    // double max with Java's semantics (NaN, −0) compiles to a sequence of several dependent
    // instructions, and as the loop-carried chain it bounded the whole loop (measured 1.15 against
    // 0.75 ns an element); a long max is one instruction.
    LongVector max = LongVector.zero(L);
    LongVector candidate = LongVector.broadcast(L, Long.MIN_VALUE);
    long zeros = 0;
    long excluded = 0;
    // No loop-carried vector is ever the receiver of an operation: its type at the loop's head is
    // only FloatVector/DoubleVector, so C2 would dispatch on the JVM-wide type profile, which other
    // kernels' 512-bit vectors pollute; then it stops intrinsifying and every operation boxes (seen:
    // 6 ns instead of 2 per element). So accumulations are written v.op(acc), exactly the same
    // values: + and max are commutative, and s − (t − b) = (b − t) + s in IEEE arithmetic.
    for (int k = lane; k < n; k += ErrorStats.LANES) {
      DoubleVector yv = DoubleVector.fromArray(S, y, yOff + k);
      zeros += yv.compare(VectorOperators.EQ, 0.0).trueCount();
      DoubleVector rv = DoubleVector.fromArray(S, r, rOff + k);
      DoubleVector err = yv.sub(rv);
      DoubleVector abs = err.abs();
      max = abs.reinterpretAsLongs().max(max);
      DoubleVector absRef = rv.abs();
      // abs/absRef − maxRel: the scalar path's own division, so exactly its test (a product with a
      // safety margin would flag every tie with the maximum, e.g. each negative input of relu
      // against gelu, whose relative error is exactly 1, and rescan the whole group).
      DoubleVector rel = abs.div(absRef).sub(maxRel)
          .blend(Double.NEGATIVE_INFINITY, absRef.compare(VectorOperators.LT, ErrorStats.REL_FLOOR));
      // 2^(exponent of r), clamped to the float range's [2^-126, 2^127]: ulp((float) r) ≥ it·2^-23.
      DoubleVector binade = rv.reinterpretAsLongs().and(EXPONENT).max(MIN_BINADE).min(MAX_BINADE)
          .reinterpretAsDoubles();
      VectorMask<Double> outside = absRef.compare(VectorOperators.LT, ErrorStats.ULP_LOW)
          .or(absRef.compare(VectorOperators.GE, ErrorStats.ULP_HIGH));
      excluded += outside.trueCount();
      DoubleVector ulp = abs.mul(0x1p23).sub(binade.mul(ulpBound))
          .blend(Double.NEGATIVE_INFINITY, outside);
      // Positive (as a long: as a double, > 0 or NaN) if either test is.
      candidate = rel.reinterpretAsLongs().max(ulp.reinterpretAsLongs()).max(candidate);
      // TwoSum, as ErrorStats.twoSum: t = s + v, b = t − s, c += (s − (t − b)) + (v − b), s = t.
      DoubleVector t = abs.add(absS);
      DoubleVector b = t.sub(absS);
      absC = b.sub(t).add(absS).add(abs.sub(b)).add(absC);
      absS = t;
      DoubleVector v = err.mul(err);
      t = v.add(sqErrS);
      b = t.sub(sqErrS);
      sqErrC = b.sub(t).add(sqErrS).add(v.sub(b)).add(sqErrC);
      sqErrS = t;
      v = rv.mul(rv);
      t = v.add(sqRefS);
      b = t.sub(sqRefS);
      sqRefC = b.sub(t).add(sqRefS).add(v.sub(b)).add(sqRefC);
      sqRefS = t;
      v = yv.mul(yv);
      t = v.add(sqOutS);
      b = t.sub(sqOutS);
      sqOutC = b.sub(t).add(sqOutS).add(v.sub(b)).add(sqOutC);
      sqOutS = t;
      v = rv.mul(yv);
      t = v.add(refOutS);
      b = t.sub(refOutS);
      refOutC = b.sub(t).add(refOutS).add(v.sub(b)).add(refOutC);
      refOutS = t;
    }
    // Σ|err| is finite only if every output and reference is; the other sums may overflow.
    DoubleVector all = absC.add(sqErrC).add(sqRefC).add(sqOutC).add(refOutC);
    if (!Double.isFinite(all.reduceLanes(VectorOperators.ADD))) {
      return -1;
    }
    absS.intoArray(out, ErrorStats.sumIndex(ErrorStats.ABS_ERR, lane));
    absC.intoArray(out, ErrorStats.sumIndex(ErrorStats.ABS_ERR, lane) + ErrorStats.LANES);
    sqErrS.intoArray(out, ErrorStats.sumIndex(ErrorStats.SQ_ERR, lane));
    sqErrC.intoArray(out, ErrorStats.sumIndex(ErrorStats.SQ_ERR, lane) + ErrorStats.LANES);
    sqRefS.intoArray(out, ErrorStats.sumIndex(ErrorStats.SQ_REF, lane));
    sqRefC.intoArray(out, ErrorStats.sumIndex(ErrorStats.SQ_REF, lane) + ErrorStats.LANES);
    sqOutS.intoArray(out, ErrorStats.sumIndex(ErrorStats.SQ_OUT, lane));
    sqOutC.intoArray(out, ErrorStats.sumIndex(ErrorStats.SQ_OUT, lane) + ErrorStats.LANES);
    refOutS.intoArray(out, ErrorStats.sumIndex(ErrorStats.REF_OUT, lane));
    refOutC.intoArray(out, ErrorStats.sumIndex(ErrorStats.REF_OUT, lane) + ErrorStats.LANES);
    double maxAbs = Double.longBitsToDouble(max.reduceLanes(VectorOperators.MAX));
    // > 0 (or NaN) exactly when some lane's test was; else ≤ 0 (a negative double or ±0).
    double candidates = Double.longBitsToDouble(candidate.reduceLanes(VectorOperators.MAX));
    out[MAX_ABS] = lane == 0 ? maxAbs : Math.max(out[MAX_ABS], maxAbs);
    out[CANDIDATE] = lane == 0 ? candidates : Math.max(out[CANDIDATE], candidates); // NaN stays
    out[EXCLUDED] += excluded;
    return zeros;
  }
}

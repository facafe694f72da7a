package io.ablate.accuracy;

import io.ablate.AblateException;
import io.ablate.kernel.simd.FiniteSimd;
import io.ablate.kernel.simd.Widen;
import io.ablate.numeric.ExactSum;
import java.io.Serializable;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * The accuracy accumulator for one key (model, checkpoint, layer, site, variant, ...): how far a
 * variant's float32 outputs are from the float64 reference outputs for the same inputs. Its derived
 * values are the metric columns of the {@code accuracy} table.
 *
 * <h2>Semantics (the contract of the {@code accuracy} table)</h2>
 * Each element is an (input {@code x}, output {@code y}, reference {@code r}) triple; {@code r} is a
 * double (a float32-rounded reference may be passed widened). Elements fall into exactly one class:
 * <ol>
 *   <li><b>NaN input</b> ({@code nan_in}) or <b>±Inf input</b> ({@code inf_in}): excluded from every
 *       other metric, sparsity included.
 *   <li><b>NaN output</b> (finite input, {@code y} NaN, whatever {@code r} is): counted in
 *       {@code nan_out}, excluded from every error metric.
 *   <li><b>Special reference</b> (finite input, non-NaN output, {@code r} NaN or ±Inf, e.g. an
 *       overflow): compared by equality only. They are left out of m and of every sum; one that
 *       differs ({@code y != r}, always so when {@code r} is NaN) makes {@code max_abs_err} +Inf.
 *       Counted in {@link #special()} and {@link #specialMismatch()} (not v1 table columns).
 *   <li><b>Compared</b>: everything else (finite input, non-NaN output, finite reference); m is
 *       their number. For them {@code err = y − r} computed in double.
 * </ol>
 * Over the compared elements:
 * <ul>
 *   <li>{@code max_abs_err} = max |err| (+Inf if a special element mismatched);
 *   <li>{@code mean_abs_err} = Σ|err| / m; {@code rmse} = sqrt(Σerr² / m);
 *   <li>{@code max_rel_err} = max |err| / |r| over the elements with |r| ≥ {@value #REL_FLOOR}
 *       (NaN if there are none);
 *   <li>{@code max_ulp} = max |err| / ulp((float) r), in float32 ULPs of the reference, over the
 *       compared elements whose reference rounds to a <em>normal</em> float32 (2<sup>−126</sup> ≤
 *       |(float) r| ≤ {@link Float#MAX_VALUE}): there an ulp is a relative measure, 2<sup>−24</sup>
 *       to 2<sup>−23</sup> of |r|. A reference that rounds to zero, to a subnormal or beyond the
 *       float range has no such ulp (the ulp of a subnormal is 2<sup>−149</sup> whatever its size,
 *       so any error in a tiny reference would read as millions of ulps); those elements are left
 *       out and counted in {@code ulp_excluded}, and their error is in {@code max_abs_err};
 *   <li>{@code ulp_excluded} = the number of compared elements left out of {@code max_ulp};
 *   <li>{@code cos_sim} = Σ(r·y) / sqrt(Σr² · Σy²), computed as Σry / (sqrt Σr² · sqrt Σy²); 1 when
 *       both sums of squares are 0, 0 when exactly one is;
 *   <li>{@code snr_db} = 10·log10(Σr² / Σerr²); +Inf when Σerr² = 0;
 *   <li>{@code sparsity_out} = (number of compared elements with y = ±0) / m.
 * </ul>
 * An infinite output against a finite reference is an infinite error: the maxima and error sums
 * become +Inf, {@code snr_db} −Inf and {@code cos_sim} NaN.
 *
 * <h2>Determinism</h2>
 * The five sums (Σ|err|, Σerr², Σr², Σy², Σr·y) are kept in two levels. Within one {@link #update}
 * call (a <em>group</em>: the job passes one vector) they are accumulated in double with TwoSum
 * compensation in {@value #LANES} interleaved lanes (element k in lane k mod {@value #LANES}, in
 * element order within a lane); at the end of the group the lanes are folded in lane order and each
 * sum and its compensation are added to an {@link ExactSum}. The lane layout is fixed: it does not
 * depend on the hardware's vector width nor on whether the Vector API is present (its path, for
 * groups whose elements are all compared, computes the same bits as the scalar one; tested). Counts
 * are longs and maxima doubles. So {@link #merge} is exactly associative and commutative, and the
 * derived metrics are bit-identical however the groups are split into partitions and in whatever
 * order those merge; a vector is never split, so the job's metrics do not depend on partitioning.
 * (An exact sum per element costs about ten times more and would make an eight-variant pass several
 * times slower than reading the data.) Accuracy: a group's compensated sum is within about 2 ulp of
 * the exact sum of its rounded terms plus n²·2<sup>-106</sup>·Σ|terms| (Ogita, Rump and Oishi,
 * "Accurate sum and dot product", 2005), and each product term (err², r², r·y) is rounded once;
 * Σ|err| and Σy² have exact terms.
 *
 * <h2>Empty</h2>
 * With no compared element (m = 0) every derived metric is NaN, except {@code max_abs_err}, which is
 * 0 or +Inf when there are special elements; counts are 0 when nothing was added.
 *
 * <p>Also {@link Serializable} (for RDD aggregation); {@link #toBytes()} is the compact form.
 * Mutable, like a DataSketches sketch (update, merge, serialise); not thread-safe. The bulk
 * {@link #update} does not allocate.
 */
public final class ErrorStats implements Serializable {
  private static final long serialVersionUID = 1L;
  /** |reference| below this is left out of {@code max_rel_err}. */
  public static final double REL_FLOOR = 1e-6;
  /**
   * The smallest |r| whose float32 rounding is normal: the midpoint between the largest subnormal
   * and 2<sup>−126</sup>, which rounds (to even) up to 2<sup>−126</sup>.
   */
  static final double ULP_LOW = 0x1p-126 - 0x1p-150;
  /**
   * The smallest |r| whose float32 rounding overflows: the midpoint between
   * {@link Float#MAX_VALUE} and 2<sup>128</sup>, which rounds (to even) to infinity.
   */
  static final double ULP_HIGH = 0x1p128 - 0x1p103;
  private static final int FORMAT_VERSION = 2;

  private long n;
  private long nanIn;
  private long infIn;
  private long nanOut;
  private long special;
  private long specialMismatch;
  private long compared;
  private long zerosOut;
  private long ulpExcluded;
  // Maxima of non-negative values; -Inf means "none yet".
  private double maxAbs = Double.NEGATIVE_INFINITY;
  private double maxRel = Double.NEGATIVE_INFINITY;
  private double maxUlp = Double.NEGATIVE_INFINITY;
  private final ExactSum sumAbsErr;
  private final ExactSum sumSqErr;
  private final ExactSum sumSqRef;
  private final ExactSum sumSqOut;
  private final ExactSum sumRefOut;
  // Scratch of update, reused (not part of the state): the group's lane sums, its outputs in double.
  private transient double[] lanes;
  private transient double[] outputs;

  private ErrorStats(
      ExactSum absErr, ExactSum sqErr, ExactSum sqRef, ExactSum sqOut, ExactSum refOut) {
    this.sumAbsErr = absErr;
    this.sumSqErr = sqErr;
    this.sumSqRef = sqRef;
    this.sumSqOut = sqOut;
    this.sumRefOut = refOut;
  }

  /** An accumulator of nothing. */
  public static ErrorStats empty() {
    return new ErrorStats(ExactSum.empty(), ExactSum.empty(), ExactSum.empty(), ExactSum.empty(),
        ExactSum.empty());
  }

  /**
   * Adds {@code len} elements, {@code input[inOff + k]}, {@code output[outOff + k]} and
   * {@code reference[refOff + k]} for k in [0, len), as one <em>group</em> (a caller passes one
   * vector): the group's five sums are accumulated in double with compensation (TwoSum) in
   * {@value #LANES} interleaved lanes (element k in lane k mod {@value #LANES}, in element order
   * within a lane), then folded and added to the exact sums (see the class comment). Counts and
   * maxima do not depend on grouping; the sums depend only on which elements form each group, never
   * on the order or partitioning of groups, nor on the hardware (the lanes are fixed, and the Vector
   * API path, when there is one, computes the same bits as the scalar one). Does not allocate or box
   * (scratch arrays are kept and reused).
   */
  public void update(float[] input, int inOff, float[] output, int outOff, double[] reference,
      int refOff, int len) {
    update(input, inOff, output, outOff, reference, refOff, len, allFinite(input, inOff, len));
  }

  /**
   * {@link #update(float[], int, float[], int, double[], int, int)} for a caller that knows
   * whether every input of the group is finite ({@link #allFinite}, computed once for all the
   * variants compared on one input).
   */
  public void update(float[] input, int inOff, float[] output, int outOff, double[] reference,
      int refOff, int len, boolean inputsFinite) {
    update(input, inOff, output, outOff, reference, refOff, len, inputsFinite, SIMD);
  }

  /**
   * Whether {@code a[off, off + len)} are all finite: the sign bit of (exponent bits + 2^23) is
   * set exactly for an all-ones exponent (±Inf, NaN), so one OR over the group, no branch (with
   * the Vector API when the accumulator uses it: {@link FiniteSimd}).
   */
  public static boolean allFinite(float[] a, int off, int len) {
    Objects.checkFromIndexSize(off, len, a.length);
    if (SIMD) {
      return FiniteSimd.all(a, off, len);
    }
    int nonFinite = 0;
    for (int k = 0; k < len; k++) {
      nonFinite |= (Float.floatToRawIntBits(a[off + k]) & 0x7F80_0000) + 0x0080_0000;
    }
    return nonFinite >= 0;
  }

  /** {@link #update}, with the Vector API path or not (tests compare the two, bit for bit). */
  void update(float[] input, int inOff, float[] output, int outOff, double[] reference,
      int refOff, int len, boolean inputsFinite, boolean simd) {
    Objects.checkFromIndexSize(inOff, len, input.length);
    Objects.checkFromIndexSize(outOff, len, output.length);
    Objects.checkFromIndexSize(refOff, len, reference.length);
    if (lanes == null) { // GroupSumsSimd.OUT is a constant: this loads no Vector API class
      lanes = new double[GroupSumsSimd.OUT];
    }
    if (!(simd && inputsFinite && len >= LANES && vectorGroup(input, inOff, output, outOff,
        reference, refOff, len))) {
      java.util.Arrays.fill(lanes, 0.0);
      classifyAndSum(input, inOff, output, outOff, reference, refOff, len);
      updateRelAndUlp(input, inOff, output, outOff, reference, refOff, len);
    }
    addLanes(sumAbsErr, ABS_ERR);
    addLanes(sumSqErr, SQ_ERR);
    addLanes(sumSqRef, SQ_REF);
    addLanes(sumSqOut, SQ_OUT);
    addLanes(sumRefOut, REF_OUT);
  }

  /**
   * Adds a sum's lanes to its exact sum: the lanes folded into lane 0 (TwoSum in lane order, their
   * compensations summed), then the sum and its compensation. An infinite term makes both parts
   * non-finite (Inf and NaN compensation): only the sum is added then, so that +Inf stays +Inf.
   */
  private void addLanes(ExactSum into, int which) {
    double[] l = lanes;
    int i = sumIndex(which, 0);
    for (int lane = 1; lane < LANES; lane++) {
      l[i + LANES] += l[i + lane + LANES];
      twoSum(l, i, l[i + lane]);
    }
    addSum(into, l[i], l[i + LANES]);
  }

  /**
   * The Vector API path, for a group (of at least {@value #LANES} elements, all inputs finite, the
   * caller has checked) whose elements are all compared with finite outputs, the usual case: the
   * same lane sums and counts as the general path. Returns false, having changed nothing but the
   * scratch, for any other group.
   */
  private boolean vectorGroup(float[] input, int inOff, float[] output, int outOff,
      double[] reference, int refOff, int len) {
    int blocks = len - len % LANES;
    for (int k = blocks; k < len; k++) { // the scalar tail
      if (!Float.isFinite(output[outOff + k]) || !Double.isFinite(reference[refOff + k])) {
        return false;
      }
    }
    // The outputs in double for the vector loop (every input is finite: the caller checked).
    if (outputs == null || outputs.length < blocks) {
      outputs = new double[blocks];
    }
    double[] y = outputs;
    Widen.toDoubles(output, outOff, y, 0, blocks);
    long zeros = 0;
    lanes[GroupSumsSimd.EXCLUDED] = 0;
    for (int lane = 0; lane < LANES; lane += GroupSumsSimd.WIDTH) {
      long z = GroupSumsSimd.sums(y, 0, reference, refOff, blocks, lane, maxRel,
          maxUlp * (1 - 0x1p-50), lanes);
      if (z < 0) {
        return false;
      }
      zeros += z;
    }
    double mAbs = Math.max(maxAbs, lanes[GroupSumsSimd.MAX_ABS]);
    boolean candidate = !(lanes[GroupSumsSimd.CANDIDATE] <= 0);
    long excluded = (long) lanes[GroupSumsSimd.EXCLUDED];
    for (int k = blocks; k < len; k++) {
      float o = output[outOff + k];
      zeros += o == 0f ? 1 : 0;
      excluded += inUlpRange(Math.abs(reference[refOff + k])) ? 0 : 1;
      mAbs = Math.max(mAbs, addToLane(k % LANES, o, reference[refOff + k]));
    }
    n += len;
    compared += len;
    zerosOut += zeros;
    ulpExcluded += excluded;
    maxAbs = mAbs;
    // Exact maxima: over the whole group if the vectors saw a candidate, else over the tail.
    int from = candidate ? 0 : blocks;
    updateRelAndUlp(input, inOff + from, output, outOff + from, reference, refOff + from,
        len - from);
    return true;
  }

  /** The general path: classifies every element, counts, and sums the compared ones. */
  private void classifyAndSum(float[] input, int inOff, float[] output, int outOff,
      double[] reference, int refOff, int len) {
    long groupNanIn = 0;
    long groupInfIn = 0;
    long groupNanOut = 0;
    long groupSpecial = 0;
    long groupMismatch = 0;
    long groupCompared = 0;
    long groupZeros = 0;
    long groupExcluded = 0;
    double mAbs = maxAbs;
    for (int k = 0; k < len; k++) {
      float x = input[inOff + k];
      float o = output[outOff + k];
      double r = reference[refOff + k];
      if (!Float.isFinite(x)) {
        if (Float.isNaN(x)) {
          groupNanIn++;
        } else {
          groupInfIn++;
        }
        continue;
      }
      if (Float.isNaN(o)) {
        groupNanOut++;
        continue;
      }
      double y = o;
      if (!Double.isFinite(r)) {
        groupSpecial++;
        if (y != r) {
          groupMismatch++;
        }
        continue;
      }
      groupCompared++;
      if (o == 0f) {
        groupZeros++;
      }
      if (!inUlpRange(Math.abs(r))) {
        groupExcluded++;
      }
      double abs = addToLane(k % LANES, y, r);
      if (abs > mAbs) {
        mAbs = abs;
      }
    }
    n += len;
    nanIn += groupNanIn;
    infIn += groupInfIn;
    nanOut += groupNanOut;
    special += groupSpecial;
    specialMismatch += groupMismatch;
    compared += groupCompared;
    zerosOut += groupZeros;
    ulpExcluded += groupExcluded;
    maxAbs = mAbs;
  }

  /** Adds a compared element's five terms to lane {@code lane}; returns |err|. */
  private double addToLane(int lane, double y, double r) {
    double err = y - r;
    double abs = Math.abs(err);
    double[] l = lanes;
    twoSum(l, sumIndex(ABS_ERR, lane), abs);
    twoSum(l, sumIndex(SQ_ERR, lane), err * err);
    twoSum(l, sumIndex(SQ_REF, lane), r * r);
    twoSum(l, sumIndex(SQ_OUT, lane), y * y); // a float squared is exact in double
    twoSum(l, sumIndex(REF_OUT, lane), r * y);
    return abs;
  }

  /** max_rel_err and max_ulp over the compared elements of a group. */
  private void updateRelAndUlp(float[] input, int inOff, float[] output, int outOff,
      double[] reference, int refOff, int len) {
    double mRel = maxRel;
    // Lower bounds on the maxima, slightly below them so that rounding never skips a new maximum.
    double relBound = mRel * (1 - 0x1p-50); // −Inf·(…) stays −Inf
    double mUlp = maxUlp;
    double ulpBound = mUlp * (1 - 0x1p-50);
    for (int k = 0; k < len; k++) {
      float o = output[outOff + k];
      double r = reference[refOff + k];
      if (!Float.isFinite(input[inOff + k]) || Float.isNaN(o) || !Double.isFinite(r)) {
        continue; // not compared
      }
      double abs = Math.abs(o - r);
      double absRef = Math.abs(r);
      // Divides only for a candidate maximum: abs/absRef > mRel implies abs > relBound·absRef.
      if (absRef >= REL_FLOOR && abs > relBound * absRef) {
        double rel = abs / absRef;
        if (rel > mRel) {
          mRel = rel;
          relBound = rel * (1 - 0x1p-50);
        }
      }
      // ulp((float) r) ≥ |r|·2^-24 for a normal (float) r, so ulps ≤ abs·2^24/|r|: only a candidate
      // maximum needs its ulp. (Written negated: −Inf·0, before the first maximum, is NaN.)
      if (inUlpRange(absRef) && !(abs * 0x1p24 <= ulpBound * absRef)) {
        double ulps = abs * inverseFloatUlp(r);
        if (ulps > mUlp) {
          mUlp = ulps;
          ulpBound = ulps * (1 - 0x1p-50);
        }
      }
    }
    maxRel = mRel;
    maxUlp = mUlp;
  }

  /** Whether a reference of magnitude {@code absRef} rounds to a normal float32 (max_ulp's). */
  static boolean inUlpRange(double absRef) {
    return absRef >= ULP_LOW && absRef < ULP_HIGH;
  }

  /** Lanes of the group sums: element k of a group is summed in lane k mod LANES. */
  static final int LANES = 8;
  static final int SUMS = 5;
  static final int ABS_ERR = 0;
  static final int SQ_ERR = 1;
  static final int SQ_REF = 2;
  static final int SQ_OUT = 3;
  static final int REF_OUT = 4;
  /** The Vector API path for regular groups, when the module is there and the hardware helps. */
  static final boolean SIMD = io.ablate.kernel.Simd.available() && GroupSumsSimd.USEFUL;

  /**
   * Index in the lane sums of sum {@code which}, lane {@code lane}; its compensation is
   * {@value #LANES} further (each sum: {@value #LANES} lane sums, then their compensations).
   */
  static int sumIndex(int which, int lane) {
    return which * 2 * LANES + lane;
  }

  /** TwoSum: adds v to the sum at i; the addition's rounding error goes, exactly, into i + LANES. */
  private static void twoSum(double[] sums, int i, double v) {
    double s = sums[i];
    double t = s + v;
    double b = t - s;
    sums[i + LANES] += (s - (t - b)) + (v - b);
    sums[i] = t;
  }

  /** Adds one element (a group of one). */
  public void update(float input, float output, double reference) {
    update(new float[] {input}, 0, new float[] {output}, 0, new double[] {reference}, 0, 1);
  }

  /**
   * 1 / ulp((float) r) as a power of two, so that |err| · it equals |err| / ulp exactly as a division
   * would round: for a normal (float) r (the only ones max_ulp takes) the float exponent field e
   * gives ulp = 2^(e − 150).
   */
  private static double inverseFloatUlp(double r) {
    int e = (Float.floatToRawIntBits((float) r) >>> 23) & 0xFF;
    return Double.longBitsToDouble((long) (150 - e + 1023) << 52);
  }

  /**
   * What one group (one vector) adds to an accumulator: its counts, its maxima (−∞ for none) and
   * each of its five sums as the double and the compensation that {@link #update} adds to the
   * exact sums. A group computed elsewhere (a SQL plan's per-row reduction, on the CPU or the GPU)
   * and {@link #add added} gives the accumulator an update of the same vector would: bit for bit
   * when the group's sums are {@link #group}'s, within the group sums' own rounding otherwise.
   */
  public record Group(long n, long nanIn, long infIn, long nanOut, long special,
      long specialMismatch, long compared, long zerosOut, long ulpExcluded, double maxAbs, double maxRel,
      double maxUlp, double absErr, double absErrComp, double sqErr, double sqErrComp,
      double sqRef, double sqRefComp, double sqOut, double sqOutComp, double refOut,
      double refOutComp) implements Serializable {}

  /**
   * The group of {@code len} elements (one vector): as {@link #update} adds it, sums folded from
   * their lanes into one double and its compensation.
   */
  public static Group group(float[] input, float[] output, double[] reference, int len) {
    ErrorStats e = empty();
    e.update(input, 0, output, 0, reference, 0, len);
    double[] l = e.lanes;
    int a = sumIndex(ABS_ERR, 0);
    int q = sumIndex(SQ_ERR, 0);
    int r = sumIndex(SQ_REF, 0);
    int o = sumIndex(SQ_OUT, 0);
    int ro = sumIndex(REF_OUT, 0);
    return new Group(e.n, e.nanIn, e.infIn, e.nanOut, e.special, e.specialMismatch, e.compared,
        e.zerosOut, e.ulpExcluded, e.maxAbs, e.maxRel, e.maxUlp, l[a], l[a + LANES], l[q], l[q + LANES], l[r],
        l[r + LANES], l[o], l[o + LANES], l[ro], l[ro + LANES]);
  }

  /** Adds a group, as {@link #update} adds one, and returns this. */
  public ErrorStats add(Group g) {
    n += g.n();
    nanIn += g.nanIn();
    infIn += g.infIn();
    nanOut += g.nanOut();
    special += g.special();
    specialMismatch += g.specialMismatch();
    compared += g.compared();
    zerosOut += g.zerosOut();
    ulpExcluded += g.ulpExcluded();
    maxAbs = Math.max(maxAbs, g.maxAbs());
    maxRel = Math.max(maxRel, g.maxRel());
    maxUlp = Math.max(maxUlp, g.maxUlp());
    addSum(sumAbsErr, g.absErr(), g.absErrComp());
    addSum(sumSqErr, g.sqErr(), g.sqErrComp());
    addSum(sumSqRef, g.sqRef(), g.sqRefComp());
    addSum(sumSqOut, g.sqOut(), g.sqOutComp());
    addSum(sumRefOut, g.refOut(), g.refOutComp());
    return this;
  }

  /** A group's sum and compensation into an exact sum (only the sum when it is not finite). */
  private static void addSum(ExactSum into, double sum, double comp) {
    into.add(sum);
    if (Double.isFinite(sum)) {
      into.add(comp);
    }
  }

  /** Adds {@code other} into this accumulator and returns this; {@code other} is not changed. */
  public ErrorStats merge(ErrorStats other) {
    n += other.n;
    nanIn += other.nanIn;
    infIn += other.infIn;
    nanOut += other.nanOut;
    special += other.special;
    specialMismatch += other.specialMismatch;
    compared += other.compared;
    zerosOut += other.zerosOut;
    ulpExcluded += other.ulpExcluded;
    maxAbs = Math.max(maxAbs, other.maxAbs);
    maxRel = Math.max(maxRel, other.maxRel);
    maxUlp = Math.max(maxUlp, other.maxUlp);
    sumAbsErr.merge(other.sumAbsErr);
    sumSqErr.merge(other.sumSqErr);
    sumSqRef.merge(other.sumSqRef);
    sumSqOut.merge(other.sumSqOut);
    sumRefOut.merge(other.sumRefOut);
    return this;
  }

  /** True when no element was added. */
  public boolean isEmpty() {
    return n == 0;
  }

  /** {@code n}: all elements added. */
  public long n() {
    return n;
  }

  /** {@code nan_in}: NaN inputs. */
  public long nanIn() {
    return nanIn;
  }

  /** {@code inf_in}: ±Inf inputs. */
  public long infIn() {
    return infIn;
  }

  /** {@code nan_out}: NaN outputs for finite inputs. */
  public long nanOut() {
    return nanOut;
  }

  /** Elements with a finite input, a non-NaN output and a NaN or infinite reference. */
  public long special() {
    return special;
  }

  /** The {@link #special()} elements whose output differs from the reference. */
  public long specialMismatch() {
    return specialMismatch;
  }

  /** m: the elements the numeric error metrics are computed over. */
  public long compared() {
    return compared;
  }

  /** {@code max_abs_err}. */
  public double maxAbsErr() {
    if (specialMismatch > 0) {
      return Double.POSITIVE_INFINITY;
    }
    if (compared == 0) {
      return special > 0 ? 0.0 : Double.NaN;
    }
    return maxAbs;
  }

  /** {@code mean_abs_err} = Σ|err| / m. */
  public double meanAbsErr() {
    return compared == 0 ? Double.NaN : sumAbsErr.value() / compared;
  }

  /** {@code rmse} = sqrt(Σerr² / m). */
  public double rmse() {
    return compared == 0 ? Double.NaN : Math.sqrt(sumSqErr.value() / compared);
  }

  /** {@code max_rel_err} over |reference| ≥ {@value #REL_FLOOR}. */
  public double maxRelErr() {
    return orNaN(maxRel);
  }

  /**
   * {@code max_ulp}, in float32 ULPs of the reference, over the compared elements whose reference
   * rounds to a normal float32 (NaN if there are none).
   */
  public double maxUlp() {
    return orNaN(maxUlp);
  }

  /** {@code ulp_excluded}: compared elements left out of {@code max_ulp}. */
  public long ulpExcluded() {
    return ulpExcluded;
  }

  /** {@code cos_sim} between the reference and output vectors. */
  public double cosSim() {
    if (compared == 0) {
      return Double.NaN;
    }
    double rr = sumSqRef.value();
    double yy = sumSqOut.value();
    if (rr == 0 && yy == 0) {
      return 1.0;
    }
    if (rr == 0 || yy == 0) {
      return 0.0;
    }
    return sumRefOut.value() / (Math.sqrt(rr) * Math.sqrt(yy));
  }

  /** {@code snr_db} = 10·log10(Σr² / Σerr²); +Inf when Σerr² = 0. */
  public double snrDb() {
    if (compared == 0) {
      return Double.NaN;
    }
    double ee = sumSqErr.value();
    if (ee == 0) {
      return Double.POSITIVE_INFINITY;
    }
    return 10.0 * Math.log10(sumSqRef.value() / ee);
  }

  /** {@code sparsity_out}: fraction of exact zeros among the compared outputs. */
  public double sparsityOut() {
    return compared == 0 ? Double.NaN : (double) zerosOut / compared;
  }

  private double orNaN(double max) {
    return max == Double.NEGATIVE_INFINITY ? Double.NaN : max;
  }

  /**
   * Little-endian: version byte, nine longs (n, nan_in, inf_in, nan_out, special, special
   * mismatches, compared, zeros, ulp_excluded), three doubles (maxima; −Inf for none), then the five
   * {@link ExactSum} encodings (Σ|err|, Σerr², Σr², Σy², Σry), each after its int length.
   */
  public byte[] toBytes() {
    byte[][] sums = {sumAbsErr.toBytes(), sumSqErr.toBytes(), sumSqRef.toBytes(), sumSqOut.toBytes(),
        sumRefOut.toBytes()};
    int size = 1 + 9 * 8 + 3 * 8;
    for (byte[] s : sums) {
      size += 4 + s.length;
    }
    ByteBuffer buf = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    buf.put((byte) FORMAT_VERSION);
    buf.putLong(n).putLong(nanIn).putLong(infIn).putLong(nanOut).putLong(special)
        .putLong(specialMismatch).putLong(compared).putLong(zerosOut).putLong(ulpExcluded);
    buf.putDouble(maxAbs).putDouble(maxRel).putDouble(maxUlp);
    for (byte[] s : sums) {
      buf.putInt(s.length).put(s);
    }
    return buf.array();
  }

  /** Reads {@link #toBytes()}; throws {@link AblateException} (bad input) on malformed bytes. */
  public static ErrorStats fromBytes(byte[] bytes) {
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    try {
      int version = buf.get();
      if (version != FORMAT_VERSION) {
        throw AblateException.badInput("corrupt ErrorStats bytes: unknown version %d", version);
      }
      long[] counts = new long[9];
      for (int k = 0; k < counts.length; k++) {
        counts[k] = buf.getLong();
        if (counts[k] < 0) {
          throw AblateException.badInput("corrupt ErrorStats bytes: negative count");
        }
      }
      double[] maxima = {buf.getDouble(), buf.getDouble(), buf.getDouble()};
      ExactSum[] sums = new ExactSum[5];
      for (int k = 0; k < sums.length; k++) {
        int len = buf.getInt();
        if (len < 0 || len > buf.remaining()) {
          throw AblateException.badInput("corrupt ErrorStats bytes: sum length %d", len);
        }
        byte[] one = new byte[len];
        buf.get(one);
        sums[k] = ExactSum.fromBytes(one);
      }
      if (buf.hasRemaining()) {
        throw AblateException.badInput(
            "corrupt ErrorStats bytes: %d trailing bytes", buf.remaining());
      }
      ErrorStats s = new ErrorStats(sums[0], sums[1], sums[2], sums[3], sums[4]);
      s.n = counts[0];
      s.nanIn = counts[1];
      s.infIn = counts[2];
      s.nanOut = counts[3];
      s.special = counts[4];
      s.specialMismatch = counts[5];
      s.compared = counts[6];
      s.zerosOut = counts[7];
      s.ulpExcluded = counts[8];
      s.maxAbs = maxima[0];
      s.maxRel = maxima[1];
      s.maxUlp = maxima[2];
      return s;
    } catch (BufferUnderflowException e) {
      throw new AblateException(
          AblateException.Kind.BAD_INPUT, "corrupt ErrorStats bytes: truncated", e);
    }
  }

  @Override
  public String toString() {
    return "ErrorStats[n=" + n + ", nan_in=" + nanIn + ", inf_in=" + infIn + ", nan_out=" + nanOut
        + ", m=" + compared + ", max_abs_err=" + maxAbsErr() + ", mean_abs_err=" + meanAbsErr()
        + ", rmse=" + rmse() + ", max_rel_err=" + maxRelErr() + ", max_ulp=" + maxUlp()
        + ", ulp_excluded=" + ulpExcluded
        + ", cos_sim=" + cosSim() + ", snr_db=" + snrDb() + ", sparsity_out=" + sparsityOut() + "]";
  }
}

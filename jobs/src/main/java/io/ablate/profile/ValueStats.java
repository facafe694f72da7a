package io.ablate.profile;

import io.ablate.kernel.simd.Widen;
import io.ablate.numeric.ExactSum;
import io.ablate.numeric.FloatScan;
import java.io.Serializable;
import java.math.BigDecimal;
import java.math.MathContext;

/**
 * The exact part of a profile, a mergeable accumulator: counts (finite values, exact zeros, NaN,
 * ±Inf), min and max, the power sums Σx, Σx², Σx³, Σx⁴ of the finite values, and a histogram of
 * the finite values by their top 16 bits (bf16 buckets: sign, exponent and 7 significand bits) for
 * the outlier count. Power sums: within one vector, in double in {@value #LANES} fixed lanes
 * (element i in lane i mod {@value #LANES}), then each lane into an {@link ExactSum}; a vector is
 * never split, so the state is bit-identical whatever the partitioning or the order of vectors. The
 * lanes do not depend on the hardware: vectors with no NaN or ±Inf are summed with the Vector API
 * ({@link PowerSumsSimd}) when it is there, in the same bits. Mutable, one per task and key.
 */
public final class ValueStats implements Serializable {
  private static final long serialVersionUID = 1L;
  static final int BUCKETS = 1 << 16;
  private static final MathContext MC = new MathContext(40);

  private long n;
  private long zeros;
  private long nans;
  private long infs;
  private float min = Float.POSITIVE_INFINITY;
  private float max = Float.NEGATIVE_INFINITY;
  private final ExactSum[] sums = {ExactSum.empty(), ExactSum.empty(), ExactSum.empty(),
      ExactSum.empty()};
  /** The histogram; null in a one-vector accumulator of {@link #group}. */
  private final long[] buckets;

  private ValueStats(boolean histogram) {
    buckets = histogram ? new long[BUCKETS] : null;
  }

  public static ValueStats empty() {
    return new ValueStats(true);
  }

  /** An accumulator without a histogram: of {@link Group}s, merged into an {@link #empty} one. */
  public static ValueStats withoutHistogram() {
    return new ValueStats(false);
  }

  /**
   * One vector's statistics without its histogram, as {@link #update} adds them: the per-vector
   * row of the profile plan. {@code sums} holds the power sums in lanes, power-major: p·L + lane
   * for L = sums.length / 4 lanes ({@value #LANES} here; the GPU form sums each power in one).
   * A vector without finite values has min +∞ and max −∞.
   */
  public record Group(long n, long zeros, long nans, long infs, float min, float max,
      double[] sums) {}

  /** The {@link Group} of {@code x[off, off+len)}. */
  public static Group group(float[] x, int off, int len) {
    ValueStats one = withoutHistogram();
    one.update(x, off, len);
    return new Group(one.n, one.zeros, one.nans, one.infs, one.min, one.max,
        one.laneSums.clone());
  }

  /** Adds one vector's {@link Group} (its histogram comes apart, by {@link #addToBucket}). */
  public void add(Group g) {
    n += g.n();
    zeros += g.zeros();
    nans += g.nans();
    infs += g.infs();
    min = Math.min(min, g.min());
    max = Math.max(max, g.max());
    int lanes = g.sums().length / 4;
    for (int p = 0; p < 4; p++) {
      for (int lane = 0; lane < lanes; lane++) {
        sums[p].add(g.sums()[p * lanes + lane]);
      }
    }
  }

  /** Counts {@code count} more finite values in histogram bucket {@code bucket} (top 16 bits). */
  public void addToBucket(int bucket, long count) {
    buckets[bucket] += count;
  }

  /** The histogram bucket of a finite float: its top 16 bits (sign, exponent, 7 significand bits). */
  public static int bucket(float v) {
    return Float.floatToRawIntBits(v) >>> 16;
  }

  /** The finite values counted in each histogram bucket (a copy). */
  public long[] histogram() {
    return buckets.clone();
  }

  /** Lanes of the power sums within a vector: element i is summed in lane i mod LANES. */
  static final int LANES = 8;
  /** The Vector API path for vectors of finite values, when the module is there and helps. */
  static final boolean SIMD = io.ablate.kernel.Simd.available() && PowerSumsSimd.USEFUL;

  // Scratch of update, reused (not part of the state): lane sums, values in double, and the
  // vector scan's {least key, greatest key, zeros}.
  private transient double[] laneSums;
  private transient double[] values;
  private transient int[] scan;

  /** Adds {@code x[off, off+len)}, one vector. */
  public void update(float[] x, int off, int len) {
    update(x, off, len, SIMD);
  }

  /** {@link #update}, with the Vector API path or not (tests compare the two, bit for bit). */
  void update(float[] x, int off, int len, boolean simd) {
    if (laneSums == null) {
      laneSums = new double[4 * LANES];
      scan = new int[3];
    }
    double[] s = laneSums;
    java.util.Arrays.fill(s, 0.0);
    if (simd && len >= LANES && FloatScan.scan(x, off, len, scan)) {
      vectorUpdate(x, off, len);
    } else {
      scalarUpdate(x, off, len);
    }
    for (int p = 0; p < 4; p++) {
      for (int lane = 0; lane < LANES; lane++) {
        sums[p].add(s[p * LANES + lane]);
      }
    }
  }

  /** A vector of finite values, {@link #scan} filled by {@link FloatScan#scan}. */
  private void vectorUpdate(float[] x, int off, int len) {
    long[] b = buckets;
    for (int i = 0; b != null && i < len; i++) {
      b[Float.floatToRawIntBits(x[off + i]) >>> 16]++;
    }
    int done = len - len % LANES;
    if (values == null || values.length < done) {
      values = new double[done];
    }
    double[] d = values;
    Widen.toDoubles(x, off, d, 0, done);
    double[] s = laneSums;
    for (int lane = 0; lane < LANES; lane += PowerSumsSimd.WIDTH) {
      PowerSumsSimd.sums(d, done, lane, s);
    }
    for (int i = done; i < len; i++) {
      addToLane(s, i % LANES, x[off + i]);
    }
    n += len;
    zeros += scan[2];
    min = Math.min(min, Float.intBitsToFloat(FloatScan.order(scan[0])));
    max = Math.max(max, Float.intBitsToFloat(FloatScan.order(scan[1])));
  }

  /** Any vector: classifies each value. */
  private void scalarUpdate(float[] x, int off, int len) {
    double[] s = laneSums;
    long z = 0;
    long finite = 0;
    float lo = min;
    float hi = max;
    long[] b = buckets;
    for (int i = 0; i < len; i++) {
      float v = x[off + i];
      int bits = Float.floatToRawIntBits(v);
      if ((bits & 0x7F80_0000) == 0x7F80_0000) {
        if (Float.isNaN(v)) {
          nans++;
        } else {
          infs++;
        }
        continue;
      }
      finite++;
      if (v == 0f) {
        z++;
      }
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
      if (b != null) {
        b[bits >>> 16]++;
      }
      addToLane(s, i % LANES, v);
    }
    n += finite;
    zeros += z;
    min = lo;
    max = hi;
  }

  /** Adds v, v², v³, v⁴ to lane {@code lane} of the power sums (the vector path's operations). */
  private static void addToLane(double[] s, int lane, float v) {
    double d = v;
    double d2 = d * d;
    s[lane] += d;
    s[LANES + lane] += d2;
    s[2 * LANES + lane] += d2 * d;
    s[3 * LANES + lane] += d2 * d2;
  }

  /** Adds {@code other} into this; returns this. Exact: associative and commutative. */
  public ValueStats merge(ValueStats other) {
    n += other.n;
    zeros += other.zeros;
    nans += other.nans;
    infs += other.infs;
    min = Math.min(min, other.min);
    max = Math.max(max, other.max);
    for (int p = 0; p < 4; p++) {
      sums[p].merge(other.sums[p]);
    }
    for (int i = 0; other.buckets != null && i < BUCKETS; i++) {
      buckets[i] += other.buckets[i];
    }
    return this;
  }

  /** Finite values counted. */
  public long n() {
    return n;
  }

  public long zeros() {
    return zeros;
  }

  public long nans() {
    return nans;
  }

  public long infs() {
    return infs;
  }

  /** Smallest finite value; NaN when there is none. */
  public double min() {
    return n == 0 ? Double.NaN : min;
  }

  /** Largest finite value; NaN when there is none. */
  public double max() {
    return n == 0 ? Double.NaN : max;
  }

  /** The exact power sums Σx, Σx², Σx³, Σx⁴ of the finite values (for tests). */
  BigDecimal[] powerSums() {
    BigDecimal[] out = new BigDecimal[4];
    for (int p = 0; p < 4; p++) {
      out[p] = sums[p].toBigDecimal();
    }
    return out;
  }

  /** Mean and the central moment sums Σ(x−mean)^k, k = 2, 3, 4; NaN when n = 0. */
  public double[] moments() {
    if (n == 0) {
      return new double[] {Double.NaN, Double.NaN, Double.NaN, Double.NaN};
    }
    BigDecimal count = BigDecimal.valueOf(n);
    BigDecimal s1 = sums[0].toBigDecimal();
    BigDecimal s2 = sums[1].toBigDecimal();
    BigDecimal s3 = sums[2].toBigDecimal();
    BigDecimal s4 = sums[3].toBigDecimal();
    BigDecimal mean = s1.divide(count, MC);
    // Σ(x−μ)^2 = S2 − μS1;  Σ(x−μ)^3 = S3 − 3μS2 + 3μ²S1 − nμ³;
    // Σ(x−μ)^4 = S4 − 4μS3 + 6μ²S2 − 4μ³S1 + nμ⁴
    BigDecimal mu2 = mean.multiply(mean, MC);
    BigDecimal mu3 = mu2.multiply(mean, MC);
    BigDecimal mu4 = mu3.multiply(mean, MC);
    BigDecimal m2 = s2.subtract(mean.multiply(s1, MC), MC);
    BigDecimal m3 = s3.subtract(BigDecimal.valueOf(3).multiply(mean.multiply(s2, MC), MC), MC)
        .add(BigDecimal.valueOf(3).multiply(mu2.multiply(s1, MC), MC), MC)
        .subtract(count.multiply(mu3, MC), MC);
    BigDecimal m4 = s4.subtract(BigDecimal.valueOf(4).multiply(mean.multiply(s3, MC), MC), MC)
        .add(BigDecimal.valueOf(6).multiply(mu2.multiply(s2, MC), MC), MC)
        .subtract(BigDecimal.valueOf(4).multiply(mu3.multiply(s1, MC), MC), MC)
        .add(count.multiply(mu4, MC), MC);
    return new double[] {mean.doubleValue(), Math.max(0, m2.doubleValue()), m3.doubleValue(),
        Math.max(0, m4.doubleValue())};
  }

  /**
   * Values with |x − mean| &gt; 6σ (σ the population standard deviation), counted from the bf16
   * buckets: exact for every bucket wholly beyond mean ± 6σ; the (at most two) buckets that hold a
   * threshold are counted by the fraction of their value range beyond it, rounded. 0 when σ = 0.
   */
  public long outliers() {
    double[] m = moments();
    if (n == 0 || !(m[1] > 0)) {
      return 0;
    }
    double sigma = Math.sqrt(m[1] / n);
    double lo = m[0] - 6 * sigma;
    double hi = m[0] + 6 * sigma;
    double count = 0;
    for (int b = 0; b < BUCKETS; b++) {
      long c = buckets[b];
      if (c == 0) {
        continue;
      }
      double first = Float.intBitsToFloat(b << 16);
      double last = Float.intBitsToFloat((b << 16) | 0xFFFF);
      double a = Math.min(first, last);
      double z = Math.max(first, last);
      count += c * (fraction(a, z, hi, true) + fraction(a, z, lo, false));
    }
    return Math.round(count);
  }

  /** Fraction of [a, z] above t (or below t), as a share of the range; 0 or 1 when outside. */
  private static double fraction(double a, double z, double t, boolean above) {
    if (above ? a > t : z < t) {
      return 1;
    }
    if (above ? z <= t : a >= t) {
      return 0;
    }
    return above ? (z - t) / (z - a) : (t - a) / (z - a);
  }
}

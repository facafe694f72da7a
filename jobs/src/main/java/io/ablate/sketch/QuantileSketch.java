package io.ablate.sketch;

import io.ablate.AblateException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A quantile sketch of a stream of finite floats, of the KLL kind (Karnin, Lang and Liberty,
 * "Optimal quantile approximation in streams", 2016), owned by Ablate end to end: its layout, its
 * coin flips, its merge and its serialised form. Immutable.
 *
 * <p>Level h holds sorted items that each stand for 2<sup>h</sup> values of the stream; the
 * weights add up to {@link #n}. Level h of a sketch with H levels holds at most {@link
 * #capacity}(k, H, h) items, k·(2/3)<sup>H−1−h</sup> rounded, at least {@value #MIN_WIDTH}: about
 * 3k items in all. A level over its capacity is <em>compacted</em>: its items but the largest (when
 * their number is odd) are paired in order, one of each pair, the first or the second by one coin
 * flip for the whole level, moves up with twice the weight. The exact extremes are kept apart.
 *
 * <p><b>Determinism.</b> Every coin flip comes from a {@link SplittableRandom} of a seed the
 * caller gives ({@link #merge}, {@link SketchBuilder}): a sketch is a function of its inputs, their
 * order and the seeds, with no state shared between sketches, threads or JVMs.
 *
 * <p><b>Accuracy.</b> A quantile's rank is within {@link #normalizedRankError}(k) of the true rank
 * with high probability: the bound DataSketches states for its KLL sketch of the same capacities
 * (2.296 / k<sup>0.9723</sup>, 0.27% at k = 1024), checked by this package's tests for sketches
 * built, sampled and merged here.
 *
 * <p><b>Serialised form</b> ({@link #toBytes}, little-endian): the magic {@code ABQS}, a version
 * byte (1), k (int32), n (int64), min and max (float32, NaN when empty), the number of levels H
 * (int32), H level sizes (int32), then the items of level 0, 1, ..., each level ascending.
 * {@link #fromBytes} also reads the compact KLL floats sketches of Apache DataSketches 6
 * (through its public API), which earlier profiles hold.
 *
 * <p><b>Empty sketches</b> have n = 0, NaN extremes, NaN quantiles and ranks. Errors: k out of
 * range, merging sketches of different k and malformed bytes are bad input ({@link
 * AblateException}).
 */
public final class QuantileSketch {
  /** The default k: about 0.27% rank error. */
  public static final int DEFAULT_K = 1024;
  /** The smallest k accepted. */
  public static final int MIN_K = 8;
  /** The largest k accepted. */
  public static final int MAX_K = 65535;
  /** The least capacity of a level. */
  static final int MIN_WIDTH = 8;

  private static final int MAGIC = 0x53514241; // "ABQS", little-endian
  private static final byte VERSION = 1;
  private static final int HEADER = 4 + 1 + 4 + 8 + 4 + 4 + 4;

  private final int k;
  private final long n;
  private final float min;
  private final float max;
  /** Each level sorted ascending; level h's items weigh 2^h. Never modified after construction. */
  private final float[][] levels;

  private QuantileSketch(int k, long n, float min, float max, float[][] levels) {
    this.k = k;
    this.n = n;
    this.min = min;
    this.max = max;
    this.levels = levels;
  }

  /** An empty sketch of parameter {@code k}. */
  public static QuantileSketch empty(int k) {
    checkK(k);
    return new QuantileSketch(k, 0, Float.NaN, Float.NaN, new float[][] {new float[0]});
  }

  /** Bad input unless {@link #MIN_K} &le; k &le; {@link #MAX_K}. */
  public static void checkK(int k) {
    if (k < MIN_K || k > MAX_K) {
      throw AblateException.badInput("sketch k %d is out of range; valid: %d .. %d", k, MIN_K,
          MAX_K);
    }
  }

  /**
   * A sketch of sorted levels that may be over capacity, compacted until each level fits, with
   * coin flips from {@code random}. The arrays are taken over (the caller must not keep them).
   *
   * @param sizes the number of items used at the front of each level array
   */
  static QuantileSketch compacted(int k, long n, float min, float max, float[][] levels,
      int[] sizes, SplittableRandom random) {
    List<float[]> ls = new ArrayList<>();
    for (int h = 0; h < levels.length; h++) {
      ls.add(sizes[h] == levels[h].length ? levels[h] : Arrays.copyOf(levels[h], sizes[h]));
    }
    compact(k, ls, random);
    return new QuantileSketch(k, n, min, max, ls.toArray(new float[0][]));
  }

  /**
   * Compacts the lowest level over its capacity until every level fits; capacities depend on the
   * number of levels, so each compaction starts the scan again from the bottom.
   */
  private static void compact(int k, List<float[]> levels, SplittableRandom random) {
    for (int h = 0; h < levels.size(); h++) {
      float[] level = levels.get(h);
      if (level.length <= capacity(k, levels.size(), h)) {
        continue;
      }
      if (h + 1 == levels.size()) {
        levels.add(new float[0]);
      }
      int half = level.length / 2;
      int offset = random.nextInt(2);
      float[] up = new float[half];
      for (int i = 0; i < half; i++) {
        up[i] = level[offset + 2 * i];
      }
      levels.set(h + 1, mergeSorted(levels.get(h + 1), up));
      // An odd item (the largest) stays.
      levels.set(h, (level.length & 1) == 0 ? new float[0] : new float[] {level[level.length - 1]});
      h = -1;
    }
  }

  /** The capacity of level h of a sketch with {@code numLevels} levels. */
  static int capacity(int k, int numLevels, int h) {
    long c = k;
    for (int depth = numLevels - 1 - h; depth > 0 && c > MIN_WIDTH; depth--) {
      c = (2 * c + 1) / 3;
    }
    return (int) Math.max(MIN_WIDTH, c);
  }

  /** Two ascending arrays merged, ties from {@code a} first. */
  static float[] mergeSorted(float[] a, float[] b) {
    float[] out = new float[a.length + b.length];
    int i = 0;
    int j = 0;
    for (int o = 0; o < out.length; o++) {
      out[o] = j == b.length || (i < a.length && a[i] <= b[j]) ? a[i++] : b[j++];
    }
    return out;
  }

  /**
   * This sketch merged with {@code other} (same k), with coin flips from {@code seed}: level by
   * level, then compacted. Either side may be empty.
   */
  public QuantileSketch merge(QuantileSketch other, long seed) {
    if (other.k != k) {
      throw AblateException.badInput("cannot merge sketches of different k (%d and %d)", k,
          other.k);
    }
    if (other.n == 0) {
      return this;
    } else if (n == 0) {
      return other;
    }
    List<float[]> ls = new ArrayList<>();
    for (int h = 0; h < Math.max(levels.length, other.levels.length); h++) {
      float[] a = h < levels.length ? levels[h] : new float[0];
      float[] b = h < other.levels.length ? other.levels[h] : new float[0];
      ls.add(mergeSorted(a, b));
    }
    compact(k, ls, new SplittableRandom(seed));
    return new QuantileSketch(k, n + other.n, Math.min(min, other.min), Math.max(max, other.max),
        ls.toArray(new float[0][]));
  }

  public int k() {
    return k;
  }

  /** The number of values sketched. */
  public long n() {
    return n;
  }

  public boolean isEmpty() {
    return n == 0;
  }

  /** The least value sketched (exact); NaN when empty. */
  public float min() {
    return min;
  }

  /** The greatest value sketched (exact); NaN when empty. */
  public float max() {
    return max;
  }

  /** The number of items the sketch keeps. */
  public int retained() {
    int r = 0;
    for (float[] l : levels) {
      r += l.length;
    }
    return r;
  }

  /** Whether values were compacted or sampled away (then ranks are estimates). */
  public boolean isEstimationMode() {
    return retained() < n;
  }

  /** The normalised rank error of parameter k (single-sided, about 99% confidence). */
  public static double normalizedRankError(int k) {
    return 2.296 / Math.pow(k, 0.9723);
  }

  /** This sketch's {@link #normalizedRankError(int)}. */
  public double normalizedRankError() {
    return normalizedRankError(k);
  }

  /**
   * The items in ascending order with their cumulative weights: {@code cumulative[i]} is the
   * weight of items 0..i, the last one n. Empty when the sketch is.
   */
  public record SortedView(float[] items, long[] cumulative, long n) {}

  public SortedView sortedView() {
    int total = retained();
    long[] keys = new long[total];
    int i = 0;
    for (int h = 0; h < levels.length; h++) {
      for (float v : levels[h]) {
        // Order-preserving bits of the value (−0 onto +0) above, the level below.
        keys[i++] = ((long) orderKey(v) << 32) | ((long) h << 24);
      }
    }
    Arrays.sort(keys);
    float[] items = new float[total];
    long[] cumulative = new long[total];
    long sum = 0;
    for (int j = 0; j < total; j++) {
      int key = (int) (keys[j] >> 32);
      items[j] = Float.intBitsToFloat(key ^ ((key >> 31) >>> 1));
      sum += 1L << ((keys[j] >>> 24) & 0xFF);
      cumulative[j] = sum;
    }
    return new SortedView(items, cumulative, n);
  }

  /** A float's bits as an int in the floats' order, −0 as +0. */
  private static int orderKey(float v) {
    int b = Float.floatToRawIntBits(v == 0 ? 0f : v);
    return b ^ ((b >> 31) >>> 1);
  }

  /**
   * The quantile of normalised rank {@code rank} (inclusive): the least item whose cumulative
   * weight reaches ⌈rank·n⌉ (rank·n within a rounding error of a whole number counts as it); rank
   * 0 is the exact minimum and 1 the exact maximum. NaN when empty.
   */
  public float quantile(double rank) {
    return quantiles(new double[] {rank})[0];
  }

  /** {@link #quantile} of each rank, in one sort of the items. */
  public float[] quantiles(double[] ranks) {
    float[] out = new float[ranks.length];
    if (n == 0) {
      Arrays.fill(out, Float.NaN);
      return out;
    }
    SortedView v = sortedView();
    for (int r = 0; r < ranks.length; r++) {
      double rank = ranks[r];
      if (!(rank >= 0 && rank <= 1)) {
        throw AblateException.badInput("rank %s is not in [0, 1]", rank);
      }
      if (rank == 0) {
        out[r] = min;
        continue;
      } else if (rank == 1) {
        out[r] = max;
        continue;
      }
      long target = Math.max(1, (long) Math.ceil(naturalRank(rank)));
      int lo = 0;
      int hi = v.items().length - 1;
      while (lo < hi) { // the first index whose cumulative weight reaches the target
        int mid = (lo + hi) >>> 1;
        if (v.cumulative()[mid] >= target) {
          hi = mid;
        } else {
          lo = mid + 1;
        }
      }
      out[r] = v.items()[lo];
    }
    return out;
  }

  /**
   * rank·n, taken as the nearest whole number when within a rounding error of it (a rank of 0.99
   * computed as 0.9900000000000003 is still the 99th of 100 values).
   */
  private double naturalRank(double rank) {
    double x = rank * n;
    double nearest = Math.rint(x);
    return Math.abs(x - nearest) <= 1e-9 * Math.max(1, x) ? nearest : x;
  }

  /** The normalised rank of {@code value} (inclusive): the weight at or below it over n. */
  public double rank(float value) {
    if (n == 0) {
      return Double.NaN;
    }
    long w = 0;
    for (int h = 0; h < levels.length; h++) {
      float[] l = levels[h];
      int lo = 0;
      int hi = l.length;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (l[mid] <= value) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      w += (long) lo << h;
    }
    return (double) w / n;
  }

  /** The serialised form (see the class comment). */
  public byte[] toBytes() {
    ByteBuffer b = ByteBuffer.allocate(HEADER + 4 * levels.length + 4 * retained())
        .order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(MAGIC).put(VERSION).putInt(k).putLong(n).putFloat(min).putFloat(max)
        .putInt(levels.length);
    for (float[] l : levels) {
      b.putInt(l.length);
    }
    for (float[] l : levels) {
      for (float v : l) {
        b.putFloat(v);
      }
    }
    return b.array();
  }

  /**
   * A sketch from its serialised form, or from a DataSketches KLL floats sketch's; bad input
   * names {@code what} and what is wrong.
   */
  public static QuantileSketch fromBytes(byte[] bytes, String what) {
    if (bytes == null) {
      throw AblateException.badInput("%s: no sketch", what);
    }
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (bytes.length < 4 || b.getInt(0) != MAGIC) {
      return LegacyKll.read(bytes, what);
    }
    try {
      b.position(4);
      byte version = b.get();
      if (version != VERSION) {
        throw AblateException.badInput("%s: sketch format version %d; this build reads %d", what,
            version, VERSION);
      }
      int k = b.getInt();
      long n = b.getLong();
      float min = b.getFloat();
      float max = b.getFloat();
      int numLevels = b.getInt();
      checkK(k);
      if (n < 0 || numLevels < 1 || numLevels > 64 || b.remaining() < 4L * numLevels) {
        throw new IllegalArgumentException("n " + n + ", " + numLevels + " levels");
      }
      int[] sizes = new int[numLevels];
      long weight = 0;
      for (int h = 0; h < numLevels; h++) {
        sizes[h] = b.getInt();
        if (sizes[h] < 0 || sizes[h] > b.remaining() / 4) {
          throw new IllegalArgumentException("level " + h + " of " + sizes[h] + " items");
        }
        weight += (long) sizes[h] << h;
      }
      float[][] levels = new float[numLevels][];
      for (int h = 0; h < numLevels; h++) {
        levels[h] = new float[sizes[h]];
        for (int i = 0; i < sizes[h]; i++) {
          levels[h][i] = b.getFloat();
        }
      }
      if (b.hasRemaining() || weight != n) {
        throw new IllegalArgumentException(b.remaining() + " bytes left over, weight " + weight
            + " for n " + n);
      }
      return new QuantileSketch(k, n, min, max, levels);
    } catch (RuntimeException e) {
      if (e instanceof AblateException a) {
        throw a;
      }
      throw AblateException.badInput("%s: not a valid sketch (%s)", what, e.getMessage());
    }
  }

  /**
   * A sketch of the given items and weights (each weight a power of two, as KLL's are), for
   * reading other KLL implementations' sketches. A weight that is not a power of two is split into
   * its bits: 2<sup>h</sup> of it become one item of level h.
   */
  static QuantileSketch ofWeighted(int k, long n, float min, float max, float[] items,
      long[] weights) {
    int[] sizes = new int[64];
    int numLevels = 0;
    for (long w : weights) {
      for (int h = 0; w != 0; h++, w >>>= 1) {
        if ((w & 1) != 0) {
          sizes[h]++;
          numLevels = Math.max(numLevels, h + 1);
        }
      }
    }
    if (numLevels == 0) {
      return empty(k);
    }
    float[][] levels = new float[numLevels][];
    for (int h = 0; h < numLevels; h++) {
      levels[h] = new float[sizes[h]];
    }
    int[] filled = new int[numLevels];
    for (int i = 0; i < items.length; i++) {
      long w = weights[i];
      for (int h = 0; w != 0; h++, w >>>= 1) {
        if ((w & 1) != 0) {
          levels[h][filled[h]++] = items[i];
        }
      }
    }
    for (float[] level : levels) {
      Arrays.sort(level);
    }
    return new QuantileSketch(k, n, min, max, levels);
  }

  /**
   * A sketch of a weighted set of values, {@code counts[i]} of them at {@code items[i]}, with the
   * exact extremes {@code min} and {@code max}: each count split into its bits ({@link
   * #ofWeighted}), then the levels compacted with coin flips from {@code seed}. Its rank error is a
   * sketch's of the same k (items placed on a level carry no error; only compactions add it).
   */
  public static QuantileSketch ofCounts(int k, float[] items, long[] counts, float min, float max,
      long seed) {
    checkK(k);
    long n = 0;
    for (long c : counts) {
      n += c;
    }
    QuantileSketch exact = ofWeighted(k, n, min, max, items, counts);
    if (exact.n == 0) {
      return exact;
    }
    List<float[]> levels = new ArrayList<>(Arrays.asList(exact.levels));
    compact(k, levels, new SplittableRandom(seed));
    return new QuantileSketch(k, n, min, max, levels.toArray(new float[0][]));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof QuantileSketch s && Arrays.equals(toBytes(), s.toBytes());
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(toBytes());
  }

  @Override
  public String toString() {
    return "QuantileSketch(k=" + k + ", n=" + n + ", retained=" + retained() + ", min=" + min
        + ", max=" + max + ")";
  }
}

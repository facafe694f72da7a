package io.ablate.sketch;

import io.ablate.numeric.FloatScan;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Builds the {@link QuantileSketch} of one stream fast and with its own coin flips: the values go
 * through equal-capacity compactors ({@value #CAPACITY} items a level; the input level sorted by a
 * radix sort of the floats' order-preserving bits, each full level halved by a seeded coin flip
 * into the next, as KLL compacts), and at the end the levels are compacted the same way until
 * each fits the sketch's level capacities for parameter k. The compactors below k's levels are
 * wider than the sketch's own (its lowest levels hold 8 items), so they add less rank error than
 * merging one-value sketches would.
 *
 * <p><b>Sampling long streams.</b> Sorting every value is most of the cost, and in a long stream
 * the lowest levels' exactness is wasted: KLL's own analysis (Karnin, Lang and Liberty, "Optimal
 * quantile approximation in streams", 2016) replaces them by a sampler. Once the stream holds n
 * values, the builder keeps one value, drawn uniformly, of each block of W = 2<sup>s</sup>
 * consecutive values, with weight W (it enters level s directly), for the largest W with
 * W − 1 ≤ {@value #SAMPLING}·ε²·n, ε being the sketch's normalised rank error for k
 * ({@link QuantileSketch#normalizedRankError(int)}, 0.27% at k = 1024): at k = 1024, W = 2 from about
 * 680 000 values, 4 from 2.0 million, 8 from 4.7 million, 16 from 10 million. A block of W adds a
 * rank variance of at most W(W − 1)/4, so the sampling's rank error has a standard deviation of at
 * most ε·√({@value #SAMPLING}/8) ≈ 0.16·ε of n, and it spares sorting all but one value in W. A
 * partial block at the end keeps all its values, with weight 1. The extremes are taken over every
 * value.
 *
 * <p>The coin flips and the sampler's draws come from a {@link SplittableRandom} of the given
 * seed, so the sketch is a function of the values, their order and the seed, with no shared
 * state: builders of concurrent tasks run in parallel. Streams of at most k values are kept whole
 * (no compaction, no coin flip).
 */
public final class SketchBuilder {
  /** Items per level while building. */
  static final int CAPACITY = 4096;
  private static final boolean SIMD = io.ablate.kernel.Simd.available();
  /** The sampler's rank variance budget, as a fraction of ε²·n² (see the class comment). */
  static final double SAMPLING = 0.2;
  /** Largest sampling level: blocks of at most 2^12 values. */
  static final int MAX_SAMPLING_LEVEL = 12;

  private final int k;
  private final SplittableRandom random;
  /** W − 1 ≤ this · n allows weight W. */
  private final double budget;
  private float[][] levels = {new float[CAPACITY]};
  private int[] sizes = {0};
  /** Values added (including a partial block's). */
  private long n;
  private float min = Float.POSITIVE_INFINITY;
  private float max = Float.NEGATIVE_INFINITY;
  private final int[] keys = new int[CAPACITY];
  private final int[] tmp = new int[CAPACITY];
  /** Buckets of one 11-bit digit; {@link #count} holds the three passes' histograms in a row. */
  private static final int DIGITS = 1 << 11;
  private final int[] count = new int[3 * DIGITS];
  private float[] merged = new float[2 * CAPACITY];
  /**
   * The level new values enter, s: one in 2<sup>s</sup> is kept. Unsorted until it is compacted;
   * the levels below it no longer change (sorted).
   */
  private int input;
  /** n from which the next sampling level is allowed. */
  private long raiseAt;
  /** The current block's values, {@link #blockFill} of them (only while sampling). */
  private float[] block = new float[0];
  private int blockFill;
  /** Unused random bits, for the sampler's draws. */
  private long bits;
  private int bitsLeft;
  /** The extremes' scratch ({@link FloatScan#scan}). */
  private final int[] scan = new int[3];

  public SketchBuilder(int k, long seed) {
    QuantileSketch.checkK(k);
    this.k = k;
    this.random = new SplittableRandom(seed);
    double eps = QuantileSketch.normalizedRankError(k);
    this.budget = SAMPLING * eps * eps;
    this.raiseAt = raiseAt(1);
  }

  /** The n from which weight 2^s is allowed (never within the first k values nor a level). */
  private long raiseAt(int s) {
    if (s > MAX_SAMPLING_LEVEL) {
      return Long.MAX_VALUE;
    }
    return Math.max((long) Math.ceil(((1 << s) - 1) / budget), Math.max(k, CAPACITY) + 1L);
  }

  public long n() {
    return n;
  }

  /** Adds {@code x[off, off+len)}; every value must be finite (the caller filters). */
  public void update(float[] x, int off, int len) {
    updateExtremes(x, off, len);
    int i = off;
    int end = off + len;
    while (i < end) {
      if (blockFill == 0 && n >= raiseAt) {
        raise();
      }
      if (input == 0) {
        float[] l0 = levels[0];
        int s = sizes[0];
        int take = (int) Math.min(Math.min(CAPACITY - s, end - i), raiseAt - n);
        System.arraycopy(x, i, l0, s, take);
        sizes[0] = s + take;
        i += take;
        n += take;
        compactInputIfFull();
        continue;
      }
      int w = 1 << input;
      if (blockFill > 0 || end - i < w) { // a block across updates: through the block buffer
        int take = Math.min(w - blockFill, end - i);
        System.arraycopy(x, i, block, blockFill, take);
        blockFill += take;
        i += take;
        n += take;
        if (blockFill == w) {
          blockFill = 0;
          keep(block[draw()]);
        }
        continue;
      }
      // Whole blocks straight from x: up to the input level's room and the next raise.
      float[] level = levels[input];
      int s = sizes[input];
      int blocks = Math.min((end - i) >> input, CAPACITY - s);
      blocks = (int) Math.min(blocks, (raiseAt - n + w - 1) >> input);
      for (int b = 0; b < blocks; b++) {
        level[s + b] = x[i + (b << input) + draw()];
      }
      sizes[input] = s + blocks;
      i += blocks << input;
      n += (long) blocks << input;
      compactInputIfFull();
    }
  }

  /** The least and greatest of the values, over every value (sampled or not). */
  private void updateExtremes(float[] x, int off, int len) {
    if (SIMD && FloatScan.scan(x, off, len, scan)) {
      if (len > 0) {
        min = Math.min(min, Float.intBitsToFloat(FloatScan.order(scan[0])));
        max = Math.max(max, Float.intBitsToFloat(FloatScan.order(scan[1])));
      }
      return;
    }
    float lo = min;
    float hi = max;
    for (int j = off; j < off + len; j++) {
      lo = Math.min(lo, x[j]);
      hi = Math.max(hi, x[j]);
    }
    min = lo;
    max = hi;
  }

  /** A sampled value into the input level. */
  private void keep(float v) {
    levels[input][sizes[input]++] = v;
    compactInputIfFull();
  }

  /** A full input level sorted and halved into the next. */
  private void compactInputIfFull() {
    if (sizes[input] == CAPACITY) {
      sort(levels[input], CAPACITY);
      compact(input);
    }
  }

  /** A uniform index into a block of 2^input values. */
  private int draw() {
    if (bitsLeft < input) {
      bits = random.nextLong();
      bitsLeft = 64;
    }
    int j = (int) bits & ((1 << input) - 1);
    bits >>>= input;
    bitsLeft -= input;
    return j;
  }

  /** Doubles the sampling weight: the input level, sorted, stops changing; the next takes over. */
  private void raise() {
    sort(levels[input], sizes[input]);
    input++;
    if (input == levels.length) {
      levels = Arrays.copyOf(levels, input + 1);
      levels[input] = new float[CAPACITY];
      sizes = Arrays.copyOf(sizes, input + 1);
    }
    raiseAt = raiseAt(input + 1);
    block = new float[1 << input];
  }

  /** Halves level h (sorted, even size) into level h+1 with one coin flip; cascades when full. */
  private void compact(int h) {
    if (h + 1 == levels.length) {
      levels = Arrays.copyOf(levels, h + 2);
      levels[h + 1] = new float[CAPACITY];
      sizes = Arrays.copyOf(sizes, h + 2);
    }
    halveInto(h, sizes[h]);
    if (sizes[h + 1] >= CAPACITY) {
      compact(h + 1);
    }
  }

  /**
   * Keeps every other item of the first {@code even} items of level h (offset 0 or 1 by a coin
   * flip), merges them into level h+1 (sorted; on ties level h+1's items first), and leaves level h
   * with the items beyond.
   */
  private void halveInto(int h, int even) {
    float[] src = levels[h];
    float[] dst = levels[h + 1];
    int ds = sizes[h + 1];
    int half = even / 2;
    int offset = random.nextInt(2);
    int total = ds + half;
    if (merged.length < Math.max(total, CAPACITY)) {
      merged = new float[Math.max(total, CAPACITY)];
    }
    float[] m = merged;
    if (ds == 0 || half == 0) {
      for (int b = 0; b < half; b++) {
        m[b] = src[offset + 2 * b];
      }
      System.arraycopy(dst, 0, m, half, ds);
    } else {
      // The merge runs from both ends at once: the smallest items from the front, the largest from
      // the back, two independent chains (one chain waits on each comparison before its next
      // load). Branch-free: which side goes next is data, so a branch would mispredict half the
      // time, and C2 compiles a boolean select of floats to one (measured 2.5 ns an item against
      // 0.6 with the comparison and the select in integer arithmetic). An exhausted side reads as
      // ±∞ (every item is finite). Ties go to level h+1 first, so both ends build the same stable
      // merge, the one a single front-to-back merge builds.
      int a = 0;
      int b = 0;
      int ea = ds - 1;
      int eb = half - 1;
      int back = total / 2;
      int front = total - back;
      for (int o = 0, e = total - 1; o < back; o++, e--) {
        int x = Float.floatToRawIntBits(a < ds ? dst[a] : Float.POSITIVE_INFINITY);
        int y = Float.floatToRawIntBits(b < half ? src[offset + 2 * b] : Float.POSITIVE_INFINITY);
        int takeY = below(y, x);
        m[o] = Float.intBitsToFloat(x ^ ((x ^ y) & -takeY));
        a += 1 - takeY;
        b += takeY;
        int xe = Float.floatToRawIntBits(ea >= 0 ? dst[ea] : Float.NEGATIVE_INFINITY);
        int ye = Float.floatToRawIntBits(eb >= 0 ? src[offset + 2 * eb] : Float.NEGATIVE_INFINITY);
        int takeXe = below(ye, xe);
        m[e] = Float.intBitsToFloat(ye ^ ((ye ^ xe) & -takeXe));
        ea -= takeXe;
        eb -= 1 - takeXe;
      }
      if (front > back) { // odd total: the middle item, from the front
        float x = a < ds ? dst[a] : Float.POSITIVE_INFINITY;
        float y = b < half ? src[offset + 2 * b] : Float.POSITIVE_INFINITY;
        m[back] = x <= y ? x : y;
      }
    }
    // The merged items become level h+1; its old array is the next merge's scratch.
    levels[h + 1] = m;
    merged = dst;
    sizes[h + 1] = total;
    int rest = sizes[h] - even;
    System.arraycopy(src, even, src, 0, rest);
    sizes[h] = rest;
  }

  /**
   * 1 if the float of bits {@code u} is below that of {@code v}, else 0 (finite or infinite values;
   * −0 and +0 are equal, as with {@code <}), without a branch: the bits mapped to integers in the
   * floats' order, compared by the sign of their difference.
   */
  private static int below(int u, int v) {
    return (int) (((long) order(u) - order(v)) >>> 63);
  }

  /** The float of bits {@code b} as an int in the floats' order, −0 mapped onto +0. */
  private static int order(int b) {
    int key = b ^ ((b >> 31) >>> 1); // negative floats: all but the sign flipped (−0 is −1)
    return key + (key >>> 31); // −0 onto +0; other negatives stay below it
  }

  /**
   * Sorts {@code v[0, len)} by the floats' order-preserving bits: three 11-bit LSD passes, their
   * three histograms counted in one read, the last pass writing the floats back.
   */
  private void sort(float[] v, int len) {
    int[] a = keys;
    int[] b = tmp;
    int[] c = count;
    Arrays.fill(c, 0);
    for (int i = 0; i < len; i++) {
      int bits = Float.floatToRawIntBits(v[i]);
      int key = bits ^ ((bits >> 31) | 0x8000_0000); // negative: flip all; positive: flip the sign
      a[i] = key;
      c[key & 0x7FF]++;
      c[DIGITS + ((key >>> 11) & 0x7FF)]++;
      c[2 * DIGITS + (key >>> 22)]++;
    }
    for (int pass = 0; pass < 3; pass++) {
      int sum = 0;
      for (int d = pass * DIGITS; d < (pass + 1) * DIGITS; d++) {
        int n = c[d];
        c[d] = sum;
        sum += n;
      }
    }
    for (int i = 0; i < len; i++) {
      int key = a[i];
      b[c[key & 0x7FF]++] = key;
    }
    for (int i = 0; i < len; i++) {
      int key = b[i];
      a[c[DIGITS + ((key >>> 11) & 0x7FF)]++] = key;
    }
    for (int i = 0; i < len; i++) {
      int key = a[i];
      v[c[2 * DIGITS + (key >>> 22)]++] = Float.intBitsToFloat(key ^ ((~key >> 31) | 0x8000_0000));
    }
  }

  /** The sketch of everything added (the builder is spent afterwards). */
  public QuantileSketch toSketch() {
    sort(levels[input], sizes[input]);
    if (blockFill > 0) { // a partial block: its values with weight 1, merged into level 0
      sort(block, blockFill);
      levels[0] = QuantileSketch.mergeSorted(Arrays.copyOf(levels[0], sizes[0]),
          Arrays.copyOf(block, blockFill));
      sizes[0] = levels[0].length;
      blockFill = 0;
    }
    return QuantileSketch.compacted(k, n, n == 0 ? Float.NaN : min, n == 0 ? Float.NaN : max,
        levels, sizes, random);
  }
}

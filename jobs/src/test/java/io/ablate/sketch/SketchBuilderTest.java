package io.ablate.sketch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The builder's sketches serialise and read back, keep n, min and max exactly, answer ranks within
 * the documented rank error, and are a function of the values, their order and the seed (not of
 * how the updates were chunked).
 */
class SketchBuilderTest {
  static float[] values(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      double z = r.nextGaussian();
      v[i] = (float) (r.nextDouble() < 0.01 ? 50 * z : z); // a heavy tail
    }
    return v;
  }

  static QuantileSketch build(float[] v, int chunk, long seed, int k) {
    SketchBuilder b = new SketchBuilder(k, seed);
    for (int off = 0; off < v.length; off += chunk) {
      b.update(v, off, Math.min(chunk, v.length - off));
    }
    return b.toSketch();
  }

  /** The fraction of {@code sorted} at or below q. */
  static double rank(float[] sorted, float q) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] <= q) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return (double) lo / sorted.length;
  }

  /** Quantiles' true ranks and the sketch's ranks of true quantiles, within the rank error. */
  static void assertWithinRankError(QuantileSketch s, float[] v) {
    float[] sorted = v.clone();
    Arrays.sort(sorted);
    double eps = s.normalizedRankError();
    for (double r = 0.001; r < 1; r += 0.0497) {
      assertEquals(r, rank(sorted, s.quantile(r)), eps, "rank " + r);
      float truth = sorted[(int) (r * (sorted.length - 1))];
      assertEquals(rank(sorted, truth), s.rank(truth), eps, "rank of the true quantile " + r);
    }
    for (double r : new double[] {0.01, 0.5, 0.99, 0.999}) {
      assertEquals(r, rank(sorted, s.quantile(r)), eps);
    }
  }

  @Test
  void largeStreamsGiveValidSketchesWithinTheRankError() {
    // The last two are sampled (weights up to 4, then up to 16; see SketchBuilder's comment).
    for (int n : new int[] {1025, 5000, 100_000, 3_000_000, 12_000_001}) {
      float[] v = values(n, n);
      QuantileSketch s = build(v, 1024, 42, 1024);
      QuantileSketch back = QuantileSketch.fromBytes(s.toBytes(), "test");
      assertArrayEquals(s.toBytes(), back.toBytes());
      assertEquals(n, back.n());
      assertTrue(back.isEstimationMode());
      float[] sorted = v.clone();
      Arrays.sort(sorted);
      assertEquals(sorted[0], back.min());
      assertEquals(sorted[n - 1], back.max());
      assertEquals(sorted[0], back.quantile(0));
      assertEquals(sorted[n - 1], back.quantile(1));
      assertTrue(back.retained() <= 3 * 1024 + 64, "retained " + back.retained());
      assertWithinRankError(back, v);
    }
  }

  @Test
  void smallStreamsAreKeptWhole() {
    float[] v = values(1000, 3);
    QuantileSketch s = build(v, 77, 1, 1024);
    assertFalse(s.isEstimationMode());
    assertEquals(1000, s.retained());
    float[] sorted = v.clone();
    Arrays.sort(sorted);
    QuantileSketch.SortedView view = s.sortedView();
    assertArrayEquals(sorted, view.items());
    for (int i = 0; i < sorted.length; i++) {
      assertEquals(i + 1, view.cumulative()[i]);
    }
    // Exact: the quantile of rank r is the ⌈r·n⌉-th smallest value.
    for (double r : new double[] {0.001, 0.25, 0.5, 0.999}) {
      assertEquals(sorted[(int) Math.ceil(r * 1000) - 1], s.quantile(r), "rank " + r);
    }
    assertArrayEquals(s.toBytes(), build(v, 1000, 99, 1024).toBytes(), "no coin flip");
  }

  @Test
  void sameValuesSameSeedSameBytesWhateverTheChunks() {
    // Long enough to be sampled in blocks of 2, then 4, ending in a partial block.
    float[] v = values(2_500_003, 9);
    byte[] a = build(v, 1024, 5, 1024).toBytes();
    assertArrayEquals(a, build(v, 333, 5, 1024).toBytes());
    assertArrayEquals(a, build(v, 3, 5, 1024).toBytes()); // blocks across updates
    assertArrayEquals(a, build(v, 100_000, 5, 1024).toBytes());
    assertFalse(Arrays.equals(a, build(v, 1024, 6, 1024).toBytes()), "the seed matters");
  }

  @Test
  void sampledStreamsKeepTheExactExtremes() {
    // One extreme value each, at a position the sampler (blocks of 4 by then) keeps with
    // probability 1/4: the sketch's min and max must still be them, every time.
    for (int t = 0; t < 8; t++) {
      float[] v = values(3_000_000, 20 + t);
      int at = 2_500_000 + 7919 * t;
      v[at] = -1e6f - t;
      v[at + 1 + t] = 1e6f + t;
      QuantileSketch s = build(v, 1000, t, 1024);
      assertEquals(-1e6f - t, s.min(), "trial " + t);
      assertEquals(1e6f + t, s.max(), "trial " + t);
      assertEquals(v.length, s.n());
    }
  }

  @Test
  void emptyStreamsGiveEmptySketches() {
    QuantileSketch s = new SketchBuilder(64, 1).toSketch();
    assertTrue(s.isEmpty());
    assertTrue(Float.isNaN(s.min()) && Float.isNaN(s.quantile(0.5)) && Double.isNaN(s.rank(0)));
    assertArrayEquals(QuantileSketch.empty(64).toBytes(), s.toBytes());
  }
}

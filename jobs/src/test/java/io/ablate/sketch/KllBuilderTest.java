package io.ablate.sketch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.datasketches.kll.KllFloatsSketch;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;
import org.junit.jupiter.api.Test;

/**
 * The builder's sketches are DataSketches KLL sketches: they serialise, heapify and merge, keep n,
 * min and max exactly, answer ranks within the documented rank error, and are a function of the
 * values, their order and the seed (not of how the updates were chunked).
 */
class KllBuilderTest {
  static float[] values(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      double z = r.nextGaussian();
      v[i] = (float) (r.nextDouble() < 0.01 ? 50 * z : z); // a heavy tail
    }
    return v;
  }

  static KllFloatsSketch build(float[] v, int chunk, long seed, int k) {
    KllBuilder b = new KllBuilder(k, seed);
    for (int off = 0; off < v.length; off += chunk) {
      b.update(v, off, Math.min(chunk, v.length - off));
    }
    return b.toSketch();
  }

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

  static void assertWithinRankError(KllFloatsSketch s, float[] v) {
    float[] sorted = v.clone();
    Arrays.sort(sorted);
    double eps = s.getNormalizedRankError(false);
    for (double r = 0.001; r < 1; r += 0.0497) {
      float q = s.getQuantile(r, QuantileSearchCriteria.INCLUSIVE);
      assertEquals(r, rank(sorted, q), eps, "rank " + r);
    }
    for (double r : new double[] {0.01, 0.5, 0.99, 0.999}) {
      assertEquals(r, rank(sorted, s.getQuantile(r, QuantileSearchCriteria.INCLUSIVE)), eps);
    }
  }

  @Test
  void largeStreamsGiveValidSketchesWithinTheRankError() {
    // The last two are sampled (weights up to 4, then up to 16; see KllBuilder's class comment).
    for (int n : new int[] {1025, 5000, 100_000, 3_000_000, 12_000_001}) {
      float[] v = values(n, n);
      KllFloatsSketch s = build(v, 1024, 42, 1024);
      KllFloatsSketch back = KllFloatsSketch.heapify(
          org.apache.datasketches.memory.Memory.wrap(s.toByteArray()));
      assertEquals(n, back.getN());
      assertTrue(back.isEstimationMode());
      float[] sorted = v.clone();
      Arrays.sort(sorted);
      assertEquals(sorted[0], back.getMinItem());
      assertEquals(sorted[n - 1], back.getMaxItem());
      assertTrue(back.getNumRetained() <= 3 * 1024 + 64, "retained " + back.getNumRetained());
      assertWithinRankError(back, v);
      // DataSketches updates and merges it as its own.
      back.update(1f);
      assertEquals(n + 1, back.getN());
    }
  }

  @Test
  void smallStreamsAreDataSketchesOwnExactSketches() {
    float[] v = values(1000, 3);
    KllFloatsSketch plain = KllFloatsSketch.newHeapInstance(1024);
    plain.update(v, 0, v.length);
    assertArrayEquals(plain.toByteArray(), build(v, 77, 1, 1024).toByteArray());
    assertFalse(build(v, 77, 1, 1024).isEstimationMode());
  }

  @Test
  void sameValuesSameSeedSameBytesWhateverTheChunks() {
    // Long enough to be sampled in blocks of 2, then 4, ending in a partial block.
    float[] v = values(2_500_003, 9);
    byte[] a = build(v, 1024, 5, 1024).toByteArray();
    assertArrayEquals(a, build(v, 333, 5, 1024).toByteArray());
    assertArrayEquals(a, build(v, 3, 5, 1024).toByteArray()); // blocks across updates
    assertArrayEquals(a, build(v, 100_000, 5, 1024).toByteArray());
    assertFalse(Arrays.equals(a, build(v, 1024, 6, 1024).toByteArray()), "the seed matters");
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
      KllFloatsSketch s = build(v, 1000, t, 1024);
      assertEquals(-1e6f - t, s.getMinItem(), "trial " + t);
      assertEquals(1e6f + t, s.getMaxItem(), "trial " + t);
      assertEquals(v.length, s.getN());
    }
  }

  @Test
  void mergedBuilderSketchesStayWithinTheRankError() {
    float[] a = values(400_000, 1);
    float[] b = values(700_000, 2);
    KllFloatsSketch s = SeededKll.empty(1024);
    SeededKll.merge(s, build(a, 4096, 1, 1024), 1);
    SeededKll.merge(s, build(b, 4096, 2, 1024), 2);
    float[] all = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    assertEquals(all.length, s.getN());
    assertWithinRankError(s, all);
  }
}

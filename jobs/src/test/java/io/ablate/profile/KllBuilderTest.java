package io.ablate.profile;

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
    for (int n : new int[] {1025, 5000, 100_000, 3_000_000}) {
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
    float[] v = values(500_000, 9);
    byte[] a = build(v, 1024, 5, 1024).toByteArray();
    assertArrayEquals(a, build(v, 333, 5, 1024).toByteArray());
    assertArrayEquals(a, build(v, 100_000, 5, 1024).toByteArray());
    assertFalse(Arrays.equals(a, build(v, 1024, 6, 1024).toByteArray()), "the seed matters");
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

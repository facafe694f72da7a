package io.ablate.sketch;

import static io.ablate.sketch.SketchBuilderTest.build;
import static io.ablate.sketch.SketchBuilderTest.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ablate.AblateException;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.datasketches.kll.KllFloatsSketch;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;
import org.junit.jupiter.api.Test;

/**
 * Merges stay within the rank error however many sketches are merged, are a function of the
 * sketches and the seeds, and keep n and the extremes exact; the serialised form round-trips and
 * rejects malformed bytes with a message; DataSketches' KLL sketches (earlier profiles) read back
 * with the quantiles DataSketches itself gives.
 */
class QuantileSketchTest {
  @Test
  void manyMergesStayWithinTheRankError() {
    // 200 sketches of 5,000 to 50,000 values each, merged left to right as the profile pass does.
    SplittableRandom r = new SplittableRandom(17);
    QuantileSketch merged = QuantileSketch.empty(1024);
    float[] all = new float[0];
    for (int i = 0; i < 200; i++) {
      float[] v = values(5_000 + r.nextInt(45_000), 1000 + i);
      merged = merged.merge(build(v, 4096, i, 1024), Seeds.seed(3, i));
      int at = all.length;
      all = Arrays.copyOf(all, at + v.length);
      System.arraycopy(v, 0, all, at, v.length);
    }
    assertEquals(all.length, merged.n());
    float[] sorted = all.clone();
    Arrays.sort(sorted);
    assertEquals(sorted[0], merged.min());
    assertEquals(sorted[sorted.length - 1], merged.max());
    assertTrue(merged.retained() <= 3 * 1024 + 64, "retained " + merged.retained());
    SketchBuilderTest.assertWithinRankError(merged, all);
    // The weights add up to n.
    QuantileSketch.SortedView view = merged.sortedView();
    assertEquals(merged.n(), view.cumulative()[view.cumulative().length - 1]);
  }

  @Test
  void aSketchOfCountsStaysWithinTheRankErrorAndIsAFunctionOfItsSeed() {
    // 20,000 distinct values, each 1 to 200 times (about 2 million values in all).
    SplittableRandom r = new SplittableRandom(System.nanoTime());
    float[] items = values(20_000, r.nextLong());
    Arrays.sort(items);
    long[] counts = new long[items.length];
    int n = 0;
    for (int i = 0; i < items.length; i++) {
      counts[i] = 1 + r.nextInt(200);
      n += (int) counts[i];
    }
    float[] all = new float[n];
    for (int i = 0, at = 0; i < items.length; i++) {
      Arrays.fill(all, at, at + (int) counts[i], items[i]);
      at += (int) counts[i];
    }
    for (int k : new int[] {200, 1024}) {
      QuantileSketch s = QuantileSketch.ofCounts(k, items, counts, items[0],
          items[items.length - 1], 7);
      assertEquals(n, s.n());
      assertEquals(items[0], s.min());
      assertEquals(items[items.length - 1], s.max());
      assertTrue(s.isEstimationMode());
      assertTrue(s.retained() <= 3 * k + 64, "retained " + s.retained());
      SketchBuilderTest.assertWithinRankError(s, all);
      assertArrayEquals(s.toBytes(),
          QuantileSketch.ofCounts(k, items, counts, items[0], items[items.length - 1], 7)
              .toBytes());
    }
    QuantileSketch none = QuantileSketch.ofCounts(64, new float[0], new long[0], Float.NaN,
        Float.NaN, 1);
    assertEquals(0, none.n());
    assertTrue(Float.isNaN(none.quantile(0.5)));
  }

  @Test
  void mergesAreAFunctionOfTheSketchesAndTheSeeds() {
    QuantileSketch a = build(values(300_000, 1), 1000, 1, 256);
    QuantileSketch b = build(values(200_000, 2), 1000, 2, 256);
    byte[] ab = a.merge(b, 99).toBytes();
    assertArrayEquals(ab, a.merge(b, 99).toBytes());
    assertArrayEquals(ab, QuantileSketch.fromBytes(a.toBytes(), "a")
        .merge(QuantileSketch.fromBytes(b.toBytes(), "b"), 99).toBytes());
    assertTrue(!Arrays.equals(ab, a.merge(b, 100).toBytes()), "the seed matters");
    // Empty sides change nothing; merging does not change its operands.
    byte[] before = a.toBytes();
    assertArrayEquals(before, a.merge(QuantileSketch.empty(256), 5).toBytes());
    assertArrayEquals(before, QuantileSketch.empty(256).merge(a, 5).toBytes());
    assertArrayEquals(before, a.toBytes());
    AblateException k = assertThrows(AblateException.class,
        () -> a.merge(QuantileSketch.empty(512), 1));
    assertTrue(k.getMessage().contains("different k (256 and 512)"), k.getMessage());
  }

  @Test
  void ranksAndQuantilesAgreeWithAnExactSmallSketch() {
    float[] v = {3, -1, 2, 2, 7, 0, -0f, 5};
    SketchBuilder b = new SketchBuilder(64, 1);
    b.update(v, 0, v.length);
    QuantileSketch s = b.toSketch();
    assertEquals(8, s.n());
    assertEquals(0.125, s.rank(-1));
    assertEquals(0.375, s.rank(0)); // -1, 0 and -0
    assertEquals(0.625, s.rank(2));
    assertEquals(1.0, s.rank(100));
    assertEquals(0.0, s.rank(-2));
    assertEquals(2f, s.quantile(0.5));
    assertEquals(-1f, s.quantile(0));
    assertEquals(7f, s.quantile(1));
    assertArrayEquals(new float[] {-1f, 2f, 7f}, s.quantiles(new double[] {0.1, 0.6, 0.99}));
    AblateException bad = assertThrows(AblateException.class, () -> s.quantile(1.5));
    assertTrue(bad.getMessage().contains("rank 1.5 is not in [0, 1]"), bad.getMessage());
  }

  @Test
  void malformedBytesAreBadInputNamingTheSketch() {
    byte[] good = build(values(10_000, 4), 100, 4, 64).toBytes();
    for (byte[] bad : new byte[][] {
        Arrays.copyOf(good, good.length - 4), // an item short
        Arrays.copyOf(good, good.length + 4), // bytes left over
        new byte[] {1, 2, 3}, // neither format
    }) {
      AblateException e = assertThrows(AblateException.class,
          () -> QuantileSketch.fromBytes(bad, "sketch of layer 3"));
      assertTrue(e.getMessage().startsWith("sketch of layer 3: "), e.getMessage());
      assertEquals(AblateException.Kind.BAD_INPUT, e.kind());
    }
    byte[] k = good.clone();
    k[5] = 2; // k = 2 + 64·256^0... below MIN_K once the low byte is 2 and the rest 0
    k[6] = 0;
    AblateException e = assertThrows(AblateException.class, () -> QuantileSketch.fromBytes(k, "s"));
    assertTrue(e.getMessage().contains("sketch k 2 is out of range"), e.getMessage());
    assertThrows(AblateException.class, () -> QuantileSketch.empty(7));
  }

  @Test
  void dataSketchesKllSketchesReadBackWithTheirOwnQuantiles() {
    for (int n : new int[] {0, 100, 50_000, 1_000_000}) {
      float[] v = values(n, 30 + n);
      KllFloatsSketch ds = KllFloatsSketch.newHeapInstance(200);
      ds.update(v, 0, v.length);
      QuantileSketch s = QuantileSketch.fromBytes(ds.toByteArray(), "legacy");
      assertEquals(n, s.n());
      assertEquals(200, s.k());
      if (n == 0) {
        assertTrue(s.isEmpty());
        continue;
      }
      assertEquals(ds.getMinItem(), s.min());
      assertEquals(ds.getMaxItem(), s.max());
      // The weights add up to n (DataSketches' sorted view merges equal items: their weight's bits).
      QuantileSketch.SortedView view = s.sortedView();
      assertEquals(n, view.cumulative()[view.cumulative().length - 1]);
      for (double r = 0.01; r < 1; r += 0.049) {
        assertEquals(ds.getQuantile(r, QuantileSearchCriteria.INCLUSIVE), s.quantile(r),
            "n " + n + ", rank " + r);
      }
    }
  }
}

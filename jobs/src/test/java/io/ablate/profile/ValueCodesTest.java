package io.ablate.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The integer logic the profile plan's GPU forms run, on the CPU: order keys order floats as
 * {@link Float#compare} does (−0 below +0) and give the bits back; histogram codes map to the
 * pass's buckets, and each code's representative value lies in its own bucket.
 */
class ValueCodesTest {
  private static final float[] EDGES = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE,
      Float.MIN_NORMAL, -Float.MIN_NORMAL, Float.MAX_VALUE, -Float.MAX_VALUE,
      Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1f, -1f, 1e-40f, -3e38f};

  private static float random(SplittableRandom r) {
    float f = Float.intBitsToFloat(r.nextInt());
    return Float.isNaN(f) ? r.nextFloat() : f;
  }

  @Test
  void orderKeysOrderFloatsAndGiveTheBitsBack() {
    SplittableRandom r = new SplittableRandom(System.nanoTime());
    for (int i = 0; i < 300_000; i++) {
      final float a = i < EDGES.length ? EDGES[i] : random(r);
      final float b = i < EDGES.length ? EDGES[(i + 1) % EDGES.length] : random(r);
      int ka = GpuValueGroups.orderKey(Float.floatToRawIntBits(a));
      int kb = GpuValueGroups.orderKey(Float.floatToRawIntBits(b));
      assertEquals(Integer.signum(Float.compare(a, b)), Integer.signum(Integer.compare(ka, kb)),
          () -> a + " vs " + b);
      assertEquals(Float.floatToRawIntBits(a), GpuValueGroups.orderKey(ka));
    }
  }

  @Test
  void codesAreThePassBucketsAndRepresentativesStayInTheirBucket() {
    SplittableRandom r = new SplittableRandom(System.nanoTime());
    for (int i = 0; i < 300_000; i++) {
      float v = i < EDGES.length ? EDGES[i] : random(r);
      int code = BucketsUdf.code(v);
      if (!Float.isFinite(v)) {
        assertEquals(-1, code);
        continue;
      }
      assertEquals(ValueStats.bucket(v), BucketsUdf.bucketOf(code), () -> "" + v);
      float rep = BucketsUdf.representative(code);
      assertEquals(code, BucketsUdf.code(rep), () -> v + " stands at " + rep);
      if (v == 0f) {
        assertEquals(Float.floatToRawIntBits(v), Float.floatToRawIntBits(rep));
      } else if (Math.abs(v) >= Float.MIN_NORMAL) {
        assertTrue(Math.abs(rep - (double) v) <= Math.abs(v) * 0x1p-7, () -> v + " vs " + rep);
      }
    }
    for (int c = 0; c < BucketsUdf.CODES; c++) {
      float rep = BucketsUdf.representative(c);
      if (Float.isFinite(rep) && c != 0 && c != 0x8000) {
        assertEquals(c, BucketsUdf.code(rep), "code " + c);
      }
    }
  }
}

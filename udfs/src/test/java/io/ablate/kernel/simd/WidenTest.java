package io.ablate.kernel.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ablate.kernel.Inputs;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The vector widening gives the Java conversion's doubles, bit for bit (a NaN as
 * a NaN), at any offset and length. */
class WidenTest {
  @Test
  void sameBitsAsTheJavaConversion() {
    Random random = new Random();
    float[] src = new float[1000];
    for (int i = 0; i < src.length; i++) {
      src[i] = i < Inputs.EDGES.length ? Inputs.EDGES[i] : Float.intBitsToFloat(random.nextInt());
    }
    for (int trial = 0; trial < 500; trial++) {
      int srcOff = random.nextInt(40);
      int dstOff = random.nextInt(40);
      int len = random.nextInt(src.length - srcOff);
      double[] dst = new double[dstOff + len + 1];
      dst[dstOff + len] = 7.0; // must stay
      Widen.toDoubles(src, srcOff, dst, dstOff, len);
      for (int i = 0; i < len; i++) {
        // NaNs compared as NaN: their payloads may differ (the fallback's and C2's conversions).
        assertEquals(Double.doubleToLongBits(src[srcOff + i]),
            Double.doubleToLongBits(dst[dstOff + i]), "trial " + trial + ", element " + i);
      }
      assertEquals(7.0, dst[dstOff + len]);
    }
  }
}

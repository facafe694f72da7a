package io.ablate.kernel.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ablate.kernel.Inputs;
import io.ablate.precision.FloatFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The vector rounding gives the same values as {@link FloatFormat}'s (itself checked bit for bit). */
class RoundSimdTest {
  @Test
  void sameValuesAsTheScalarRoundingInEveryFormat() {
    Random random = new Random();
    float[] x = inputs(random);
    for (FloatFormat f : List.of(FloatFormat.BF16, FloatFormat.FP16, FloatFormat.FP8_E4M3,
        FloatFormat.FP8_E5M2)) {
      float[] expected = new float[x.length];
      f.round(x, 0, expected, 0, x.length);
      // An odd offset and length exercise the masked tail.
      float[] got = new float[x.length + 3];
      new RoundSimd(f).round(x, 0, got, 3, x.length);
      for (int i = 0; i < x.length; i++) {
        int e = Float.floatToIntBits(expected[i]); // NaNs compared as NaN
        int g = Float.floatToIntBits(got[i + 3]);
        if (e != g) {
          assertEquals(expected[i], got[i + 3], f.name() + " at x=" + x[i] + " (bits "
              + Integer.toHexString(Float.floatToRawIntBits(x[i])) + ")");
        }
      }
    }
  }

  /**
   * Every float around each format's boundaries (subnormal range, min normal, max finite, ties),
   * random bit patterns, and the edge cases.
   */
  private static float[] inputs(Random random) {
    int n = 1 << 20;
    float[] x = new float[4 * n + Inputs.EDGES.length + 1];
    int k = 0;
    for (int i = 0; i < n; i++) {
      x[k++] = Float.intBitsToFloat(random.nextInt());
      x[k++] = (float) (random.nextGaussian() * Math.scalb(1.0, random.nextInt(40) - 30));
      // Dense runs of consecutive floats (all tie cases) near 2^-30 .. 2^17.
      x[k++] = Float.intBitsToFloat(Float.floatToRawIntBits(0x1p-30f) + i * 997);
      x[k++] = -Float.intBitsToFloat(Float.floatToRawIntBits(0x1p-20f) + i * 1201);
    }
    System.arraycopy(Inputs.EDGES, 0, x, k, Inputs.EDGES.length);
    x[x.length - 1] = 448.5f;
    return x;
  }
}

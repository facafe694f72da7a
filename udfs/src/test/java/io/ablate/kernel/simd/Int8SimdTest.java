package io.ablate.kernel.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ablate.kernel.Inputs;
import io.ablate.precision.Int8Quantiser;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The vector int8 quantisation gives the scalar one's values (itself the definition), and the
 * scalar definition is checked against an independent float64 rint-and-clamp here too.
 */
class Int8SimdTest {
  @Test
  void sameValuesAsTheScalarQuantisation() {
    Random random = new Random();
    float[] x = inputs(random);
    double[] scales = {1.0, 0.5, 1 / 127.0, 3e-3, random.nextDouble() * 1e-2,
        random.nextDouble() * 100, 1e-40, Double.MIN_VALUE, 1e30, 0.0};
    for (double scale : scales) {
      float[] expected = new float[x.length];
      Int8Quantiser.quantise(x, 0, expected, 0, x.length, scale);
      // An odd offset and length exercise the scalar tail.
      float[] got = new float[x.length + 3];
      Int8Simd.quantise(x, 0, got, 3, x.length, scale, new double[x.length]);
      float[] inPlace = x.clone();
      Int8Simd.quantise(inPlace, 0, inPlace, 0, x.length - 5, scale, new double[x.length]);
      for (int i = 0; i < x.length; i++) {
        assertSame(expected[i], got[i + 3], "scale " + scale + ", x = " + x[i]);
        assertSame(i < x.length - 5 ? expected[i] : x[i], inPlace[i], "in place, x = " + x[i]);
        assertSame(reference(x[i], scale), expected[i], "definition, scale " + scale
            + ", x = " + x[i]);
      }
    }
  }

  @Test
  void absMaxCalibrationIsTheLargestFiniteMagnitude() {
    Random random = new Random();
    for (int trial = 0; trial < 2000; trial++) {
      int len = random.nextInt(300);
      float[] v = new float[len];
      for (int i = 0; i < len; i++) {
        v[i] = random.nextInt(10) == 0 && trial % 2 == 0 ? Inputs.EDGES[random.nextInt(Inputs.EDGES.length)]
            : random.nextBoolean() ? Float.intBitsToFloat(random.nextInt())
            : (float) random.nextGaussian();
      }
      double max = 0;
      for (float f : v) {
        if (Float.isFinite(f)) {
          max = Math.max(max, Math.abs((double) f));
        }
      }
      assertEquals(max / 127.0, Int8Quantiser.calibrate(v, 0, len, Double.NaN), "trial " + trial);
      assertEquals(max / 127.0, Int8Simd.calibrate(v, 0, len, Double.NaN), "vector, trial " + trial);
      int off = len == 0 ? 0 : random.nextInt(len);
      double maxFrom = 0;
      for (int i = off; i < len; i++) {
        if (Float.isFinite(v[i])) {
          maxFrom = Math.max(maxFrom, Math.abs((double) v[i]));
        }
      }
      assertEquals((float) maxFrom, Int8Simd.absMax(v, off, len - off), "offset, trial " + trial);
    }
  }

  /** clamp(rint(x / s), −127, 127) · s in float64 with the sign of x / s kept on a zero level. */
  private static float reference(float x, double scale) {
    if (scale == 0) {
      return Float.isNaN(x) ? x : Math.copySign(0f, x);
    }
    double q = (double) x / scale;
    if (Double.isNaN(q)) {
      return Float.NaN;
    }
    double level = Math.max(-127, Math.min(127, Math.rint(q)));
    return (float) (Math.copySign(Math.abs(level), q) * scale);
  }

  private static void assertSame(float expected, float got, String what) {
    if (Float.floatToIntBits(expected) != Float.floatToIntBits(got)) { // NaNs compared as NaN
      assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(got), what
          + ": expected " + expected + ", got " + got);
    }
  }

  /** Random bit patterns, Gaussians at many scales, the ties of the int8 grid, the edge cases. */
  private static float[] inputs(Random random) {
    int n = 1 << 16;
    float[] x = new float[4 * n + Inputs.EDGES.length];
    int k = 0;
    for (int i = 0; i < n; i++) {
      x[k++] = Float.intBitsToFloat(random.nextInt());
      x[k++] = (float) (random.nextGaussian() * Math.scalb(1.0, random.nextInt(60) - 40));
      x[k++] = (float) ((random.nextInt(300) - 150) * 0.5); // ties at scale 1, ±127.5 and beyond
      x[k++] = (float) ((random.nextInt(300) - 150) * 0.5 / 127.0);
    }
    System.arraycopy(Inputs.EDGES, 0, x, k, Inputs.EDGES.length);
    return x;
  }
}

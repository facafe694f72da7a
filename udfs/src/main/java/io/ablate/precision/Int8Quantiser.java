package io.ablate.precision;

import java.util.Arrays;

/**
 * Symmetric int8 quantise–dequantise of float32 tensors (see {@link Precision.Int8}). The arithmetic
 * is done in double, so the only rounding is the one to the int8 grid (ties to even).
 */
public final class Int8Quantiser {
  private Int8Quantiser() {}

  /**
   * The scale of one tensor: (absmax, or the given percentile of |x|) / 127 over its finite values;
   * 0 when there are none or all are zero.
   */
  public static double calibrate(float[] a, int off, int len, double percentile) {
    if (Double.isNaN(percentile)) {
      return scale(absMax(a, off, len));
    }
    float[] mags = new float[len];
    int n = 0;
    for (int i = 0; i < len; i++) {
      float v = Math.abs(a[off + i]);
      if (v < Float.POSITIVE_INFINITY) { // drops NaN too
        mags[n++] = v;
      }
    }
    if (n == 0) {
      return 0;
    }
    Arrays.sort(mags, 0, n);
    // Nearest rank, ceil(p/100 · n), guarded against p/100 · n landing just above an integer
    // through rounding (99.9/100 · 1000 = 999.0000000000001).
    int rank = (int) Math.ceil(percentile * n / 100.0 - 1e-9) - 1;
    return scale(mags[Math.max(0, Math.min(n - 1, rank))]);
  }

  /** The scale that maps magnitude {@code m} to level 127. */
  public static double scale(float m) {
    return m / 127.0;
  }

  /**
   * The largest |x| over the finite values (0 if none), on the magnitudes' bits: non-negative floats
   * order as their bits, and (bits − bits of ∞) is negative exactly for a finite magnitude, so its
   * sign masks NaN and ±∞ to 0 (the vector form, {@code Int8Simd.absMax}, does the same).
   */
  public static float absMax(float[] a, int off, int len) {
    int max = 0;
    for (int i = 0; i < len; i++) {
      int m = Float.floatToRawIntBits(a[off + i]) & 0x7FFF_FFFF;
      max = Math.max(max, m & ((m - 0x7F80_0000) >> 31));
    }
    return Float.intBitsToFloat(max);
  }

  /**
   * q(x) = clamp(rint(x / s), −127, 127) · s: ±∞ saturate to ±127·s, NaN stays NaN. With s = 0 (a
   * tensor with no finite non-zero value) every non-NaN value becomes a zero of its sign.
   */
  public static float quantise(float x, double scale) {
    if (scale == 0) {
      return Float.isNaN(x) ? x : Math.copySign(0f, x);
    }
    return (float) (clamp(Math.rint(x / scale)) * scale);
  }

  /** Clamped to ±127 by comparisons: NaN and −0 pass through, as with Math.max/min. */
  private static double clamp(double level) {
    return level > 127 ? 127 : level < -127 ? -127 : level;
  }

  public static void quantise(float[] in, int inOff, float[] out, int outOff, int len,
      double scale) {
    if (scale == 0) {
      for (int i = 0; i < len; i++) {
        out[outOff + i] = quantise(in[inOff + i], scale);
      }
      return;
    }
    for (int i = 0; i < len; i++) {
      out[outOff + i] = (float) (clamp(Math.rint(in[inOff + i] / scale)) * scale);
    }
  }
}

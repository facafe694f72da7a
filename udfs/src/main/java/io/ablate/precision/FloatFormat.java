package io.ablate.precision;

/**
 * A small binary floating-point format, emulated by rounding float32/float64 values to the nearest
 * value it can hold (round to nearest, ties to even), subnormals included.
 *
 * <ul>
 *   <li>{@link #BF16}: 8 exponent bits, 7 mantissa bits; float32's range; overflow to ±∞.</li>
 *   <li>{@link #FP16}: IEEE binary16, 5 + 10 bits, max 65504; overflow to ±∞.</li>
 *   <li>{@link #FP8_E4M3}: OCP 8-bit "E4M3FN": 4 + 3 bits, bias 7, max 448, no infinities. Conversion
 *       <b>saturates</b>: values beyond the range, and ±∞, become ±448 (NVIDIA's {@code __NV_SATFINITE}
 *       behaviour); NaN stays NaN.</li>
 *   <li>{@link #FP8_E5M2}: OCP 8-bit E5M2: 5 + 2 bits, bias 15, max 57344, with infinities.</li>
 * </ul>
 *
 * @param name the precision's name in variant specs ({@code gelu@bf16})
 * @param mantissaBits stored fraction bits (the significand has one more)
 * @param minExponent exponent of the smallest normal number (1 − bias)
 * @param maxFinite the largest finite value
 * @param hasInfinity whether overflow gives ±∞ (otherwise it saturates at ±maxFinite)
 */
public record FloatFormat(String name, int mantissaBits, int minExponent, double maxFinite,
    boolean hasInfinity) {

  /** float32 itself: rounding a double to it is a cast to float. */
  public static final FloatFormat FP32 = new FloatFormat("fp32", 23, -126, Float.MAX_VALUE, true);
  public static final FloatFormat BF16 = new FloatFormat("bf16", 7, -126, 0x1.FEp127, true);
  public static final FloatFormat FP16 = new FloatFormat("fp16", 10, -14, 65504.0, true);
  public static final FloatFormat FP8_E4M3 = new FloatFormat("fp8_e4m3", 3, -6, 448.0, false);
  public static final FloatFormat FP8_E5M2 = new FloatFormat("fp8_e5m2", 2, -14, 57344.0, true);

  /** The value of this format nearest to {@code x}: ties to even, with this format's overflow rule. */
  public double round(double x) {
    double a = Math.abs(x);
    if (Double.isNaN(x)) {
      return x;
    }
    if (a == Double.POSITIVE_INFINITY) {
      return hasInfinity ? x : Math.copySign(maxFinite, x);
    }
    if (a == 0) {
      return x;
    }
    // Spacing of representable values around a: 2^(e - mantissaBits), fixed below the normal range.
    int e = Math.max(Math.getExponent(a), minExponent);
    // quantum and its inverse as powers of two built from their bits (both in the normal double
    // range for every format): scaling by them is exact, and cheaper than scalb and a division.
    double quantum = Double.longBitsToDouble((long) (e - mantissaBits + 1023) << 52);
    double inverse = Double.longBitsToDouble((long) (mantissaBits - e + 1023) << 52);
    double r = Math.rint(a * inverse) * quantum;
    if (r > maxFinite) {
      r = hasInfinity ? Double.POSITIVE_INFINITY : maxFinite;
    }
    return Math.copySign(r, x);
  }

  /** {@link #round(double)} of a float32 value; exact, since every value of these formats is a float. */
  public float round(float x) {
    return (float) round((double) x);
  }

  /**
   * Rounds {@code len} values of {@code in} from {@code inOff} into {@code out} from {@code outOff}:
   * the same values as {@link #round(float)} (the tests check both against an independent model),
   * computed on the float bits, about twice as fast (a job rounds every input and output of a
   * reduced-precision variant). In this format's normal range, ties-to-even rounding of the
   * magnitude's bits at the format's last mantissa bit (a carry runs into the exponent, as it
   * should); below it, where the quantum is fixed at 2^(minExponent − mantissaBits), float addition
   * of a power of two m with that ulp rounds the magnitude to it (ties to even), and subtracting m
   * again is exact.
   */
  public void round(float[] in, int inOff, float[] out, int outOff, int len) {
    int shift = 23 - mantissaBits; // ≥ 1 for every format here
    int half = (1 << (shift - 1)) - 1;
    int keep = -(1 << shift);
    int minNormal = (minExponent + 127) << 23; // bits of 2^minExponent
    int maxBits = Float.floatToRawIntBits((float) maxFinite);
    int overflow = hasInfinity ? 0x7F80_0000 : maxBits;
    float magic = Float.intBitsToFloat((minExponent - mantissaBits + 23 + 127) << 23);
    for (int i = 0; i < len; i++) {
      float x = in[inOff + i];
      int bits = Float.floatToRawIntBits(x);
      int a = bits & 0x7FFF_FFFF;
      if (a >= 0x7F80_0000) { // ±Inf, NaN
        out[outOff + i] = round(x);
        continue;
      }
      int normal = (a + half + ((a >>> shift) & 1)) & keep;
      int small = Float.floatToRawIntBits((Float.intBitsToFloat(a) + magic) - magic);
      int r = a < minNormal ? small : normal;
      r = r > maxBits ? overflow : r;
      out[outOff + i] = Float.intBitsToFloat(r | (bits & 0x8000_0000));
    }
  }
}

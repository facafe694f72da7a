package io.ablate.encoding;

import io.ablate.AblateException;
import io.ablate.precision.FloatFormat;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;

/**
 * Encodings of the binary vector column ({@code data} + {@code dtype} in the activation dataset
 * contract): little-endian float32, bfloat16 or IEEE half. Encoding to a 16-bit type rounds to
 * nearest even (overflow to ±∞), as a PyTorch {@code .to(dtype)} does.
 */
public enum Dtype {
  F32(4), BF16(2), F16(2);

  private final int width;

  Dtype(int width) {
    this.width = width;
  }

  /** Bytes per value. */
  public int width() {
    return width;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Dtype parse(String s) {
    if (s != null) {
      switch (s.trim().toLowerCase(Locale.ROOT)) {
        case "f32": case "float32": case "float": return F32;
        case "bf16": case "bfloat16": return BF16;
        case "f16": case "float16": case "half": return F16;
        default: break;
      }
    }
    throw AblateException.badInput("unknown dtype '%s'; valid: f32, bf16, f16", s);
  }

  /** Number of values in {@code bytes}; an error naming the length when it is not a multiple. */
  public int count(byte[] bytes) {
    if (bytes.length % width != 0) {
      throw AblateException.badInput("binary vector of %d bytes is not a multiple of %d (dtype %s)",
          bytes.length, width, label());
    }
    return bytes.length / width;
  }

  /** Decodes all values of {@code bytes}. */
  public float[] decode(byte[] bytes) {
    int n = count(bytes);
    float[] out = new float[n];
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    switch (this) {
      case F32:
        b.asFloatBuffer().get(out);
        break;
      case BF16:
        for (int i = 0; i < n; i++) {
          out[i] = Float.intBitsToFloat((b.getShort(2 * i) & 0xFFFF) << 16);
        }
        break;
      default:
        for (int i = 0; i < n; i++) {
          out[i] = halfToFloat(b.getShort(2 * i) & 0xFFFF);
        }
        break;
    }
    return out;
  }

  /** Encodes {@code len} values from {@code off}. */
  public byte[] encode(float[] v, int off, int len) {
    ByteBuffer b = ByteBuffer.allocate(len * width).order(ByteOrder.LITTLE_ENDIAN);
    switch (this) {
      case F32:
        b.asFloatBuffer().put(v, off, len);
        break;
      case BF16:
        for (int i = 0; i < len; i++) {
          b.putShort(2 * i, (short) (Float.floatToIntBits(FloatFormat.BF16.round(v[off + i])) >>> 16));
        }
        break;
      default:
        for (int i = 0; i < len; i++) {
          b.putShort(2 * i, (short) floatToHalf(v[off + i]));
        }
        break;
    }
    return b.array();
  }

  /** IEEE binary16 bits to float (exact). */
  static float halfToFloat(int h) {
    int sign = (h >>> 15) << 31;
    int exp = (h >>> 10) & 0x1F;
    int man = h & 0x3FF;
    if (exp == 0x1F) {
      return Float.intBitsToFloat(sign | 0x7F800000 | (man << 13)); // ∞ or NaN (payload kept)
    }
    float magnitude = exp == 0 ? man * 0x1p-24f : (1024 + man) * (float) Math.scalb(1.0, exp - 25);
    return Float.intBitsToFloat(sign | Float.floatToRawIntBits(magnitude));
  }

  /** Float to IEEE binary16 bits, rounded to nearest even. */
  static int floatToHalf(float f) {
    int sign = (Float.floatToRawIntBits(f) >>> 16) & 0x8000;
    if (Float.isNaN(f)) {
      return sign | 0x7E00;
    }
    float r = Math.abs(FloatFormat.FP16.round(f));
    if (r == Float.POSITIVE_INFINITY) {
      return sign | 0x7C00;
    }
    if (r < 0x1p-14f) {
      return sign | (int) (r * 0x1p24f); // subnormal: an exact multiple of 2^-24
    }
    int e = Math.getExponent(r);
    int man = (int) (r * (float) Math.scalb(1.0, 10 - e)) - 1024;
    return sign | ((e + 15) << 10) | man;
  }
}

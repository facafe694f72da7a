package io.ablate.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ablate.encoding.Dtype;
import io.ablate.expr.Expr;
import io.ablate.expr.GpuExpansion;
import io.ablate.expr.Interpreter;
import io.ablate.precision.FloatFormat;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The integer arithmetic the GPU forms build their values from, checked on the CPU through its
 * step-for-step twins: half-precision decoding of every half and encoding of a million floats
 * against Ablate's own codec; exact powers of two against {@link Math#scalb} over the whole double
 * range; and rounding to float32 in float64 (the GPU's emulation) against Java's own cast.
 */
class GpuArithmeticTest {
  private static float decodeHalf(int h) {
    byte[] b = ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) h).array();
    return Dtype.F16.decode(b)[0];
  }

  private static int encodeHalf(float f) {
    byte[] b = Dtype.F16.encode(new float[] {f}, 0, 1);
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xFFFF;
  }

  @Test
  void everyHalfDecodesAsTheCodecDecodesIt() {
    for (int h = 0; h < 0x10000; h++) {
      assertEquals(Float.floatToRawIntBits(decodeHalf(h)), Float.floatToRawIntBits(
          Half.toFloatBits(h)), "half 0x" + Integer.toHexString(h));
    }
  }

  @Test
  void floatsEncodeToHalvesAsTheCodecEncodesThem() {
    SplittableRandom r = new SplittableRandom(1);
    float[] edges = {0f, -0f, Float.MIN_VALUE, 0x1p-24f, 0x1p-25f, 0x1.8p-25f, 0x1p-14f,
        0x1.ffcp-15f, 65504f, 65519.99f, 65520f, 65536f, Float.MAX_VALUE, Float.POSITIVE_INFINITY,
        Float.NEGATIVE_INFINITY, Float.NaN, 1f, 1.0009766f, 1.0004883f, 2049f, 2051f, -3.14159f};
    for (float f : edges) {
      for (float s : new float[] {f, -f}) {
        assertEquals(encodeHalf(s), Half.fromFloatBits(s), "float " + s);
      }
    }
    for (int i = 0; i < 1_000_000; i++) {
      // Random bit patterns over every exponent, and values in the half range.
      float f = i % 2 == 0 ? Float.intBitsToFloat(r.nextInt())
          : (float) (r.nextGaussian() * Math.scalb(1.0, r.nextInt(-26, 17)));
      if (!Float.isNaN(f)) {
        assertEquals(encodeHalf(f), Half.fromFloatBits(f), "float " + f);
      }
    }
    assertEquals(0x7E00, Half.fromFloatBits(Float.NaN) & 0x7FFF);
  }

  @Test
  void powersOfTwoAreExactOverTheWholeDoubleRange() {
    for (long k = -1100; k <= 1100; k++) {
      assertEquals(Double.doubleToRawLongBits(Math.scalb(1.0, (int) k)),
          CudfLowering.exp2Bits(k), "2^" + k);
      assertEquals(Math.scalb(1.0, (int) k), Expr.exp2((double) k), "2^" + k);
    }
    assertTrue(Double.isNaN(Expr.exp2(Double.NaN)));
    assertEquals(0.0, Expr.exp2(Double.NEGATIVE_INFINITY));
    assertEquals(Double.POSITIVE_INFINITY, Expr.exp2(Double.POSITIVE_INFINITY));
  }

  @Test
  void roundingToFloat32InFloat64IsTheCast() {
    Interpreter.Compiled round = Interpreter.compile(
        GpuExpansion.expand(Expr.round(FloatFormat.FP32, Expr.x())));
    SplittableRandom r = new SplittableRandom(2);
    for (int i = 0; i < 200_000; i++) {
      double d = i % 2 == 0 ? Double.longBitsToDouble(r.nextLong())
          : r.nextGaussian() * Math.scalb(1.0, r.nextInt(-160, 130));
      if (Double.isNaN(d)) {
        continue;
      }
      assertEquals((double) (float) d, round.eval(d), "double " + d);
    }
  }
}

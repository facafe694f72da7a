package io.ablate.gpu;

import ai.rapids.cudf.BinaryOp;
import ai.rapids.cudf.ColumnVector;
import ai.rapids.cudf.ColumnView;
import ai.rapids.cudf.DType;
import ai.rapids.cudf.Scalar;

/**
 * IEEE half-precision bits to float32 on the GPU, with integer operations only (cuDF has no half
 * type): a normal or infinite/NaN half becomes float32 bits directly (sign, exponent rebiased by
 * 112, mantissa shifted by 13); a subnormal or zero half is its mantissa times 2<sup>−24</sup>,
 * exact in float32. Back, rounded to nearest even: NaN to the quiet half NaN, magnitudes from
 * 65520 to infinity, below 2<sup>−14</sup> to the subnormal step 2<sup>−24</sup> (rint of the value
 * times 2<sup>24</sup>), and normal magnitudes by the rounding bias on the float bits.
 * {@link #toFloatBits} and {@link #fromFloatBits} are the same arithmetic on one value, step for
 * step, so that CPU tests check it against every half and against Ablate's own encoder.
 */
public final class Half {
  private Half() {}

  /** The float32 of half bits {@code h} (0 to 65535), as {@link #toFloat} computes it. */
  public static float toFloatBits(int h) {
    int sign = (h & 0x8000) << 16;
    int exp = (h >> 10) & 0x1F;
    int mant = h & 0x3FF;
    if (exp == 0) {
      float sub = mant * 0x1p-24f;
      return sign != 0 ? -sub : sub;
    }
    int bits = exp == 31 ? sign | 0x7F80_0000 | (mant << 13) : sign | ((exp + 112) << 23)
        | (mant << 13);
    return Float.intBitsToFloat(bits);
  }

  /** Half bits (an INT32 column of 0 to 65535) as a FLOAT32 column. */
  static ColumnVector toFloat(ColumnView h) {
    try (Scalar signMask = Scalar.fromInt(0x8000);
         Scalar sixteen = Scalar.fromInt(16);
         Scalar ten = Scalar.fromInt(10);
         Scalar expMask = Scalar.fromInt(0x1F);
         Scalar mantMask = Scalar.fromInt(0x3FF);
         Scalar thirteen = Scalar.fromInt(13);
         Scalar bias = Scalar.fromInt(112);
         Scalar twentyThree = Scalar.fromInt(23);
         Scalar infExp = Scalar.fromInt(0x7F80_0000);
         Scalar thirtyOne = Scalar.fromInt(31);
         Scalar zeroExp = Scalar.fromInt(0);
         Scalar scale = Scalar.fromFloat(0x1p-24f);
         Scalar minusOne = Scalar.fromFloat(-1f);
         Scalar one = Scalar.fromFloat(1f);
         ColumnVector signBit = h.binaryOp(BinaryOp.BITWISE_AND, signMask, DType.INT32);
         ColumnVector sign = signBit.binaryOp(BinaryOp.SHIFT_LEFT, sixteen, DType.INT32);
         ColumnVector shifted = h.binaryOp(BinaryOp.SHIFT_RIGHT, ten, DType.INT32);
         ColumnVector exp = shifted.binaryOp(BinaryOp.BITWISE_AND, expMask, DType.INT32);
         ColumnVector mant = h.binaryOp(BinaryOp.BITWISE_AND, mantMask, DType.INT32);
         ColumnVector mantBits = mant.binaryOp(BinaryOp.SHIFT_LEFT, thirteen, DType.INT32);
         ColumnVector rebiased = exp.binaryOp(BinaryOp.ADD, bias, DType.INT32);
         ColumnVector expBits = rebiased.binaryOp(BinaryOp.SHIFT_LEFT, twentyThree, DType.INT32);
         ColumnVector isInfNan = exp.binaryOp(BinaryOp.EQUAL, thirtyOne, DType.BOOL8);
         ColumnVector exponent = isInfNan.ifElse(infExp, expBits);
         ColumnVector signExp = sign.binaryOp(BinaryOp.BITWISE_OR, exponent, DType.INT32);
         ColumnVector bits = signExp.binaryOp(BinaryOp.BITWISE_OR, mantBits, DType.INT32);
         ColumnView normal = bits.bitCastTo(DType.FLOAT32);
         ColumnVector mantFloat = mant.castTo(DType.FLOAT32);
         ColumnVector sub = mantFloat.binaryOp(BinaryOp.MUL, scale, DType.FLOAT32);
         ColumnVector negative = sign.binaryOp(BinaryOp.NOT_EQUAL, zeroExp, DType.BOOL8);
         ColumnVector signs = negative.ifElse(minusOne, one);
         ColumnVector signedSub = sub.binaryOp(BinaryOp.MUL, signs, DType.FLOAT32);
         ColumnVector isSub = exp.binaryOp(BinaryOp.EQUAL, zeroExp, DType.BOOL8)) {
      return isSub.ifElse(signedSub, normal);
    }
  }

  /** The half bits of {@code f}, rounded to nearest even, as {@link #fromFloat} computes them. */
  public static int fromFloatBits(float f) {
    int bits = Float.floatToRawIntBits(f);
    int sign = (bits >>> 16) & 0x8000;
    int abs = bits & 0x7FFF_FFFF;
    int sub = (int) Math.rint(Float.intBitsToFloat(abs) * 0x1p24f);
    int lsb = (abs >> 13) & 1;
    int normal = (abs + 0x0FFF + lsb - 0x3800_0000) >> 13;
    int magnitude = abs > 0x7F80_0000 ? 0x7E00 : abs >= 0x477F_F000 ? 0x7C00
        : abs < 0x3880_0000 ? sub : normal;
    return sign | magnitude;
  }

  /** FLOAT32 values as half bits, rounded to nearest even, in a UINT16 column. */
  static ColumnVector fromFloat(ColumnView floats) {
    try (Scalar signShift = Scalar.fromInt(16);
         Scalar signMask = Scalar.fromInt(0x8000);
         Scalar absMask = Scalar.fromInt(0x7FFF_FFFF);
         Scalar scale = Scalar.fromFloat(0x1p24f);
         Scalar thirteen = Scalar.fromInt(13);
         Scalar one = Scalar.fromInt(1);
         Scalar bias = Scalar.fromInt(0x0FFF - 0x3800_0000);
         Scalar nanAbove = Scalar.fromInt(0x7F80_0000);
         Scalar quietNan = Scalar.fromInt(0x7E00);
         Scalar infFrom = Scalar.fromInt(0x477F_F000);
         Scalar inf = Scalar.fromInt(0x7C00);
         Scalar subBelow = Scalar.fromInt(0x3880_0000);
         ColumnView bits = floats.bitCastTo(DType.INT32);
         ColumnVector high = bits.binaryOp(BinaryOp.SHIFT_RIGHT_UNSIGNED, signShift, DType.INT32);
         ColumnVector sign = high.binaryOp(BinaryOp.BITWISE_AND, signMask, DType.INT32);
         ColumnVector abs = bits.binaryOp(BinaryOp.BITWISE_AND, absMask, DType.INT32);
         ColumnView absFloat = abs.bitCastTo(DType.FLOAT32);
         ColumnVector scaled = absFloat.binaryOp(BinaryOp.MUL, scale, DType.FLOAT32);
         ColumnVector rounded = scaled.unaryOp(ai.rapids.cudf.UnaryOp.RINT);
         ColumnVector sub = rounded.castTo(DType.INT32);
         ColumnVector shifted = abs.binaryOp(BinaryOp.SHIFT_RIGHT, thirteen, DType.INT32);
         ColumnVector lsb = shifted.binaryOp(BinaryOp.BITWISE_AND, one, DType.INT32);
         ColumnVector biased = abs.binaryOp(BinaryOp.ADD, bias, DType.INT32);
         ColumnVector withLsb = biased.binaryOp(BinaryOp.ADD, lsb, DType.INT32);
         ColumnVector normal = withLsb.binaryOp(BinaryOp.SHIFT_RIGHT, thirteen, DType.INT32);
         ColumnVector isSub = abs.binaryOp(BinaryOp.LESS, subBelow, DType.BOOL8);
         ColumnVector finite = isSub.ifElse(sub, normal);
         ColumnVector isInf = abs.binaryOp(BinaryOp.GREATER_EQUAL, infFrom, DType.BOOL8);
         ColumnVector notNan = isInf.ifElse(inf, finite);
         ColumnVector isNan = abs.binaryOp(BinaryOp.GREATER, nanAbove, DType.BOOL8);
         ColumnVector magnitude = isNan.ifElse(quietNan, notNan);
         ColumnVector half = sign.binaryOp(BinaryOp.BITWISE_OR, magnitude, DType.INT32)) {
      return half.castTo(DType.UINT16);
    }
  }
}

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
 * exact in float32. {@link #toFloatBits} is the same arithmetic on one value, step for step, so
 * that a CPU test can check it against every half.
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
}

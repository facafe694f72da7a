package io.ablate.profile;

import ai.rapids.cudf.BinaryOp;
import ai.rapids.cudf.ColumnVector;
import ai.rapids.cudf.ColumnView;
import ai.rapids.cudf.DType;
import ai.rapids.cudf.Scalar;
import ai.rapids.cudf.SegmentedReductionAggregation;
import io.ablate.gpu.DeviceScope;
import io.ablate.gpu.GpuVectors;
import io.ablate.gpu.RowReductions;

/**
 * The GPU forms of the profile plan's functions, with cuDF: {@code ablate_value_group} (counts,
 * extremes and power sums per row) and {@code ablate_value_buckets} (each element's histogram
 * code). Elements are read as the CPU forms read them (a null element as 0). Counts and extremes
 * are the CPU form's, bit for bit (extremes compared by order keys, so −0 is below +0 as for {@link
 * Math#min}); each power sum is one float64 segmented sum of the finite values' powers, formed as
 * {@link ValueStats} forms them (x, x², x²·x, x²·x²). Intermediates are released after their last
 * use.
 */
final class GpuValueGroups {
  private static final SegmentedReductionAggregation SUM =
      SegmentedReductionAggregation.sum();

  private GpuValueGroups() {}

  /** The groups of the rows of {@code x} (array&lt;float&gt;); null rows give null. */
  static ColumnVector groups(ColumnView x) {
    try (DeviceScope s = new DeviceScope()) {
      ColumnVector xs = s.add(GpuVectors.compact(x));
      ColumnVector v = s.add(values(s, xs));
      Scalar zeroF = s.add(Scalar.fromFloat(0f));
      Scalar zeroD = s.add(Scalar.fromDouble(0.0));
      ColumnVector nan = s.add(v.isNan());
      ColumnVector inf = s.add(RowReductions.isInfinite(v));
      ColumnVector nans = s.add(RowReductions.countTrue(xs, nan));
      ColumnVector infs = s.add(RowReductions.countTrue(xs, inf));
      ColumnVector bad = s.add(nan.binaryOp(BinaryOp.LOGICAL_OR, inf, DType.BOOL8));
      s.release(nan, inf);
      ColumnVector finite = s.add(bad.not());
      s.release(bad);
      ColumnVector n = s.add(RowReductions.countTrue(xs, finite));
      ColumnVector isZero = s.add(v.binaryOp(BinaryOp.EQUAL, zeroF, DType.BOOL8));
      ColumnVector zeros = s.add(RowReductions.countTrue(xs, isZero));
      s.release(isZero);
      ColumnVector min = s.add(extreme(s, xs, v, finite, true));
      ColumnVector max = s.add(extreme(s, xs, v, finite, false));
      // Power sums of the finite values, formed as ValueStats forms them.
      ColumnVector d = s.add(v.castTo(DType.FLOAT64));
      s.release(v);
      ColumnVector s1 = s.add(RowReductions.reduceWhere(xs, finite, d, SUM, zeroD));
      ColumnVector d2 = s.add(d.binaryOp(BinaryOp.MUL, d, DType.FLOAT64));
      ColumnVector s2 = s.add(RowReductions.reduceWhere(xs, finite, d2, SUM, zeroD));
      ColumnVector d3 = s.add(d2.binaryOp(BinaryOp.MUL, d, DType.FLOAT64));
      s.release(d);
      ColumnVector s3 = s.add(RowReductions.reduceWhere(xs, finite, d3, SUM, zeroD));
      s.release(d3);
      ColumnVector d4 = s.add(d2.binaryOp(BinaryOp.MUL, d2, DType.FLOAT64));
      s.release(d2);
      ColumnVector s4 = s.add(RowReductions.reduceWhere(xs, finite, d4, SUM, zeroD));
      s.release(d4, finite);
      ColumnVector sums = s.add(ColumnVector.makeList(s1, s2, s3, s4));
      ColumnVector struct = s.add(ColumnVector.makeStruct(x.getRowCount(), n, zeros, nans, infs,
          min, max, sums));
      return struct.mergeAndSetValidity(BinaryOp.BITWISE_AND, x);
    }
  }

  /** Each element's code ({@link BucketsUdf#code}) plus {@code offset}; null for NaN, ±Inf. */
  static ColumnVector buckets(ColumnView x, int offset) {
    try (DeviceScope s = new DeviceScope()) {
      ColumnVector xs = s.add(GpuVectors.compact(x));
      ColumnVector v = s.add(values(s, xs));
      ColumnVector nan = s.add(v.isNan());
      ColumnVector inf = s.add(RowReductions.isInfinite(v));
      ColumnVector bad = s.add(nan.binaryOp(BinaryOp.LOGICAL_OR, inf, DType.BOOL8));
      s.release(nan, inf);
      ColumnView bits = s.add(v.bitCastTo(DType.INT32));
      Scalar sixteen = s.add(Scalar.fromInt(16));
      ColumnVector top = s.add(bits.binaryOp(BinaryOp.SHIFT_RIGHT_UNSIGNED, sixteen,
          DType.INT32));
      Scalar zeroI = s.add(Scalar.fromInt(0));
      ColumnVector negative = s.add(bits.binaryOp(BinaryOp.LESS, zeroI, DType.BOOL8));
      Scalar negativeZero = s.add(Scalar.fromInt(BucketsUdf.NEGATIVE_ZERO));
      Scalar positiveZero = s.add(Scalar.fromInt(BucketsUdf.POSITIVE_ZERO));
      ColumnVector zeroCode = s.add(negative.ifElse(negativeZero, positiveZero));
      s.release(negative);
      Scalar zeroF = s.add(Scalar.fromFloat(0f));
      ColumnVector isZero = s.add(v.binaryOp(BinaryOp.EQUAL, zeroF, DType.BOOL8));
      ColumnVector code = s.add(isZero.ifElse(zeroCode, top));
      s.release(isZero, zeroCode, top, bits, v);
      Scalar shift = s.add(Scalar.fromInt(offset));
      ColumnVector shifted = s.add(code.binaryOp(BinaryOp.ADD, shift, DType.INT32));
      s.release(code);
      Scalar none = s.add(Scalar.fromNull(DType.INT32));
      ColumnVector codes = s.add(bad.ifElse(none, shifted));
      s.release(bad, shifted);
      ColumnView lists = s.add(xs.replaceListChild(codes));
      return lists.copyToColumnVector();
    }
  }

  /** The elements of a compact list column as FLOAT32, a null element as 0. */
  private static ColumnVector values(DeviceScope s, ColumnVector xs) {
    ColumnView child = s.add(xs.getChildColumnView(0));
    Scalar zero = s.add(Scalar.fromFloat(0f));
    return child.replaceNulls(zero);
  }

  /** Per row, the least ({@code min}) or greatest finite value; +∞ or −∞ for none. */
  private static ColumnVector extreme(DeviceScope s, ColumnView lists, ColumnView v,
      ColumnView finite, boolean min) {
    ColumnView bits = s.add(v.bitCastTo(DType.INT32));
    ColumnVector keys = s.add(orderKeys(s, bits));
    s.release(bits);
    int none = orderKey(Float.floatToRawIntBits(
        min ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY));
    Scalar noneKey = s.add(Scalar.fromInt(none));
    ColumnVector candidates = s.add(finite.ifElse(keys, noneKey));
    s.release(keys);
    ColumnVector reduced = s.add(RowReductions.reduce(lists, candidates,
        min ? SegmentedReductionAggregation.min() : SegmentedReductionAggregation.max(),
        DType.INT32, noneKey));
    s.release(candidates);
    ColumnVector valueBits = s.add(orderKeys(s, reduced));
    s.release(reduced);
    try (ColumnView asFloat = valueBits.bitCastTo(DType.FLOAT32)) {
      return asFloat.copyToColumnVector();
    } finally {
      s.release(valueBits);
    }
  }

  /**
   * The order keys of float bits ({@link #orderKey}, an involution: applied to keys it gives the
   * bits back).
   */
  private static ColumnVector orderKeys(DeviceScope s, ColumnView bits) {
    Scalar thirtyOne = s.add(Scalar.fromInt(31));
    Scalar magnitude = s.add(Scalar.fromInt(0x7FFF_FFFF));
    ColumnVector sign = s.add(bits.binaryOp(BinaryOp.SHIFT_RIGHT, thirtyOne, DType.INT32));
    ColumnVector flip = s.add(sign.binaryOp(BinaryOp.BITWISE_AND, magnitude, DType.INT32));
    s.release(sign);
    try {
      return bits.binaryOp(BinaryOp.BITWISE_XOR, flip, DType.INT32);
    } finally {
      s.release(flip);
    }
  }

  /**
   * A float's bits as an int that orders as the float does (−0 below +0; the GPU form's step for
   * step, for its CPU test).
   */
  static int orderKey(int bits) {
    return bits ^ ((bits >> 31) & 0x7FFF_FFFF);
  }
}

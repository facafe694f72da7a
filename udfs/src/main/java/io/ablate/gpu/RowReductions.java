package io.ablate.gpu;

import ai.rapids.cudf.BinaryOp;
import ai.rapids.cudf.ColumnVector;
import ai.rapids.cudf.ColumnView;
import ai.rapids.cudf.DType;
import ai.rapids.cudf.NullPolicy;
import ai.rapids.cudf.Scalar;
import ai.rapids.cudf.SegmentedReductionAggregation;

/**
 * Per-row reductions of list columns with cuDF: a value per element, in the element order of a
 * compact list column, reduced over each row (the per-vector rows of Ablate's GPU plans).
 */
public final class RowReductions {
  private RowReductions() {}

  /** Each row's element count as INT64; 0 for a null row. */
  public static ColumnVector counts(ColumnView lists) {
    try (ColumnVector counts = lists.countElements();
         ColumnVector wide = counts.castTo(DType.INT64);
         Scalar zero = Scalar.fromLong(0)) {
      return wide.replaceNulls(zero);
    }
  }

  /**
   * {@code values} (one per element of the compact list column {@code lists}) cast to {@code type}
   * and reduced per row by {@code agg}, null elements left out; a row with nothing to reduce (null,
   * empty or all null) gives {@code empty}.
   */
  public static ColumnVector reduce(ColumnView lists, ColumnView values,
      SegmentedReductionAggregation agg, DType type, Scalar empty) {
    try (ColumnVector typed = values.castTo(type);
         ColumnView asLists = lists.replaceListChild(typed);
         ColumnVector reduced = asLists.listReduce(agg, NullPolicy.EXCLUDE, type)) {
      return reduced.replaceNulls(empty);
    }
  }

  /** Per row, the number of true elements of the BOOL8 column {@code c}. */
  public static ColumnVector countTrue(ColumnView lists, ColumnView c) {
    try (Scalar zero = Scalar.fromLong(0)) {
      return reduce(lists, c, SegmentedReductionAggregation.sum(), DType.INT64, zero);
    }
  }

  /**
   * Per row, {@code terms} reduced by {@code agg} over the elements where {@code where} holds, as
   * {@code terms}' type; {@code fill} stands for the others and for a row with none.
   */
  public static ColumnVector reduceWhere(ColumnView lists, ColumnView where, ColumnView terms,
      SegmentedReductionAggregation agg, Scalar fill) {
    try (ColumnVector t = where.ifElse(terms, fill)) {
      return reduce(lists, t, agg, terms.getType(), fill);
    }
  }

  /** Whether each value (FLOAT32 or FLOAT64) is +∞ or −∞. */
  public static ColumnVector isInfinite(ColumnView v) {
    try (Scalar inf = v.getType().equals(DType.FLOAT32)
             ? Scalar.fromFloat(Float.POSITIVE_INFINITY)
             : Scalar.fromDouble(Double.POSITIVE_INFINITY);
         ColumnVector abs = v.abs()) {
      return abs.binaryOp(BinaryOp.EQUAL, inf, DType.BOOL8);
    }
  }
}

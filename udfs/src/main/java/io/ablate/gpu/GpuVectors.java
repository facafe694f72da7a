package io.ablate.gpu;

import ai.rapids.cudf.BinaryOp;
import ai.rapids.cudf.ColumnVector;
import ai.rapids.cudf.ColumnView;
import ai.rapids.cudf.DType;
import ai.rapids.cudf.NullPolicy;
import ai.rapids.cudf.ScanAggregation;
import ai.rapids.cudf.ScanType;
import ai.rapids.cudf.Scalar;
import io.ablate.AblateException;
import io.ablate.encoding.Dtype;
import io.ablate.expr.Expr;
import java.util.Optional;

/**
 * Vector columns for the passes' GPU plans: binary vectors decoded into {@code LIST<FLOAT32>}, the
 * float64 reference over {@code LIST<FLOAT32>} vectors, and the split of {@code [gate | up]}
 * vectors. Every list is first copied compact ({@link #compact}): offsets from 0 and a child of
 * its own rows only, in a freshly allocated (aligned) buffer, whatever view it came as. Null rows
 * stay null. Inputs are never closed; intermediates are closed as soon as their last use is done.
 */
public final class GpuVectors {
  private GpuVectors() {}

  /**
   * A list column whose offsets start at 0 and whose child holds only its rows, owned by the
   * caller: the column itself (a new reference) when its offsets have one entry per row and one
   * more, as a batch's own columns do; else a compact deep copy (a sliced view's raw child and
   * offsets describe the whole column it was cut from).
   */
  public static ColumnVector compact(ColumnView list) {
    try (ColumnView offsets = list.getListOffsetsView()) {
      if (list instanceof ColumnVector owned && offsets.getRowCount() == list.getRowCount() + 1) {
        return owned.incRefCount();
      }
    }
    return list.subVector(0, (int) list.getRowCount());
  }

  /**
   * {@code LIST<UINT8>} little-endian vectors of {@code dtype} as {@code LIST<FLOAT32>}. Bad input
   * when a row's byte count is not a multiple of the dtype's width.
   */
  public static ColumnVector decode(ColumnView bytes, Dtype dtype) {
    int width = dtype.width();
    try (ColumnVector list = compact(bytes);
         ColumnVector sizes = rowSizes(list)) {
      requireMultiple(sizes, width, dtype);
      try (ColumnView child = list.getChildColumnView(0);
           ColumnVector values = decodeChild(child, dtype);
           Scalar w = Scalar.fromInt(width);
           ColumnVector counts = sizes.binaryOp(BinaryOp.DIV, w, DType.INT32);
           ColumnVector offsets = offsets(counts);
           ColumnVector lists = values.makeListFromOffsets(bytes.getRowCount(), offsets)) {
        return withValidityOf(lists, bytes);
      }
    }
  }

  /**
   * The float64 value of {@code expanded} (a GPU-native expression over one input, or gate and
   * up) over each vector of a {@code LIST<FLOAT32>} column, as {@code LIST<FLOAT64>}; gated: each
   * row is {@code [gate | up]} and the output half as long.
   */
  public static ColumnVector reference(Expr expanded, boolean gated, ColumnView list) {
    if (!gated) {
      try (ColumnVector compact = compact(list);
           ColumnView child = compact.getChildColumnView(0);
           ColumnVector values = child.copyToColumnVector();
           ColumnVector r = CudfLowering.evaluate(expanded, values);
           ColumnView replaced = compact.replaceListChild(r)) {
        return replaced.copyToColumnVector();
      }
    }
    try (Halves h = halves(list);
         ColumnView g = h.gate().getChildColumnView(0);
         ColumnView u = h.up().getChildColumnView(0);
         ColumnVector gate = g.copyToColumnVector();
         ColumnVector up = u.copyToColumnVector();
         ColumnVector r = CudfLowering.evaluate(expanded, gate, up);
         ColumnView replaced = h.gate().replaceListChild(r)) {
      return replaced.copyToColumnVector();
    }
  }

  /** The gate and up halves of {@code [gate | up]} vectors, as two lists with the same offsets. */
  public record Halves(ColumnVector gate, ColumnVector up) implements AutoCloseable {
    @Override
    public void close() {
      gate.close();
      up.close();
    }
  }

  /**
   * Splits {@code [gate | up]} rows into their halves. Null rows stay null (with no elements);
   * bad input when a row has an odd number of values.
   */
  public static Halves halves(ColumnView list) {
    return halves(list, 1, null);
  }

  /**
   * Splits {@code [gate | up]} rows whose values take {@code width} elements each (1 for float
   * lists; a binary dtype's byte width, with {@code dtype}, for binary vectors). Bad input when a
   * row's element count is not a multiple of 2·width.
   */
  static Halves halves(ColumnView list, int width, Dtype dtype) {
    try (ColumnVector compact = compact(list);
         ColumnVector sizes = rowSizes(compact)) {
      requireMultiple(sizes, 2 * width, dtype);
      try (Scalar two = Scalar.fromInt(2);
           ColumnVector half = sizes.binaryOp(BinaryOp.DIV, two, DType.INT32);
           Scalar zero = Scalar.fromInt(0);
           ColumnVector zeros = ColumnVector.fromScalar(zero, (int) compact.getRowCount());
           ColumnVector gateIdx = ColumnVector.sequence(zeros, half);
           ColumnVector upIdx = ColumnVector.sequence(half, half);
           ColumnVector gate = compact.segmentedGather(gateIdx);
           ColumnVector up = compact.segmentedGather(upIdx)) {
        return new Halves(withValidityOf(gate, list), withValidityOf(up, list));
      }
    }
  }

  /** Each row's element count, 0 for a null row (never null: sequences reject null sizes). */
  static ColumnVector rowSizes(ColumnView list) {
    try (ColumnVector counts = list.countElements();
         Scalar zero = Scalar.fromInt(0)) {
      return counts.replaceNulls(zero);
    }
  }

  /**
   * Bad input if a row's size is not a multiple of {@code unit} (a dtype's width, twice it for
   * gated vectors, or 2 for the halves of float lists); {@code dtype} null for float lists.
   */
  static void requireMultiple(ColumnView sizes, int unit, Dtype dtype) {
    try (Scalar u = Scalar.fromInt(unit);
         ColumnVector rest = sizes.binaryOp(BinaryOp.PMOD, u, DType.INT32);
         Scalar worst = rest.max()) {
      if (worst.isValid() && worst.getInt() != 0) {
        throw AblateException.badInput(dtype == null
            ? "a [gate | up] vector has an odd number of values"
            : "a binary vector's byte count is not a multiple of " + unit + " (dtype "
                + dtype.label() + (unit > dtype.width() ? ", gate and up halves" : "") + ")");
      }
    }
  }

  /** Offsets (rows + 1 values from 0) of lists with the given element counts. */
  static ColumnVector offsets(ColumnView counts) {
    try (ColumnVector inclusive = counts.scan(ScanAggregation.sum(), ScanType.INCLUSIVE,
            NullPolicy.EXCLUDE);
         ColumnVector zero = ColumnVector.fromInts(0)) {
      return ColumnVector.concatenate(zero, inclusive);
    }
  }

  /** {@code column} with the null rows of {@code like} (a new column). */
  static ColumnVector withValidityOf(ColumnView column, ColumnView like) {
    return column.mergeAndSetValidity(BinaryOp.BITWISE_AND, like);
  }

  /**
   * The UINT8 child of compact binary vectors as FLOAT32 values. The bytes are first copied into a
   * buffer of their own (RMM allocations are 256-byte aligned): reinterpreting a buffer in place
   * as wider values assumes an alignment cuDF does not promise, and a misaligned access is a
   * sticky CUDA error.
   */
  static ColumnVector decodeChild(ColumnView child, Dtype dtype) {
    try (ColumnVector bytes = child.copyToColumnVector()) {
      return decodeAligned(bytes, dtype);
    }
  }

  private static ColumnVector decodeAligned(ColumnVector bytes, Dtype dtype) {
    long n = bytes.getRowCount() / dtype.width();
    switch (dtype) {
      case F32:
        try (ColumnView floats = new ColumnView(DType.FLOAT32, n, Optional.of(0L),
            bytes.getData(), null)) {
          return floats.copyToColumnVector();
        }
      case BF16:
        try (ColumnView halves = new ColumnView(DType.UINT16, n, Optional.of(0L), bytes.getData(),
                null);
             ColumnVector wide = halves.castTo(DType.INT32);
             Scalar sixteen = Scalar.fromInt(16);
             ColumnVector shifted = wide.binaryOp(BinaryOp.SHIFT_LEFT, sixteen, DType.INT32);
             ColumnView floats = shifted.bitCastTo(DType.FLOAT32)) {
          return floats.copyToColumnVector();
        }
      default:
        try (ColumnView halves = new ColumnView(DType.UINT16, n, Optional.of(0L), bytes.getData(),
                null);
             ColumnVector bits = halves.castTo(DType.INT32)) {
          return Half.toFloat(bits);
        }
    }
  }
}

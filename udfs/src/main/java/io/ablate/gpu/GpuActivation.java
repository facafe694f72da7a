package io.ablate.gpu;

import ai.rapids.cudf.BinaryOp;
import ai.rapids.cudf.ColumnVector;
import ai.rapids.cudf.ColumnView;
import ai.rapids.cudf.DType;
import ai.rapids.cudf.Scalar;
import io.ablate.AblateException;
import io.ablate.encoding.ColumnKind;
import io.ablate.encoding.Dtype;
import io.ablate.expr.Expr;
import java.util.Optional;

/**
 * Applies an expanded activation expression to the column shapes the SQL functions take (see the
 * package documentation). Lists are taken compact ({@link GpuVectors#compact}: a sliced view is
 * copied, so its rows are the ones read); binary vectors are checked row by row and copied into
 * an aligned buffer before they are read as wider values; a row that is null in any argument is
 * null in the output. Inputs are never closed; the result is a new column of the input's type.
 */
public final class GpuActivation {
  private GpuActivation() {}

  /**
   * @param expanded the variant's expression after {@code GpuExpansion.expand}, over one input
   *     (elementwise) or two (gate, up)
   * @param packed for gated expressions with one vector argument: {@code [gate | up]} per row
   * @param args the data columns: one, or gate and up
   */
  public static ColumnVector apply(Expr expanded, ColumnKind kind, Dtype dtype, boolean packed,
      ColumnVector... args) {
    switch (kind) {
      case FLOAT:
        try (ColumnVector r = CudfLowering.evaluate(expanded, args)) {
          return r.castTo(DType.FLOAT32);
        }
      case DOUBLE:
        return onFloats(expanded, args);
      case FLOAT_ARRAY:
      case BINARY:
        Dtype d = kind == ColumnKind.BINARY ? dtype : null;
        if (packed) {
          try (GpuVectors.Halves h = GpuVectors.halves(args[0], d == null ? 1 : d.width(), d)) {
            return onChildren(expanded, d, h.gate(), h.up());
          }
        }
        if (args.length == 2) {
          return onPair(expanded, d, args[0], args[1]);
        }
        try (ColumnVector list = GpuVectors.compact(args[0])) {
          checkBytes(list, d);
          return onChildren(expanded, d, list);
        }
      default:
        throw new IllegalArgumentException(kind.name());
    }
  }

  /** DOUBLE columns: rounded to float32 first, like the CPU form (variants are float32 numerics). */
  private static ColumnVector onFloats(Expr expanded, ColumnVector[] args) {
    ColumnVector[] floats = new ColumnVector[args.length];
    try {
      for (int i = 0; i < args.length; i++) {
        floats[i] = args[i].castTo(DType.FLOAT32);
      }
      try (ColumnVector r = CudfLowering.evaluate(expanded, floats);
           ColumnVector f = r.castTo(DType.FLOAT32)) {
        return f.castTo(DType.FLOAT64);
      }
    } finally {
      for (ColumnVector f : floats) {
        if (f != null) {
          f.close();
        }
      }
    }
  }

  /**
   * Separate gate and up lists: a row null in either is null in both (and empty: merging the
   * validity purges a null row's elements), then their lengths must agree row by row.
   */
  private static ColumnVector onPair(Expr expanded, Dtype dtype, ColumnView gate, ColumnView up) {
    try (ColumnVector g = gate.mergeAndSetValidity(BinaryOp.BITWISE_AND, gate, up);
         ColumnVector u = up.mergeAndSetValidity(BinaryOp.BITWISE_AND, gate, up);
         ColumnVector gs = GpuVectors.compact(g);
         ColumnVector us = GpuVectors.compact(u);
         ColumnVector gSizes = GpuVectors.rowSizes(gs);
         ColumnVector uSizes = GpuVectors.rowSizes(us);
         ColumnVector differ = gSizes.binaryOp(BinaryOp.NOT_EQUAL, uSizes, DType.BOOL8);
         Scalar any = differ.any()) {
      if (any.isValid() && any.getBoolean()) {
        throw AblateException.badInput("gated activation: gate and up vectors differ in length in "
            + "some rows");
      }
      checkBytes(gs, dtype);
      return onChildren(expanded, dtype, gs, us);
    }
  }

  /** Bad input unless every binary row holds whole values of {@code dtype} (null: float lists). */
  private static void checkBytes(ColumnView list, Dtype dtype) {
    if (dtype != null) {
      try (ColumnVector sizes = GpuVectors.rowSizes(list)) {
        GpuVectors.requireMultiple(sizes, dtype.width(), dtype);
      }
    }
  }

  /**
   * Compact lists whose children line up (same offsets): the expression over the children, as
   * the child of the first list. {@code dtype} null means LIST&lt;FLOAT32&gt;, else LIST&lt;UINT8&gt;
   * vectors of that dtype.
   */
  private static ColumnVector onChildren(Expr expanded, Dtype dtype, ColumnVector... lists) {
    ColumnVector[] children = new ColumnVector[lists.length];
    try {
      for (int i = 0; i < lists.length; i++) {
        try (ColumnView child = lists[i].getChildColumnView(0)) {
          children[i] = dtype == null ? child.copyToColumnVector()
              : GpuVectors.decodeChild(child, dtype);
        }
      }
      try (ColumnVector r = CudfLowering.evaluate(expanded, children);
           ColumnVector f = r.castTo(DType.FLOAT32);
           ColumnVector newChild = dtype == null ? f.incRefCount() : encode(f, dtype);
           ColumnView replaced = lists[0].replaceListChild(newChild)) {
        return replaced.copyToColumnVector();
      }
    } finally {
      for (ColumnVector c : children) {
        if (c != null) {
          c.close();
        }
      }
    }
  }

  /**
   * FLOAT32 values as a UINT8 child of little-endian {@code dtype} values: f32 as they are, bf16
   * from values the expression already rounded to bf16 (their top 16 bits), f16 rounded to
   * nearest even from the float bits ({@link Half#fromFloat}).
   */
  private static ColumnVector encode(ColumnVector floats, Dtype dtype) {
    long n = floats.getRowCount();
    if (dtype == Dtype.F32) {
      try (ColumnView bytes = new ColumnView(DType.UINT8, n * 4, Optional.of(0L), floats.getData(),
          null)) {
        return bytes.copyToColumnVector();
      }
    }
    try (ColumnVector halves = dtype == Dtype.BF16 ? topHalves(floats) : Half.fromFloat(floats);
         ColumnView bytes = new ColumnView(DType.UINT8, n * 2, Optional.of(0L), halves.getData(),
             null)) {
      return bytes.copyToColumnVector();
    }
  }

  /** The top 16 bits of each float, as UINT16. */
  private static ColumnVector topHalves(ColumnVector floats) {
    try (ColumnView bits = floats.bitCastTo(DType.INT32);
         Scalar sixteen = Scalar.fromInt(16);
         ColumnVector high = bits.binaryOp(BinaryOp.SHIFT_RIGHT_UNSIGNED, sixteen, DType.INT32)) {
      return high.castTo(DType.UINT16);
    }
  }
}

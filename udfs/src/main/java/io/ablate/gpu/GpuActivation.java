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
 * package documentation). Inputs are never closed; the result is a new column of the input's type.
 */
public final class GpuActivation {
  private GpuActivation() {}

  /** Whether {@code kind}/{@code dtype} has a GPU form (the others run on the CPU). */
  public static boolean supports(ColumnKind kind, Dtype dtype) {
    return kind != ColumnKind.BINARY || dtype == Dtype.F32 || dtype == Dtype.BF16;
  }

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
        int width = kind == ColumnKind.BINARY ? dtype.width() : 0;
        if (packed) {
          return applyPacked(expanded, dtype, width, args[0]);
        }
        if (args.length == 2) {
          requireSameCounts(args[0], args[1]);
        }
        return applyToChildren(expanded, dtype, width, args);
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
   * Lists whose children line up (same offsets): the expression over the children, as the child of
   * the first list. {@code width} 0 means LIST&lt;FLOAT32&gt;, else LIST&lt;UINT8&gt; of that dtype.
   */
  private static ColumnVector applyToChildren(Expr expanded, Dtype dtype, int width,
      ColumnVector... lists) {
    ColumnVector[] children = new ColumnVector[lists.length];
    try {
      for (int i = 0; i < lists.length; i++) {
        try (ColumnView child = lists[i].getChildColumnView(0)) {
          children[i] = width == 0 ? child.copyToColumnVector() : decode(child, dtype);
        }
      }
      try (ColumnVector r = CudfLowering.evaluate(expanded, children);
           ColumnVector f = r.castTo(DType.FLOAT32);
           ColumnVector newChild = width == 0 ? f.incRefCount() : encode(f, dtype);
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

  /** {@code [gate | up]} per row: split with two segmented gathers, then as two lists. */
  private static ColumnVector applyPacked(Expr expanded, Dtype dtype, int width, ColumnVector list) {
    int unit = width == 0 ? 2 : 2 * width; // elements per (gate, up) value pair
    try (ColumnVector counts = list.countElements();
         Scalar unitScalar = Scalar.fromInt(unit);
         ColumnVector rest = counts.binaryOp(BinaryOp.PMOD, unitScalar, DType.INT32);
         Scalar worst = rest.max()) {
      if (worst.isValid() && worst.getInt() != 0) {
        throw AblateException.badInput("gated activation: a [gate | up] vector has %s; expected an "
            + "even number of values", width == 0 ? "an odd length" : "a byte length that is not a "
            + "multiple of " + unit);
      }
      try (Scalar two = Scalar.fromInt(2);
           ColumnVector half = counts.binaryOp(BinaryOp.DIV, two, DType.INT32);
           Scalar zero = Scalar.fromInt(0);
           ColumnVector zeros = ColumnVector.fromScalar(zero, (int) list.getRowCount());
           ColumnVector gateIdx = ColumnVector.sequence(zeros, half);
           ColumnVector upIdx = ColumnVector.sequence(half, half);
           ColumnVector gate = list.segmentedGather(gateIdx);
           ColumnVector up = list.segmentedGather(upIdx)) {
        return applyToChildren(expanded, dtype, width, gate, up);
      }
    }
  }

  private static void requireSameCounts(ColumnVector gate, ColumnVector up) {
    try (ColumnVector g = gate.countElements();
         ColumnVector u = up.countElements();
         ColumnVector differ = g.binaryOp(BinaryOp.NOT_EQUAL, u, DType.BOOL8);
         Scalar any = differ.any()) {
      if (any.isValid() && any.getBoolean()) {
        throw AblateException.badInput("gated activation: gate and up vectors differ in length in "
            + "some rows");
      }
    }
  }

  /** A UINT8 child holding little-endian f32 or bf16 values, as a FLOAT32 column. */
  private static ColumnVector decode(ColumnView bytes, Dtype dtype) {
    long n = bytes.getRowCount();
    if (n % dtype.width() != 0) {
      throw AblateException.badInput("binary vectors hold %d bytes in all, not a multiple of %d "
          + "(dtype %s)", n, dtype.width(), dtype.label());
    }
    if (dtype == Dtype.F32) {
      try (ColumnView floats = new ColumnView(DType.FLOAT32, n / 4, Optional.of(0L), bytes.getData(),
          null)) {
        return floats.copyToColumnVector();
      }
    }
    try (ColumnView halves = new ColumnView(DType.UINT16, n / 2, Optional.of(0L), bytes.getData(),
            null);
         ColumnVector wide = halves.castTo(DType.INT32);
         Scalar sixteen = Scalar.fromInt(16);
         ColumnVector shifted = wide.binaryOp(BinaryOp.SHIFT_LEFT, sixteen, DType.INT32);
         ColumnView floats = shifted.bitCastTo(DType.FLOAT32)) {
      return floats.copyToColumnVector();
    }
  }

  /** FLOAT32 values (already rounded to bf16 when the dtype is bf16) as a UINT8 child. */
  private static ColumnVector encode(ColumnVector floats, Dtype dtype) {
    long n = floats.getRowCount();
    if (dtype == Dtype.F32) {
      try (ColumnView bytes = new ColumnView(DType.UINT8, n * 4, Optional.of(0L), floats.getData(),
          null)) {
        return bytes.copyToColumnVector();
      }
    }
    try (ColumnView bits = floats.bitCastTo(DType.INT32);
         Scalar sixteen = Scalar.fromInt(16);
         ColumnVector high = bits.binaryOp(BinaryOp.SHIFT_RIGHT_UNSIGNED, sixteen, DType.INT32);
         ColumnVector halves = high.castTo(DType.UINT16);
         ColumnView bytes = new ColumnView(DType.UINT8, n * 2, Optional.of(0L), halves.getData(),
             null)) {
      return bytes.copyToColumnVector();
    }
  }
}

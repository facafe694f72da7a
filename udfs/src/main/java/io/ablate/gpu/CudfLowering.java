package io.ablate.gpu;

import ai.rapids.cudf.BinaryOp;
import ai.rapids.cudf.ColumnVector;
import ai.rapids.cudf.ColumnView;
import ai.rapids.cudf.DType;
import ai.rapids.cudf.Scalar;
import ai.rapids.cudf.Table;
import ai.rapids.cudf.ast.AstExpression;
import ai.rapids.cudf.ast.BinaryOperation;
import ai.rapids.cudf.ast.BinaryOperator;
import ai.rapids.cudf.ast.ColumnReference;
import ai.rapids.cudf.ast.CompiledExpression;
import ai.rapids.cudf.ast.Literal;
import ai.rapids.cudf.ast.UnaryOperation;
import ai.rapids.cudf.ast.UnaryOperator;
import io.ablate.expr.Expr;
import io.ablate.expr.GpuExpansion;
import java.util.ArrayList;
import java.util.List;

/**
 * Evaluates an expanded {@link Expr} (GPU-native operators and selects only) over cuDF columns, in
 * float64. Select-free subtrees become one AST each; a select evaluates its condition, both branches
 * and an {@code ifElse}, and its result joins the table the enclosing AST reads.
 */
public final class CudfLowering {
  private CudfLowering() {}

  /**
   * The expression over {@code inputs} (FLOAT32 or FLOAT64 columns of equal length, input i is
   * {@code Var(i)}), as a new FLOAT64 column. The caller owns the result; inputs are not closed.
   */
  public static ColumnVector evaluate(Expr expanded, ColumnVector... inputs) {
    if (!GpuExpansion.isGpuNative(expanded)) {
      throw new IllegalArgumentException("expand the expression first: " + expanded);
    }
    List<ColumnVector> owned = new ArrayList<>();
    try {
      List<ColumnVector> columns = new ArrayList<>(List.of(inputs));
      AstExpression ast = lower(expanded, columns, owned, new java.util.HashMap<>());
      return compute(ast, columns);
    } finally {
      owned.forEach(ColumnVector::close);
    }
  }

  private static ColumnVector compute(AstExpression ast, List<ColumnVector> columns) {
    try (Table table = new Table(columns.toArray(new ColumnVector[0]));
         CompiledExpression compiled = ast.compile()) {
      return compiled.computeColumn(table);
    }
  }

  /**
   * The AST of {@code e}; selects and let-bound values inside it are computed now and referenced as
   * columns ({@code bound} maps a let's id to its column).
   */
  private static AstExpression lower(Expr e, List<ColumnVector> columns, List<ColumnVector> owned,
      java.util.Map<Integer, Integer> bound) {
    if (e instanceof Expr.Let l) {
      ColumnVector value = compute(lower(l.value(), columns, owned, bound), columns);
      owned.add(value);
      columns.add(value);
      bound.put(l.id(), columns.size() - 1);
      return lower(l.body(), columns, owned, bound);
    } else if (e instanceof Expr.Ref r) {
      return new ColumnReference(bound.get(r.id()));
    } else if (e instanceof Expr.Var v) {
      ColumnReference ref = new ColumnReference(v.index());
      return columns.get(v.index()).getType().equals(DType.FLOAT64) ? ref
          : new UnaryOperation(UnaryOperator.CAST_TO_FLOAT64, ref);
    } else if (e instanceof Expr.Const k) {
      return Literal.ofDouble(k.value());
    } else if (e instanceof Expr.Unary u && u.fn() == Expr.Fn1.EXP2) {
      try (ColumnVector n = compute(lower(u.arg(), columns, owned, bound), columns)) {
        ColumnVector power = exp2(n);
        owned.add(power);
        columns.add(power);
        return new ColumnReference(columns.size() - 1);
      }
    } else if (e instanceof Expr.Unary u) {
      AstExpression a = lower(u.arg(), columns, owned, bound);
      if (u.fn() == Expr.Fn1.NEG) {
        return new BinaryOperation(BinaryOperator.MUL, Literal.ofDouble(-1.0), a);
      }
      return new UnaryOperation(unary(u.fn()), a);
    } else if (e instanceof Expr.Binary b) {
      return new BinaryOperation(binary(b.fn()), lower(b.left(), columns, owned, bound),
          lower(b.right(), columns, owned, bound));
    } else if (e instanceof Expr.Select s) {
      ColumnVector selected = select(s, columns, owned, bound);
      owned.add(selected);
      columns.add(selected);
      return new ColumnReference(columns.size() - 1);
    }
    throw new IllegalArgumentException("not GPU-native: " + e);
  }

  /**
   * 2<sup>n</sup> of a FLOAT64 column of whole numbers, exactly, from the bits of the result
   * ({@link #exp2Bits}, step for step), as {@link Expr#exp2} defines it; NaN for NaN.
   */
  static ColumnVector exp2(ColumnView n) {
    try (Scalar lo = Scalar.fromDouble(-1100);
         Scalar hi = Scalar.fromDouble(1100);
         Scalar zero = Scalar.fromDouble(0);
         Scalar nan = Scalar.fromDouble(Double.NaN);
         Scalar bias = Scalar.fromLong(1023);
         Scalar subBias = Scalar.fromLong(1074);
         Scalar one = Scalar.fromLong(1);
         Scalar noShift = Scalar.fromLong(0);
         Scalar maxShift = Scalar.fromLong(63);
         Scalar fiftyTwo = Scalar.fromInt(52);
         Scalar minNormal = Scalar.fromLong(-1022);
         Scalar maxNormal = Scalar.fromLong(1023);
         Scalar minSub = Scalar.fromLong(-1074);
         Scalar infBits = Scalar.fromLong(0x7FF0_0000_0000_0000L);
         Scalar zeroBits = Scalar.fromLong(0);
         ColumnVector isNan = n.isNan();
         ColumnVector finite = isNan.ifElse(zero, n);
         ColumnVector above = finite.binaryOp(BinaryOp.NULL_MAX, lo, DType.FLOAT64);
         ColumnVector clamped = above.binaryOp(BinaryOp.NULL_MIN, hi, DType.FLOAT64);
         ColumnVector k = clamped.castTo(DType.INT64);
         ColumnVector biased = k.binaryOp(BinaryOp.ADD, bias, DType.INT64);
         ColumnVector normalBits = biased.binaryOp(BinaryOp.SHIFT_LEFT, fiftyTwo, DType.INT64);
         ColumnVector shift = k.binaryOp(BinaryOp.ADD, subBias, DType.INT64);
         ColumnVector shiftLo = shift.binaryOp(BinaryOp.NULL_MAX, noShift, DType.INT64);
         ColumnVector shiftOk = shiftLo.binaryOp(BinaryOp.NULL_MIN, maxShift, DType.INT64);
         ColumnVector subBits = one.binaryOp(BinaryOp.SHIFT_LEFT, shiftOk, DType.INT64);
         ColumnVector isInf = k.binaryOp(BinaryOp.GREATER, maxNormal, DType.BOOL8);
         ColumnVector notOver = isInf.not();
         ColumnVector aboveSub = k.binaryOp(BinaryOp.GREATER_EQUAL, minSub, DType.BOOL8);
         ColumnVector isSub = aboveSub.binaryOp(BinaryOp.LOGICAL_AND, notOver, DType.BOOL8);
         ColumnVector isNormal = k.binaryOp(BinaryOp.GREATER_EQUAL, minNormal, DType.BOOL8);
         ColumnVector overOrZero = isInf.ifElse(infBits, zeroBits);
         ColumnVector subOr = isSub.ifElse(subBits, overOrZero);
         ColumnVector inRange = isNormal.binaryOp(BinaryOp.LOGICAL_AND, notOver, DType.BOOL8);
         ColumnVector bits = inRange.ifElse(normalBits, subOr);
         ColumnView power = bits.bitCastTo(DType.FLOAT64)) {
      return isNan.ifElse(nan, power);
    }
  }

  /**
   * The bits of 2<sup>k</sup>, k a whole number clamped to [−1100, 1100], as {@link #exp2}
   * computes them on the GPU (a CPU test checks them against {@link Math#scalb}).
   */
  static long exp2Bits(long k) {
    long normalBits = (k + 1023) << 52;
    long subBits = 1L << Math.min(63, Math.max(0, k + 1074));
    boolean isInf = k > 1023;
    boolean isSub = k >= -1074 && !isInf;
    long overOrZero = isInf ? 0x7FF0_0000_0000_0000L : 0;
    long subOr = isSub ? subBits : overOrZero;
    return k >= -1022 && !isInf ? normalBits : subOr;
  }

  private static ColumnVector select(Expr.Select s, List<ColumnVector> columns,
      List<ColumnVector> owned, java.util.Map<Integer, Integer> bound) {
    AstExpression cond = new BinaryOperation(compare(s.cmp()), lower(s.left(), columns, owned, bound),
        lower(s.right(), columns, owned, bound));
    AstExpression ifTrue = lower(s.ifTrue(), columns, owned, bound);
    AstExpression ifFalse = lower(s.ifFalse(), columns, owned, bound);
    try (ColumnVector c = compute(cond, columns);
         ColumnVector t = compute(ifTrue, columns);
         ColumnVector f = compute(ifFalse, columns)) {
      return c.ifElse(t, f);
    }
  }

  private static UnaryOperator unary(Expr.Fn1 fn) {
    switch (fn) {
      case ABS: return UnaryOperator.ABS;
      case EXP: return UnaryOperator.EXP;
      case LOG: return UnaryOperator.LOG;
      case TANH: return UnaryOperator.TANH;
      case SQRT: return UnaryOperator.SQRT;
      case RINT: return UnaryOperator.RINT;
      case FLOOR: return UnaryOperator.FLOOR;
      default: throw new IllegalArgumentException("no cuDF operator for " + fn);
    }
  }

  private static BinaryOperator binary(Expr.Fn2 fn) {
    switch (fn) {
      case ADD: return BinaryOperator.ADD;
      case SUB: return BinaryOperator.SUB;
      case MUL: return BinaryOperator.MUL;
      case DIV: return BinaryOperator.DIV;
      case POW: return BinaryOperator.POW;
      default: throw new IllegalArgumentException("no cuDF operator for " + fn);
    }
  }

  private static BinaryOperator compare(Expr.Cmp cmp) {
    switch (cmp) {
      case LT: return BinaryOperator.LESS;
      case LE: return BinaryOperator.LESS_EQUAL;
      case GT: return BinaryOperator.GREATER;
      case GE: return BinaryOperator.GREATER_EQUAL;
      case EQ: return BinaryOperator.EQUAL;
      case NE: return BinaryOperator.NOT_EQUAL;
      default: throw new IllegalArgumentException(cmp.name());
    }
  }
}

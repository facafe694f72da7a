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
import java.util.List;

/**
 * Evaluates an expanded {@link Expr} (GPU-native operators and selects only) over cuDF columns, in
 * float64, by running its {@link ColumnProgram}: one AST per select-free subtree, an {@code
 * ifElse} per select, exact powers of two from bits. Each intermediate column is closed right
 * after the step that reads it last, so the device memory a batch needs is the program's peak
 * ({@link ColumnProgram#cost}), not the sum of all its intermediates.
 */
public final class CudfLowering {
  /** Kernels of one exact power of two ({@link #exp2}). */
  static final int EXP2_KERNELS = 21;
  /** Bytes read and written per value by one exact power of two, its input and output included. */
  static final int EXP2_BYTES_READ = 162;
  static final int EXP2_BYTES_WRITTEN = 119;
  /** The most bytes per value its own intermediates hold at once (besides input and output). */
  static final int EXP2_PEAK_BYTES = 36;

  private CudfLowering() {}

  /**
   * The expression over {@code inputs} (FLOAT32 or FLOAT64 columns of equal length, input i is
   * {@code Var(i)}), as a new FLOAT64 column. The caller owns the result; inputs are not closed.
   */
  public static ColumnVector evaluate(Expr expanded, ColumnVector... inputs) {
    return run(ColumnProgram.of(expanded, inputs.length), inputs);
  }

  /** Runs {@code program} over {@code inputs}; each intermediate closed after its last use. */
  static ColumnVector run(ColumnProgram program, ColumnVector... inputs) {
    int total = inputs.length + program.steps().size();
    ColumnVector[] cols = new ColumnVector[total];
    System.arraycopy(inputs, 0, cols, 0, inputs.length);
    try {
      for (int s = 0; s < program.steps().size(); s++) {
        cols[program.column(s)] = step(program.steps().get(s), cols);
        for (int id : program.deadAfter(s)) {
          cols[id].close();
          cols[id] = null;
        }
      }
      ColumnVector result = cols[program.result()];
      cols[program.result()] = null;
      return result;
    } finally {
      for (int id = inputs.length; id < total; id++) {
        if (cols[id] != null) {
          cols[id].close();
        }
      }
    }
  }

  private static ColumnVector step(ColumnProgram.Step step, ColumnVector[] cols) {
    if (step instanceof ColumnProgram.IfElse s) {
      return cols[s.cond()].ifElse(cols[s.ifTrue()], cols[s.ifFalse()]);
    } else if (step instanceof ColumnProgram.Exp2 e) {
      return exp2(cols[e.n()]);
    }
    // One AST over the columns it reads, as a table of those alone.
    List<Integer> reads = ColumnProgram.reads(step);
    ColumnVector[] table = new ColumnVector[reads.size()];
    for (int i = 0; i < table.length; i++) {
      table[i] = cols[reads.get(i)];
    }
    AstExpression ast = ast(((ColumnProgram.Ast) step).node(), reads, table);
    try (Table t = new Table(table);
         CompiledExpression compiled = ast.compile()) {
      return compiled.computeColumn(t);
    }
  }

  private static AstExpression ast(ColumnProgram.Node n, List<Integer> reads,
      ColumnVector[] table) {
    if (n instanceof ColumnProgram.Col c) {
      int at = reads.indexOf(c.id());
      ColumnReference ref = new ColumnReference(at);
      return table[at].getType().equals(DType.FLOAT64) ? ref
          : new UnaryOperation(UnaryOperator.CAST_TO_FLOAT64, ref);
    } else if (n instanceof ColumnProgram.Lit l) {
      return Literal.ofDouble(l.value());
    } else if (n instanceof ColumnProgram.Un u) {
      return new UnaryOperation(unary(u.fn()), ast(u.arg(), reads, table));
    } else if (n instanceof ColumnProgram.Bin b) {
      return new BinaryOperation(binary(b.fn()), ast(b.left(), reads, table),
          ast(b.right(), reads, table));
    }
    ColumnProgram.Cmp c = (ColumnProgram.Cmp) n;
    return new BinaryOperation(compare(c.cmp()), ast(c.left(), reads, table),
        ast(c.right(), reads, table));
  }

  /**
   * 2<sup>n</sup> of a FLOAT64 column of whole numbers, exactly, from the bits of the result
   * ({@link #exp2Bits}, step for step), as {@link Expr#exp2} defines it; NaN for NaN.
   */
  static ColumnVector exp2(ColumnView n) {
    try (DeviceScope s = new DeviceScope()) {
      Scalar lo = s.add(Scalar.fromDouble(-1100));
      Scalar hi = s.add(Scalar.fromDouble(1100));
      Scalar zero = s.add(Scalar.fromDouble(0));
      Scalar nan = s.add(Scalar.fromDouble(Double.NaN));
      Scalar bias = s.add(Scalar.fromLong(1023));
      Scalar subBias = s.add(Scalar.fromLong(1074));
      Scalar one = s.add(Scalar.fromLong(1));
      Scalar noShift = s.add(Scalar.fromLong(0));
      Scalar maxShift = s.add(Scalar.fromLong(63));
      Scalar fiftyTwo = s.add(Scalar.fromInt(52));
      Scalar minNormal = s.add(Scalar.fromLong(-1022));
      Scalar maxNormal = s.add(Scalar.fromLong(1023));
      Scalar minSub = s.add(Scalar.fromLong(-1074));
      Scalar infBits = s.add(Scalar.fromLong(0x7FF0_0000_0000_0000L));
      Scalar zeroBits = s.add(Scalar.fromLong(0));
      // 21 kernels; each intermediate released after its last use (EXP2_* count them).
      ColumnVector isNan = s.add(n.isNan());
      ColumnVector finite = s.add(isNan.ifElse(zero, n));
      ColumnVector above = s.add(finite.binaryOp(BinaryOp.NULL_MAX, lo, DType.FLOAT64));
      s.release(finite);
      ColumnVector clamped = s.add(above.binaryOp(BinaryOp.NULL_MIN, hi, DType.FLOAT64));
      s.release(above);
      ColumnVector k = s.add(clamped.castTo(DType.INT64));
      s.release(clamped);
      ColumnVector biased = s.add(k.binaryOp(BinaryOp.ADD, bias, DType.INT64));
      ColumnVector normalBits = s.add(biased.binaryOp(BinaryOp.SHIFT_LEFT, fiftyTwo,
          DType.INT64));
      s.release(biased);
      ColumnVector shift = s.add(k.binaryOp(BinaryOp.ADD, subBias, DType.INT64));
      ColumnVector shiftLo = s.add(shift.binaryOp(BinaryOp.NULL_MAX, noShift, DType.INT64));
      s.release(shift);
      ColumnVector shiftOk = s.add(shiftLo.binaryOp(BinaryOp.NULL_MIN, maxShift, DType.INT64));
      s.release(shiftLo);
      ColumnVector subBits = s.add(one.binaryOp(BinaryOp.SHIFT_LEFT, shiftOk, DType.INT64));
      s.release(shiftOk);
      ColumnVector isInf = s.add(k.binaryOp(BinaryOp.GREATER, maxNormal, DType.BOOL8));
      ColumnVector notOver = s.add(isInf.not());
      ColumnVector aboveSub = s.add(k.binaryOp(BinaryOp.GREATER_EQUAL, minSub, DType.BOOL8));
      ColumnVector isSub = s.add(aboveSub.binaryOp(BinaryOp.LOGICAL_AND, notOver, DType.BOOL8));
      s.release(aboveSub);
      ColumnVector isNormal = s.add(k.binaryOp(BinaryOp.GREATER_EQUAL, minNormal, DType.BOOL8));
      s.release(k);
      ColumnVector overOrZero = s.add(isInf.ifElse(infBits, zeroBits));
      s.release(isInf);
      ColumnVector subOr = s.add(isSub.ifElse(subBits, overOrZero));
      s.release(isSub, subBits, overOrZero);
      ColumnVector inRange = s.add(isNormal.binaryOp(BinaryOp.LOGICAL_AND, notOver,
          DType.BOOL8));
      s.release(isNormal, notOver);
      ColumnVector bits = s.add(inRange.ifElse(normalBits, subOr));
      s.release(inRange, normalBits, subOr);
      ColumnView power = s.add(bits.bitCastTo(DType.FLOAT64));
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

package io.ablate.gpu;

import ai.rapids.cudf.ColumnVector;
import ai.rapids.cudf.DType;
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

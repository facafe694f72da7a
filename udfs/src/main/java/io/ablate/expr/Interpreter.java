package io.ablate.expr;

import io.ablate.expr.Expr.Binary;
import io.ablate.expr.Expr.Const;
import io.ablate.expr.Expr.Round;
import io.ablate.expr.Expr.Select;
import io.ablate.expr.Expr.Unary;
import io.ablate.expr.Expr.Var;

/**
 * Evaluates an {@link Expr} in float64 with accurate primitives: the reference of every definition,
 * and (applied to an expanded tree) the CPU stand-in for its GPU form. A tree is compiled once into
 * a tree of small evaluators, so evaluating it costs a few virtual calls per node, not a walk with
 * type tests.
 */
public final class Interpreter {
  /** A compiled expression: evaluate with the inputs in order ({@code x}, or {@code gate, up}). */
  @FunctionalInterface
  public interface Compiled {
    double eval(double[] inputs);

    /** Convenience for one-input expressions. */
    default double eval(double x) {
      return eval(new double[] {x});
    }
  }

  private Interpreter() {}

  public static Compiled compile(Expr e) {
    if (e instanceof Var v) {
      int i = v.index();
      return in -> in[i];
    } else if (e instanceof Const k) {
      double value = k.value();
      return in -> value;
    } else if (e instanceof Unary u) {
      return unary(u.fn(), compile(u.arg()));
    } else if (e instanceof Binary b) {
      return binary(b.fn(), compile(b.left()), compile(b.right()));
    } else if (e instanceof Select s) {
      Compiled l = compile(s.left());
      Compiled r = compile(s.right());
      Compiled t = compile(s.ifTrue());
      Compiled f = compile(s.ifFalse());
      Expr.Cmp cmp = s.cmp();
      return in -> compare(cmp, l.eval(in), r.eval(in)) ? t.eval(in) : f.eval(in);
    } else if (e instanceof Round r) {
      Compiled a = compile(r.arg());
      io.ablate.precision.FloatFormat format = r.format();
      return in -> format.round(a.eval(in));
    }
    throw new IllegalArgumentException("unknown expression " + e);
  }

  public static boolean compare(Expr.Cmp cmp, double l, double r) {
    switch (cmp) {
      case LT: return l < r;
      case LE: return l <= r;
      case GT: return l > r;
      case GE: return l >= r;
      case EQ: return l == r;
      case NE: return l != r;
      default: throw new IllegalArgumentException(cmp.name());
    }
  }

  private static Compiled unary(Expr.Fn1 fn, Compiled a) {
    switch (fn) {
      case NEG: return in -> -a.eval(in);
      case ABS: return in -> Math.abs(a.eval(in));
      case EXP: return in -> Math.exp(a.eval(in));
      case LOG: return in -> Math.log(a.eval(in));
      case TANH: return in -> Math.tanh(a.eval(in));
      case SQRT: return in -> Math.sqrt(a.eval(in));
      case RINT: return in -> Math.rint(a.eval(in));
      case FLOOR: return in -> Math.floor(a.eval(in));
      case ERF: return in -> Erf.erf(a.eval(in));
      case ERFC: return in -> Erf.erfc(a.eval(in));
      case LOG1P: return in -> Math.log1p(a.eval(in));
      case EXPM1: return in -> Math.expm1(a.eval(in));
      default: throw new IllegalArgumentException(fn.name());
    }
  }

  private static Compiled binary(Expr.Fn2 fn, Compiled a, Compiled b) {
    switch (fn) {
      case ADD: return in -> a.eval(in) + b.eval(in);
      case SUB: return in -> a.eval(in) - b.eval(in);
      case MUL: return in -> a.eval(in) * b.eval(in);
      case DIV: return in -> a.eval(in) / b.eval(in);
      case POW: return in -> Math.pow(a.eval(in), b.eval(in));
      case MAX: return in -> Math.max(a.eval(in), b.eval(in));
      case MIN: return in -> Math.min(a.eval(in), b.eval(in));
      default: throw new IllegalArgumentException(fn.name());
    }
  }
}

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
    // Inputs first, then one slot per Let: each evaluation gets a fresh frame.
    java.util.Map<Integer, Integer> slots = new java.util.HashMap<>();
    int inputs = arity(e);
    Compiled body = compile(e, slots, inputs);
    int frameSize = inputs + slots.size();
    if (slots.isEmpty()) {
      return body;
    }
    return in -> {
      double[] frame = new double[frameSize];
      System.arraycopy(in, 0, frame, 0, Math.min(in.length, inputs));
      return body.eval(frame);
    };
  }

  /** One more than the largest input index read (0 for constants). */
  static int arity(Expr e) {
    if (e instanceof Var v) {
      return v.index() + 1;
    } else if (e instanceof Unary u) {
      return arity(u.arg());
    } else if (e instanceof Binary b) {
      return Math.max(arity(b.left()), arity(b.right()));
    } else if (e instanceof Select s) {
      return Math.max(Math.max(arity(s.left()), arity(s.right())),
          Math.max(arity(s.ifTrue()), arity(s.ifFalse())));
    } else if (e instanceof Round r) {
      return arity(r.arg());
    } else if (e instanceof Expr.Let l) {
      return Math.max(arity(l.value()), arity(l.body()));
    }
    return 0;
  }

  private static Compiled compile(Expr e, java.util.Map<Integer, Integer> slots, int inputs) {
    if (e instanceof Expr.Let l) {
      Compiled value = compile(l.value(), slots, inputs);
      int slot = inputs + slots.size();
      slots.put(l.id(), slot);
      Compiled body = compile(l.body(), slots, inputs);
      return in -> {
        in[slot] = value.eval(in);
        return body.eval(in);
      };
    } else if (e instanceof Expr.Ref r) {
      Integer slot = slots.get(r.id());
      if (slot == null) {
        throw new IllegalArgumentException("reference to an unbound value " + r);
      }
      int i = slot;
      return in -> in[i];
    } else if (e instanceof Var v) {
      int i = v.index();
      return in -> in[i];
    } else if (e instanceof Const k) {
      double value = k.value();
      return in -> value;
    } else if (e instanceof Expr.Param p) {
      throw p.unbound();
    } else if (e instanceof Unary u) {
      return unary(u.fn(), compile(u.arg(), slots, inputs));
    } else if (e instanceof Binary b) {
      return binary(b.fn(), compile(b.left(), slots, inputs), compile(b.right(), slots, inputs));
    } else if (e instanceof Select s) {
      Compiled l = compile(s.left(), slots, inputs);
      Compiled r = compile(s.right(), slots, inputs);
      Compiled t = compile(s.ifTrue(), slots, inputs);
      Compiled f = compile(s.ifFalse(), slots, inputs);
      Expr.Cmp cmp = s.cmp();
      return in -> compare(cmp, l.eval(in), r.eval(in)) ? t.eval(in) : f.eval(in);
    } else if (e instanceof Round r) {
      Compiled a = compile(r.arg(), slots, inputs);
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
      case EXP2: return in -> Expr.exp2(a.eval(in));
      case ERF: return in -> Erf.erf(a.eval(in));
      case ERFC: return in -> FastErf.erfc(a.eval(in));
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

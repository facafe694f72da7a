package io.ablate.expr;

import io.ablate.expr.Expr.Binary;
import io.ablate.expr.Expr.Const;
import io.ablate.expr.Expr.Round;
import io.ablate.expr.Expr.Select;
import io.ablate.expr.Expr.Unary;
import io.ablate.expr.Expr.Var;
import io.ablate.precision.FloatFormat;
import java.util.HashMap;
import java.util.Map;

/**
 * Evaluates an {@link Expr} in float64 over whole arrays, one node at a time: each node is one tight
 * loop over the elements (which the JIT compiles and, for arithmetic, vectorises), so a vector of
 * a thousand elements costs a handful of virtual calls instead of a few per element. The same
 * operations in the same order as {@link Interpreter}, so the results are the same bits; a
 * {@link Select} evaluates both branches over the block and picks per element (the definitions'
 * branches are pure). The float64 reference of the ablation job uses it.
 *
 * <p>Not thread-safe: a compiled block owns its intermediate buffers (grown to the largest block,
 * then reused, so evaluation does not allocate).
 */
public final class BlockInterpreter {
  private BlockInterpreter() {}

  /** A compiled expression over blocks of elements. */
  public static final class Block {
    private final Node root;
    private final int arity;

    private Block(Node root, int arity) {
      this.root = root;
      this.arity = arity;
    }

    /** How many input arrays {@link #eval} reads ({@code x}, or {@code gate, up}). */
    public int arity() {
      return arity;
    }

    /** {@code out[k] = f(inputs[0][k], inputs[1][k], ...)} for k in [0, n). */
    public void eval(double[][] inputs, double[] out, int n) {
      if (inputs.length < arity) {
        throw new IllegalArgumentException("expected " + arity + " inputs, got " + inputs.length);
      }
      // The root computes straight into out unless out is an input (erfc reads its argument
      // again after writing its output, so a node never writes over what it reads).
      boolean outIsInput = false;
      for (double[] input : inputs) {
        outIsInput |= input == out;
      }
      double[] v = root.eval(inputs, n, outIsInput ? null : out);
      if (v != out) {
        System.arraycopy(v, 0, out, 0, n);
      }
    }
  }

  public static Block compile(Expr e) {
    Map<Integer, double[][]> lets = new HashMap<>();
    return new Block(compile(e, lets), Interpreter.arity(e));
  }

  /**
   * A node returns an array whose first n elements are its values: {@code into} when it is given
   * and the node computes (the root, into the caller's array), else its own buffer or an input.
   */
  private abstract static class Node {
    private double[] buffer = new double[0];

    abstract double[] eval(double[][] in, int n, double[] into);

    final double[] eval(double[][] in, int n) {
      return eval(in, n, null);
    }

    /** Where a computing node writes: {@code into}, or its own buffer. */
    final double[] target(int n, double[] into) {
      if (into != null) {
        return into;
      }
      if (buffer.length < n) {
        buffer = new double[Math.max(n, 2 * buffer.length)];
      }
      return buffer;
    }
  }

  @FunctionalInterface
  private interface Op1 {
    void apply(double[] a, double[] out, int n);
  }

  /** {@code out[k] = (a[k] cmp b[k]) ? yes[k] : no[k]} for k in [from, n). */
  @FunctionalInterface
  interface SelectOp {
    void apply(double[] a, double[] b, double[] yes, double[] no, double[] out, int from, int n);
  }

  /** Whether {@link SelectSimd} can run (its class is only loaded then). */
  private static final boolean VECTOR = io.ablate.kernel.Simd.available();

  /** The select loop of a comparison: the vector form where there is one. */
  private static SelectOp select(Expr.Cmp cmp) {
    SelectOp scalar = scalarSelect(cmp);
    return VECTOR ? SelectSimd.select(cmp, scalar) : scalar;
  }

  /** One loop per comparison (a switch per element would cost more than the select itself). */
  static SelectOp scalarSelect(Expr.Cmp cmp) {
    switch (cmp) {
      case LT: return (a, b, y, f, o, from, n) -> { for (int k = from; k < n; k++) { o[k] = a[k] < b[k] ? y[k] : f[k]; } };
      case LE: return (a, b, y, f, o, from, n) -> { for (int k = from; k < n; k++) { o[k] = a[k] <= b[k] ? y[k] : f[k]; } };
      case GT: return (a, b, y, f, o, from, n) -> { for (int k = from; k < n; k++) { o[k] = a[k] > b[k] ? y[k] : f[k]; } };
      case GE: return (a, b, y, f, o, from, n) -> { for (int k = from; k < n; k++) { o[k] = a[k] >= b[k] ? y[k] : f[k]; } };
      case EQ: return (a, b, y, f, o, from, n) -> { for (int k = from; k < n; k++) { o[k] = a[k] == b[k] ? y[k] : f[k]; } };
      case NE: return (a, b, y, f, o, from, n) -> { for (int k = from; k < n; k++) { o[k] = a[k] != b[k] ? y[k] : f[k]; } };
      default: throw new IllegalArgumentException(cmp.name());
    }
  }

  @FunctionalInterface
  private interface Op2 {
    void apply(double[] a, double[] b, double[] out, int n);
  }

  private static Node compile(Expr e, Map<Integer, double[][]> lets) {
    if (e instanceof Expr.Param p) {
      throw p.unbound();
    } else if (e instanceof Var v) {
      int i = v.index();
      return new Node() {
        @Override
        double[] eval(double[][] in, int n, double[] into) {
          return in[i];
        }
      };
    } else if (e instanceof Const k) {
      double value = k.value();
      return new Node() {
        /** Elements of the buffer already holding the value: filled once, not per block. */
        private int filled;

        @Override
        double[] eval(double[][] in, int n, double[] into) {
          double[] out = target(n, null); // its own buffer, filled once
          if (filled < n) {
            java.util.Arrays.fill(out, value); // the whole buffer (it may have been reallocated)
            filled = out.length;
          }
          return out;
        }
      };
    } else if (e instanceof Expr.Let l) {
      Node value = compile(l.value(), lets);
      // A one-element holder the Refs of this Let read the value's array from.
      double[][] holder = new double[1][];
      lets.put(l.id(), holder);
      Node body = compile(l.body(), lets);
      return new Node() {
        @Override
        double[] eval(double[][] in, int n, double[] into) {
          holder[0] = value.eval(in, n);
          return body.eval(in, n, into);
        }
      };
    } else if (e instanceof Expr.Ref r) {
      double[][] holder = lets.get(r.id());
      if (holder == null) {
        throw new IllegalArgumentException("reference to an unbound value " + r);
      }
      return new Node() {
        @Override
        double[] eval(double[][] in, int n, double[] into) {
          return holder[0];
        }
      };
    } else if (e instanceof Unary u) {
      return unaryNode(compile(u.arg(), lets), unary(u.fn()));
    } else if (e instanceof Binary b) {
      // With a constant operand, the loop takes it as a scalar: one array fewer to read per node.
      if (b.right() instanceof Const k && withConstant(b.fn(), k.value(), false) != null) {
        return unaryNode(compile(b.left(), lets), withConstant(b.fn(), k.value(), false));
      }
      if (b.left() instanceof Const k && withConstant(b.fn(), k.value(), true) != null) {
        return unaryNode(compile(b.right(), lets), withConstant(b.fn(), k.value(), true));
      }
      Node l = compile(b.left(), lets);
      Node r = compile(b.right(), lets);
      Op2 op = binary(b.fn());
      return new Node() {
        @Override
        double[] eval(double[][] in, int n, double[] into) {
          double[] x = l.eval(in, n);
          double[] y = r.eval(in, n);
          double[] out = target(n, into);
          op.apply(x, y, out, n);
          return out;
        }
      };
    } else if (e instanceof Select s) {
      Node l = compile(s.left(), lets);
      Node r = compile(s.right(), lets);
      Node t = compile(s.ifTrue(), lets);
      Node f = compile(s.ifFalse(), lets);
      SelectOp op = select(s.cmp());
      return new Node() {
        @Override
        double[] eval(double[][] in, int n, double[] into) {
          double[] out = target(n, into);
          op.apply(l.eval(in, n), r.eval(in, n), t.eval(in, n), f.eval(in, n), out, 0, n);
          return out;
        }
      };
    } else if (e instanceof Round rd) {
      Node a = compile(rd.arg(), lets);
      FloatFormat format = rd.format();
      return new Node() {
        @Override
        double[] eval(double[][] in, int n, double[] into) {
          double[] x = a.eval(in, n);
          double[] out = target(n, into);
          for (int k = 0; k < n; k++) {
            out[k] = format.round(x[k]);
          }
          return out;
        }
      };
    }
    throw new IllegalArgumentException("unknown expression " + e);
  }

  /** A node applying {@code op} to the values of {@code a}. */
  private static Node unaryNode(Node a, Op1 op) {
    return new Node() {
      @Override
      double[] eval(double[][] in, int n, double[] into) {
        double[] x = a.eval(in, n);
        double[] out = target(n, into);
        op.apply(x, out, n);
        return out;
      }
    };
  }

  /**
   * The arithmetic operation {@code fn} with one operand the constant {@code c} (on the left when
   * {@code constLeft}), operands in the expression's order: the same bits as {@link #binary}.
   * Null for the other operations (they keep the general loop).
   */
  private static Op1 withConstant(Expr.Fn2 fn, double c, boolean constLeft) {
    switch (fn) {
      case ADD: return constLeft
          ? (a, o, n) -> { for (int k = 0; k < n; k++) { o[k] = c + a[k]; } }
          : (a, o, n) -> { for (int k = 0; k < n; k++) { o[k] = a[k] + c; } };
      case SUB: return constLeft
          ? (a, o, n) -> { for (int k = 0; k < n; k++) { o[k] = c - a[k]; } }
          : (a, o, n) -> { for (int k = 0; k < n; k++) { o[k] = a[k] - c; } };
      case MUL: return constLeft
          ? (a, o, n) -> { for (int k = 0; k < n; k++) { o[k] = c * a[k]; } }
          : (a, o, n) -> { for (int k = 0; k < n; k++) { o[k] = a[k] * c; } };
      case DIV: return constLeft
          ? (a, o, n) -> { for (int k = 0; k < n; k++) { o[k] = c / a[k]; } }
          : (a, o, n) -> { for (int k = 0; k < n; k++) { o[k] = a[k] / c; } };
      default: return null;
    }
  }

  private static Op1 unary(Expr.Fn1 fn) {
    switch (fn) {
      case NEG: return (a, o, n) -> { for (int k = 0; k < n; k++) { o[k] = -a[k]; } };
      case ABS: return (a, o, n) -> { for (int k = 0; k < n; k++) { o[k] = Math.abs(a[k]); } };
      case EXP: return (a, o, n) -> { for (int k = 0; k < n; k++) { o[k] = Math.exp(a[k]); } };
      case LOG: return (a, o, n) -> { for (int k = 0; k < n; k++) { o[k] = Math.log(a[k]); } };
      case TANH: return (a, o, n) -> { for (int k = 0; k < n; k++) { o[k] = Math.tanh(a[k]); } };
      case SQRT: return (a, o, n) -> { for (int k = 0; k < n; k++) { o[k] = Math.sqrt(a[k]); } };
      case RINT: return (a, o, n) -> { for (int k = 0; k < n; k++) { o[k] = Math.rint(a[k]); } };
      case FLOOR: return (a, o, n) -> { for (int k = 0; k < n; k++) { o[k] = Math.floor(a[k]); } };
      case EXP2: return (a, o, n) -> { for (int k = 0; k < n; k++) { o[k] = Expr.exp2(a[k]); } };
      case ERF: return (a, o, n) -> { for (int k = 0; k < n; k++) { o[k] = Erf.erf(a[k]); } };
      case ERFC: return FastErf::erfc;
      case LOG1P: return (a, o, n) -> { for (int k = 0; k < n; k++) { o[k] = Math.log1p(a[k]); } };
      case EXPM1: return (a, o, n) -> { for (int k = 0; k < n; k++) { o[k] = Math.expm1(a[k]); } };
      default: throw new IllegalArgumentException(fn.name());
    }
  }

  private static Op2 binary(Expr.Fn2 fn) {
    switch (fn) {
      case ADD: return (a, b, o, n) -> { for (int k = 0; k < n; k++) { o[k] = a[k] + b[k]; } };
      case SUB: return (a, b, o, n) -> { for (int k = 0; k < n; k++) { o[k] = a[k] - b[k]; } };
      case MUL: return (a, b, o, n) -> { for (int k = 0; k < n; k++) { o[k] = a[k] * b[k]; } };
      case DIV: return (a, b, o, n) -> { for (int k = 0; k < n; k++) { o[k] = a[k] / b[k]; } };
      case POW: return (a, b, o, n) -> {
        for (int k = 0; k < n; k++) {
          o[k] = Math.pow(a[k], b[k]);
        }
      };
      case MAX: return (a, b, o, n) -> {
        for (int k = 0; k < n; k++) {
          o[k] = Math.max(a[k], b[k]);
        }
      };
      case MIN: return (a, b, o, n) -> {
        for (int k = 0; k < n; k++) {
          o[k] = Math.min(a[k], b[k]);
        }
      };
      default: throw new IllegalArgumentException(fn.name());
    }
  }
}

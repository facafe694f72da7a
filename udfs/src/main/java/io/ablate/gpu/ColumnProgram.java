package io.ablate.gpu;

import io.ablate.expr.Expr;
import io.ablate.expr.GpuExpansion;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An expanded {@link Expr} as the column steps that evaluate it on the GPU, in order, with the
 * step after which each intermediate column is last read: {@link CudfLowering} runs the steps
 * with cuDF and closes each intermediate there, so that a long expression does not hold every
 * intermediate until its end. Pure Java: its structure, its liveness and its cost per value are
 * checked on the CPU ({@link #evaluate} runs the same steps over double arrays).
 *
 * <p>Columns are numbered: the inputs first ({@code 0 .. inputs-1}), then one per step. A step
 * is one AST (a select-free subtree, one cuDF kernel), an {@code ifElse} of three earlier
 * columns (a select: its condition, both branches), or an exact power of two ({@link
 * CudfLowering#exp2}).
 */
public final class ColumnProgram {
  /** A node of a step's AST. */
  public sealed interface Node permits Col, Lit, Un, Bin, Cmp {}

  /** Column {@code id} (an input, or an earlier step's result). */
  public record Col(int id) implements Node {}

  public record Lit(double value) implements Node {}

  /** A GPU-native function of one argument ({@code NEG} is lowered to a product with −1). */
  public record Un(Expr.Fn1 fn, Node arg) implements Node {}

  public record Bin(Expr.Fn2 fn, Node left, Node right) implements Node {}

  /** A comparison: the AST of a select's condition (a BOOL8 column). */
  public record Cmp(Expr.Cmp cmp, Node left, Node right) implements Node {}

  /** A step: its result is the next column. */
  public sealed interface Step permits Ast, IfElse, Exp2 {}

  /** One AST over earlier columns: FLOAT64, or BOOL8 for a comparison. */
  public record Ast(Node node) implements Step {}

  /** {@code cond ? ifTrue : ifFalse}, elementwise, of three earlier columns. */
  public record IfElse(int cond, int ifTrue, int ifFalse) implements Step {}

  /** 2<sup>n</sup> of an earlier column of whole numbers, exactly ({@link Expr#exp2}). */
  public record Exp2(int n) implements Step {}

  private final int inputs;
  private final List<Step> steps;
  private final int result;
  private final int[] lastUse;

  private ColumnProgram(int inputs, List<Step> steps, int result) {
    this.inputs = inputs;
    this.steps = List.copyOf(steps);
    this.result = result;
    this.lastUse = new int[inputs + steps.size()];
    java.util.Arrays.fill(lastUse, -1);
    for (int s = 0; s < steps.size(); s++) {
      for (int id : reads(steps.get(s))) {
        lastUse[id] = s;
      }
    }
  }

  /** The program of {@code expanded} (GPU-native nodes only) over {@code inputs} columns. */
  public static ColumnProgram of(Expr expanded, int inputs) {
    if (!GpuExpansion.isGpuNative(expanded)) {
      throw new IllegalArgumentException("expand the expression first: " + expanded);
    }
    Builder b = new Builder(inputs);
    Node root = b.lower(expanded);
    int result;
    if (root instanceof Col c && c.id() >= inputs) {
      result = c.id();
    } else {
      result = b.emit(new Ast(root));
    }
    return new ColumnProgram(inputs, b.steps, result);
  }

  public int inputs() {
    return inputs;
  }

  public List<Step> steps() {
    return steps;
  }

  /** The column that holds the result. */
  public int result() {
    return result;
  }

  /** The column a step writes. */
  public int column(int step) {
    return inputs + step;
  }

  /** The intermediates last read by step {@code s}: closed right after it (never the result). */
  public List<Integer> deadAfter(int s) {
    List<Integer> out = new ArrayList<>();
    for (int id = inputs; id < lastUse.length; id++) {
      if (lastUse[id] == s && id != result) {
        out.add(id);
      }
    }
    return out;
  }

  /** The columns a step reads, each once, in order of first reference. */
  public static List<Integer> reads(Step step) {
    List<Integer> out = new ArrayList<>();
    if (step instanceof Ast a) {
      collect(a.node(), out);
    } else if (step instanceof IfElse s) {
      for (int id : new int[] {s.cond(), s.ifTrue(), s.ifFalse()}) {
        if (!out.contains(id)) {
          out.add(id);
        }
      }
    } else if (step instanceof Exp2 e) {
      out.add(e.n());
    }
    return out;
  }

  private static void collect(Node n, List<Integer> out) {
    if (n instanceof Col c) {
      if (!out.contains(c.id())) {
        out.add(c.id());
      }
    } else if (n instanceof Un u) {
      collect(u.arg(), out);
    } else if (n instanceof Bin b) {
      collect(b.left(), out);
      collect(b.right(), out);
    } else if (n instanceof Cmp c) {
      collect(c.left(), out);
      collect(c.right(), out);
    }
  }

  /** Whether a step writes a BOOL8 column (a select's condition). */
  public static boolean isBool(Step step) {
    return step instanceof Ast a && a.node() instanceof Cmp;
  }

  /**
   * The work of the program per value of its input columns, on paper: kernels launched, bytes read
   * and written, and the most bytes of columns alive at once (the inputs, of {@code inputBytes}
   * each, included). FLOAT64 intermediates are 8 bytes, conditions 1; an exact power of two is
   * {@link CudfLowering#EXP2_KERNELS} kernels of its own whose intermediates {@link
   * CudfLowering#EXP2_PEAK_BYTES} adds at most while it runs.
   */
  public record Cost(int kernels, long bytesRead, long bytesWritten, long peakBytes) {}

  public Cost cost(int inputBytes) {
    long[] width = new long[inputs + steps.size()];
    java.util.Arrays.fill(width, 0, inputs, inputBytes);
    int kernels = 0;
    long read = 0;
    long written = 0;
    long live = (long) inputs * inputBytes;
    long peak = live;
    for (int s = 0; s < steps.size(); s++) {
      Step step = steps.get(s);
      width[column(s)] = isBool(step) ? 1 : 8;
      for (int id : reads(step)) {
        read += width[id];
      }
      long extra = 0;
      if (step instanceof Exp2) {
        kernels += CudfLowering.EXP2_KERNELS;
        read += CudfLowering.EXP2_BYTES_READ - 8;
        written += CudfLowering.EXP2_BYTES_WRITTEN - 8;
        extra = CudfLowering.EXP2_PEAK_BYTES;
      } else {
        kernels++;
      }
      written += width[column(s)];
      live += width[column(s)];
      peak = Math.max(peak, live + extra);
      for (int id : deadAfter(s)) {
        live -= width[id];
      }
    }
    return new Cost(kernels, read, written, peak);
  }

  /**
   * Runs the steps over double arrays as the GPU runs them over columns (the same order, the same
   * operations, Java's math for cuDF's), dropping each intermediate after its last use; a step
   * that read a dropped column would fail. For tests of the lowering on the CPU.
   */
  public double[] evaluate(double[]... in) {
    int n = in.length == 0 ? 0 : in[0].length;
    double[][] cols = new double[inputs + steps.size()][];
    System.arraycopy(in, 0, cols, 0, inputs);
    for (int s = 0; s < steps.size(); s++) {
      Step step = steps.get(s);
      double[] out = new double[n];
      for (int i = 0; i < n; i++) {
        out[i] = evaluate(step, cols, i);
      }
      cols[column(s)] = out;
      for (int id : deadAfter(s)) {
        cols[id] = null;
      }
    }
    return cols[result];
  }

  private static double evaluate(Step step, double[][] cols, int i) {
    if (step instanceof Ast a) {
      return evaluate(a.node(), cols, i);
    } else if (step instanceof IfElse s) {
      return cols[s.cond()][i] != 0 ? cols[s.ifTrue()][i] : cols[s.ifFalse()][i];
    }
    return Expr.exp2(cols[((Exp2) step).n()][i]);
  }

  private static double evaluate(Node node, double[][] cols, int i) {
    if (node instanceof Col c) {
      return cols[c.id()][i];
    } else if (node instanceof Lit l) {
      return l.value();
    } else if (node instanceof Un u) {
      double a = evaluate(u.arg(), cols, i);
      switch (u.fn()) {
        case ABS: return Math.abs(a);
        case EXP: return Math.exp(a);
        case LOG: return Math.log(a);
        case TANH: return Math.tanh(a);
        case SQRT: return Math.sqrt(a);
        case RINT: return Math.rint(a);
        case FLOOR: return Math.floor(a);
        default: throw new IllegalArgumentException(u.fn().name());
      }
    } else if (node instanceof Bin b) {
      double l = evaluate(b.left(), cols, i);
      double r = evaluate(b.right(), cols, i);
      switch (b.fn()) {
        case ADD: return l + r;
        case SUB: return l - r;
        case MUL: return l * r;
        case DIV: return l / r;
        case POW: return Math.pow(l, r);
        default: throw new IllegalArgumentException(b.fn().name());
      }
    }
    Cmp c = (Cmp) node;
    double l = evaluate(c.left(), cols, i);
    double r = evaluate(c.right(), cols, i);
    boolean t;
    switch (c.cmp()) {
      case LT: t = l < r; break;
      case LE: t = l <= r; break;
      case GT: t = l > r; break;
      case GE: t = l >= r; break;
      case EQ: t = l == r; break;
      default: t = l != r; break;
    }
    return t ? 1 : 0;
  }

  /** Lowers an expression tree into steps, depth first, as the GPU will run them. */
  private static final class Builder {
    final int inputs;
    final List<Step> steps = new ArrayList<>();
    final Map<Integer, Integer> bound = new HashMap<>();

    Builder(int inputs) {
      this.inputs = inputs;
    }

    int emit(Step step) {
      steps.add(step);
      return inputs + steps.size() - 1;
    }

    /**
     * The node as a FLOAT64 column: a step's result as it is; anything else (inputs too, which
     * may be FLOAT32) computed by an AST of its own.
     */
    int materialise(Node n) {
      return n instanceof Col c && c.id() >= inputs ? c.id() : emit(new Ast(n));
    }

    Node lower(Expr e) {
      if (e instanceof Expr.Let l) {
        bound.put(l.id(), materialise(lower(l.value())));
        return lower(l.body());
      } else if (e instanceof Expr.Ref r) {
        Integer id = bound.get(r.id());
        if (id == null) {
          throw new IllegalArgumentException("reference to an unbound value " + r);
        }
        return new Col(id);
      } else if (e instanceof Expr.Var v) {
        if (v.index() >= inputs) {
          throw new IllegalArgumentException("input " + v.index() + " of " + inputs);
        }
        return new Col(v.index());
      } else if (e instanceof Expr.Const k) {
        return new Lit(k.value());
      } else if (e instanceof Expr.Param p) {
        throw p.unbound();
      } else if (e instanceof Expr.Unary u && u.fn() == Expr.Fn1.EXP2) {
        return new Col(emit(new Exp2(materialise(lower(u.arg())))));
      } else if (e instanceof Expr.Unary u && u.fn() == Expr.Fn1.NEG) {
        return new Bin(Expr.Fn2.MUL, new Lit(-1.0), lower(u.arg()));
      } else if (e instanceof Expr.Unary u) {
        return new Un(u.fn(), lower(u.arg()));
      } else if (e instanceof Expr.Binary b) {
        Node left = lower(b.left());
        return new Bin(b.fn(), left, lower(b.right()));
      } else if (e instanceof Expr.Select s) {
        Node left = lower(s.left());
        int cond = emit(new Ast(new Cmp(s.cmp(), left, lower(s.right()))));
        int ifTrue = materialise(lower(s.ifTrue()));
        int ifFalse = materialise(lower(s.ifFalse()));
        return new Col(emit(new IfElse(cond, ifTrue, ifFalse)));
      }
      throw new IllegalArgumentException("not GPU-native: " + e);
    }
  }
}

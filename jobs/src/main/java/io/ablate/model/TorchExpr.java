package io.ablate.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import io.ablate.activation.Variant;
import io.ablate.expr.Expr;
import io.ablate.precision.FloatFormat;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An {@link Expr} as PyTorch operations that autograd differentiates: training computes an
 * activation from the catalogue's one definition, not from a second transcription of it.
 *
 * <p><b>Values.</b> The tree is evaluated in its inputs' type: float32 in training, like the rest of
 * the model (within the variant's float32 bound, as the CPU kernels are); float64 gives the
 * reference's values ({@code Interpreter}) up to the error of PyTorch's float64 primitives (a few
 * double ulps) and of the identities below.
 *
 * <p><b>Operators.</b> Each maps to the PyTorch operation of the same name (neg, abs, exp, log,
 * tanh, sqrt, erf, add, sub, mul, div, pow; max and min to {@code maximum}/{@code minimum}, which
 * propagate NaN like {@code Math.max}; comparisons, false with NaN). DJL has no erfc, log1p or
 * expm1: erfc is 1 − erf (absolute error of one ulp of 1, so relative accuracy is lost where erfc
 * is tiny, in GELU's left tail, where it matters only as an absolute error); log1p and expm1 are
 * Kahan's identities, {@code log(u)·a/(u − 1)} with u = 1 + a and {@code (u − 1)·a/log(u)} with u =
 * e<sup>a</sup> (a where u rounds to 1), accurate to a few ulps in either type. {@code Let} values
 * are computed once.
 *
 * <p><b>Selects</b> are {@code where(condition, ifTrue, ifFalse)}. A branch is computed everywhere,
 * also where it is not taken, and there its value may be infinite (the gated form's
 * {@code up · (1/f)} where {@code f} underflows, elu's e<sup>x</sup> − 1 at large x): autograd would
 * multiply the zero gradient of the branch not taken by an infinite derivative, which is NaN. Each
 * branch therefore reads its inputs through {@code where(condition, v, stopGradient(v))}, which
 * passes no gradient, NaN or not, where the branch is not taken. A condition that is the same
 * everywhere lowers only the branch taken.
 *
 * <p><b>Rounding</b> ({@code Round}: the precision variants' formats; {@code rint} and
 * {@code floor}: int8's quantisation) is <b>straight-through</b>: the forward value is the exact
 * rounding (a format's by {@link FloatFormat}'s own rounding, on the host, as the CPU kernels round
 * float32 arrays; PyTorch's {@code round}, ties to even, and {@code floor}), the gradient that of the
 * identity (zero where the argument is not finite). So int8's {@code clamp(rint(x/s))·s} has
 * gradient 1 inside the clamp and 0 outside it.
 *
 * <p><b>Parameters.</b> A symbolic definition ({@link #learnable}) reads its parameters as
 * {@link Expr.Param}s; {@link #apply(Map, NDArray...)} binds each name to a 1-D tensor of its values
 * (one per list item), whose gradient training computes.
 */
public final class TorchExpr {
  /** The argument of the log1p and expm1 identities. */
  private static final Expr.Ref ARG = new Expr.Ref(Expr.LET_IDS.incrementAndGet());
  private static final Expr LOG1P = Expr.let(Expr.add(Expr.c(1), ARG), u ->
      Expr.select(u, Expr.Cmp.EQ, Expr.c(1), ARG,
          Expr.select(u, Expr.Cmp.EQ, Expr.c(Double.POSITIVE_INFINITY), u,
              Expr.mul(Expr.log(u), Expr.div(ARG, Expr.sub(u, Expr.c(1)))))));
  private static final Expr EXPM1 = Expr.let(Expr.exp(ARG), u ->
      Expr.select(u, Expr.Cmp.EQ, Expr.c(1), ARG,
          Expr.select(u, Expr.Cmp.EQ, Expr.c(Double.POSITIVE_INFINITY), u,
              Expr.let(Expr.sub(u, Expr.c(1)), m ->
                  Expr.select(m, Expr.Cmp.EQ, Expr.c(-1), m,
                      Expr.mul(m, Expr.div(ARG, Expr.log(u))))))));
  /** {@link Expr#exp2(double)} clamps its argument here: 2^±1100 is 0 or ∞ in double. */
  private static final double EXP2_LIMIT = 1100;

  private final Expr expr;

  public TorchExpr(Expr expr) {
    this.expr = Objects.requireNonNull(expr);
  }

  /** The whole variant (its precision included), parameters as constants. */
  public static TorchExpr of(Variant v) {
    return new TorchExpr(v.expression().orElseThrow(() -> noExpression(v)));
  }

  /** The whole variant with its parameters learnable: bind them in {@link #apply(Map, NDArray...)}. */
  public static TorchExpr learnable(Variant v) {
    return new TorchExpr(v.symbolicExpression().orElseThrow(() -> noExpression(v)));
  }

  private static IllegalArgumentException noExpression(Variant v) {
    return new IllegalArgumentException(v.name() + " has no single expression (its int8 scale is "
        + "calibrated per tensor); give it a fixed scale, int8(scale=S)");
  }

  /**
   * The variant's parameter values as float32 tensors that require gradients, one 1-D tensor per
   * parameter (a number is one item), in {@code manager}: bindings for {@link #learnable}.
   */
  public static Map<String, NDArray> parameters(Variant v, NDManager manager) {
    Map<String, NDArray> out = new LinkedHashMap<>();
    for (String name : v.params().names()) {
      double[] values = v.params().list(name);
      float[] f = new float[values.length];
      for (int i = 0; i < f.length; i++) {
        f[i] = (float) values[i];
      }
      NDArray t = DjlModel.owned(manager, f, new Shape(f.length));
      t.setRequiresGradient(true);
      out.put(name, t);
    }
    return out;
  }

  /** {@link #apply(Map, NDArray...)} of an expression without parameters. */
  public NDArray apply(NDArray... inputs) {
    return apply(Map.of(), inputs);
  }

  /**
   * The expression over {@code inputs} (input 0 is {@code x} or the gate, 1 is {@code up}),
   * elementwise, computed in the inputs' type (float32 or float64) and shape; intermediates and the
   * result belong to the first input's manager.
   *
   * @param params each parameter's values as a 1-D tensor, by name
   */
  public NDArray apply(Map<String, NDArray> params, NDArray... inputs) {
    if (inputs.length == 0) {
      throw new IllegalArgumentException("no inputs");
    }
    DataType type = inputs[0].getDataType();
    for (NDArray in : inputs) {
      if (in.getDataType() != type || (type != DataType.FLOAT32 && type != DataType.FLOAT64)) {
        throw new IllegalArgumentException("inputs of one type, float32 or float64; got "
            + in.getDataType() + " and " + type);
      }
    }
    Lowering lowering = new Lowering(inputs, params);
    NDArray y = lowering.lower(expr, lowering.root);
    for (NDArray in : inputs) {
      if (y == in) {
        return y.mul(lowering.constant(1)); // a tensor of its own, not the caller's
      }
    }
    return y.getShape().equals(inputs[0].getShape()) ? y : y.broadcast(inputs[0].getShape());
  }

  /** One application: the inputs, the parameters, and what has been computed of them. */
  private static final class Lowering {
    final NDManager manager;
    final NDArray[] inputs;
    final Map<String, NDArray> params;
    /** The computing type: the inputs'. */
    final DataType type;
    final Map<Double, NDArray> constants = new HashMap<>();
    final Scope root = new Scope(null, null, false);

    Lowering(NDArray[] inputs, Map<String, NDArray> params) {
      this.manager = inputs[0].getManager();
      this.inputs = inputs;
      this.params = params;
      this.type = inputs[0].getDataType();
    }

    /**
     * The values of the leaves ({@code Var}, {@code Param}, {@code Ref}) visible in a part of the
     * tree: the root binds the inputs and parameters, a {@code Let} binds its value, and a branch
     * of a select masks the gradient of everything it reads from outside where it is not taken.
     */
    final class Scope {
      final Scope parent;
      /** For a branch: the select's condition, and whether the branch is taken where it holds. */
      final NDArray condition;
      final boolean taken;
      final Map<Expr, NDArray> values = new HashMap<>();

      Scope(Scope parent, NDArray condition, boolean taken) {
        this.parent = parent;
        this.condition = condition;
        this.taken = taken;
      }

      Scope with(Expr.Ref ref, NDArray value) {
        Scope s = new Scope(this, null, false);
        s.values.put(ref, value);
        return s;
      }

      NDArray leaf(Expr leaf) {
        NDArray v = values.get(leaf);
        if (v == null) {
          if (parent == null) {
            v = bound(leaf);
          } else {
            v = parent.leaf(leaf);
            if (condition != null) {
              v = taken ? where(condition, v, v.stopGradient())
                  : where(condition, v.stopGradient(), v);
            }
          }
          values.put(leaf, v);
        }
        return v;
      }
    }

    private NDArray bound(Expr leaf) {
      if (leaf instanceof Expr.Var v) {
        if (v.index() >= inputs.length) {
          throw new IllegalArgumentException("the expression reads input " + v.index() + " of "
              + inputs.length + " given");
        }
        return inputs[v.index()];
      } else if (leaf instanceof Expr.Param p) {
        NDArray t = params.get(p.name());
        if (t == null || t.getShape().dimension() != 1 || p.item() >= t.size()) {
          throw new IllegalArgumentException("parameter " + p.name() + "[" + p.item() + "] is not "
              + "bound (give each parameter as a 1-D tensor of its values); bound: "
              + params.keySet());
        }
        NDArray item = t.get(manager, p.item());
        // A one with a dimension: PyTorch gives a 0-d tensor times it the one's type (and
        // records it, where DJL's toType is not recorded by autograd).
        return item.getDataType() == type ? item
            : item.mul(type == DataType.FLOAT64 ? DjlModel.owned(manager, new double[] {1},
                new Shape(1)) : DjlModel.owned(manager, new float[] {1}, new Shape(1)));
      }
      throw new IllegalArgumentException("reference to an unbound value " + leaf);
    }

    /** PyTorch's {@code where}, which broadcasts (DJL's checks that the shapes are equal). */
    private static NDArray where(NDArray condition, NDArray ifTrue, NDArray ifFalse) {
      return JniUtils.where((PtNDArray) condition, (PtNDArray) ifTrue, (PtNDArray) ifFalse);
    }

    NDArray constant(double value) {
      return constants.computeIfAbsent(value, v -> type == DataType.FLOAT64
          ? DjlModel.owned(manager, new double[] {v}, new Shape())
          : DjlModel.constant(manager, (float) (double) v));
    }

    NDArray lower(Expr e, Scope s) {
      if (e instanceof Expr.Var || e instanceof Expr.Param || e instanceof Expr.Ref) {
        return s.leaf(e);
      } else if (e instanceof Expr.Const k) {
        return constant(k.value());
      } else if (e instanceof Expr.Let l) {
        return lower(l.body(), s.with(new Expr.Ref(l.id()), lower(l.value(), s)));
      } else if (e instanceof Expr.Unary u) {
        return unary(u.fn(), lower(u.arg(), s), s);
      } else if (e instanceof Expr.Binary b) {
        return binary(b.fn(), lower(b.left(), s), lower(b.right(), s));
      } else if (e instanceof Expr.Select c) {
        return select(c, s);
      } else if (e instanceof Expr.Round r) {
        NDArray a = lower(r.arg(), s);
        return straightThrough(a, rounded(r.format(), a));
      }
      throw new IllegalArgumentException("unknown expression " + e);
    }

    private NDArray unary(Expr.Fn1 fn, NDArray a, Scope s) {
      switch (fn) {
        case NEG: return a.neg();
        case ABS: return a.abs();
        case EXP: return exp(a);
        case LOG: return a.log();
        case TANH: return a.tanh();
        case SQRT: return a.sqrt();
        case RINT: return straightThrough(a, a.round());
        case FLOOR: return straightThrough(a, a.floor());
        case EXP2: return exp2(a);
        case ERF: return a.erf();
        case ERFC: return constant(1).sub(a.erf());
        case LOG1P: return lower(LOG1P, s.with(ARG, a));
        case EXPM1: return lower(EXPM1, s.with(ARG, a));
        default: throw new IllegalArgumentException(fn.name());
      }
    }

    private NDArray binary(Expr.Fn2 fn, NDArray a, NDArray b) {
      switch (fn) {
        case ADD: return a.add(b);
        case SUB: return a.sub(b);
        case MUL: return a.mul(b);
        case DIV: return a.div(b);
        case POW: return a.pow(b);
        case MAX: return a.maximum(b);
        case MIN: return a.minimum(b);
        default: throw new IllegalArgumentException(fn.name());
      }
    }

    private NDArray select(Expr.Select c, Scope s) {
      NDArray l = lower(c.left(), s);
      NDArray r = lower(c.right(), s);
      NDArray condition;
      switch (c.cmp()) {
        case LT: condition = l.lt(r); break;
        case LE: condition = l.lte(r); break;
        case GT: condition = l.gt(r); break;
        case GE: condition = l.gte(r); break;
        case EQ: condition = l.eq(r); break;
        case NE: condition = l.neq(r); break;
        default: throw new IllegalArgumentException(c.cmp().name());
      }
      if (condition.all().getBoolean()) {
        return lower(c.ifTrue(), s);
      } else if (!condition.any().getBoolean()) {
        return lower(c.ifFalse(), s);
      }
      return where(condition, lower(c.ifTrue(), new Scope(s, condition, true)),
          lower(c.ifFalse(), new Scope(s, condition, false)));
    }

    /**
     * e<sup>a</sup>, ∞ where it overflows; there the differentiated exponential is taken at 0
     * instead. A definition's overflowing exponential feeds a tiny term such as x/(1 + e<sup>−k</sup>),
     * whose derivative autograd would multiply by ∞, giving NaN (silu below x ≈ −89 in float32).
     */
    private NDArray exp(NDArray a) {
      NDArray y = a.exp();
      NDArray overflow = y.isInfinite();
      if (!overflow.any().getBoolean()) {
        return y;
      }
      NDArray finite = overflow.logicalNot();
      return where(finite, where(finite, a, constant(0)).exp(), y.stopGradient());
    }

    /** 2^trunc(a) for |a| ≤ 1100, as {@link Expr#exp2(double)}; NaN for NaN. */
    private NDArray exp2(NDArray a) {
      NDArray clamped = a.maximum(constant(-EXP2_LIMIT)).minimum(constant(EXP2_LIMIT));
      NDArray whole = where(clamped.lt(constant(0)), clamped.neg().floor().neg(),
          clamped.floor());
      return constant(2).pow(straightThrough(clamped, whole));
    }

    /**
     * {@code a} rounded to {@code format} by {@link FloatFormat}: in float32 its array rounding,
     * which the CPU kernels use; in float64 its rounding of doubles, which the reference uses.
     */
    private NDArray rounded(FloatFormat format, NDArray a) {
      if (type == DataType.FLOAT32) {
        float[] v = a.toFloatArray();
        format.round(v, 0, v, 0, v.length);
        return DjlModel.owned(manager, v, a.getShape());
      }
      double[] v = a.toDoubleArray();
      for (int i = 0; i < v.length; i++) {
        v[i] = format.round(v[i]);
      }
      return DjlModel.owned(manager, v, a.getShape());
    }

    /**
     * The value of {@code rounded}, the gradient of {@code a}: {@code rounded − (ā − a)} with ā
     * the value of a without its gradient; ā − a is +0 exactly, so the value is {@code rounded} to
     * the bit, −0 included. Where {@code a} is ±∞ or NaN it is replaced by 0 first (∞ − ∞ is NaN),
     * which leaves those elements without gradient.
     */
    private NDArray straightThrough(NDArray a, NDArray rounded) {
      NDArray finite = a.isInfinite().logicalOr(a.isNaN()).logicalNot();
      NDArray d = where(finite, a, constant(0));
      return rounded.stopGradient().sub(d.stopGradient().sub(d));
    }
  }
}

package io.ablate.expr;

import io.ablate.precision.FloatFormat;
import java.util.Objects;

/**
 * An immutable expression tree over double values. Build trees with the static helpers
 * ({@code Expr.x()}, {@code mul(a, b)}, {@code erf(a)}, ...); they read like the formula they define.
 */
public sealed interface Expr
    permits Expr.Var, Expr.Const, Expr.Param, Expr.Unary, Expr.Binary, Expr.Select, Expr.Round,
    Expr.Let, Expr.Ref {

  /** Elementwise functions of one argument. Those marked {@code gpu=false} are expanded for cuDF. */
  enum Fn1 {
    NEG(true), ABS(true), EXP(true), LOG(true), TANH(true), SQRT(true), RINT(true), FLOOR(true),
    EXP2(true), ERF(false), ERFC(false), LOG1P(false), EXPM1(false);

    final boolean gpuNative;

    Fn1(boolean gpuNative) {
      this.gpuNative = gpuNative;
    }
  }

  /** Elementwise functions of two arguments. MAX and MIN propagate NaN, like {@code Math.max}. */
  enum Fn2 {
    ADD(true), SUB(true), MUL(true), DIV(true), POW(true), MAX(false), MIN(false);

    final boolean gpuNative;

    Fn2(boolean gpuNative) {
      this.gpuNative = gpuNative;
    }
  }

  /** Comparisons; any comparison with NaN is false (IEEE 754), which definitions use to route NaN. */
  enum Cmp {
    LT, LE, GT, GE, EQ, NE
  }

  /** Input number {@code index}: 0 is {@code x} (or {@code gate}), 1 is {@code up}. */
  record Var(int index) implements Expr {}

  record Const(double value) implements Expr {}

  /**
   * A parameter of the definition left symbolic: item {@code item} of parameter {@code name} (0 for
   * a number). Only symbolic definitions have it ({@code Params.symbolic()}), which training binds to
   * learnable tensors; every other form needs values, and rejects it ({@link #unbound}).
   */
  record Param(String name, int item) implements Expr {
    public Param {
      Objects.requireNonNull(name);
      if (item < 0) {
        throw new IllegalArgumentException("negative item " + item + " of parameter " + name);
      }
    }

    /** The error of a form that evaluates numbers and met this parameter without a value. */
    public IllegalArgumentException unbound() {
      return new IllegalArgumentException("parameter " + name + "[" + item + "] has no value: "
          + "a symbolic definition (Params.symbolic) can only be differentiated, not evaluated");
    }
  }

  record Unary(Fn1 fn, Expr arg) implements Expr {
    public Unary {
      Objects.requireNonNull(fn);
      Objects.requireNonNull(arg);
    }
  }

  record Binary(Fn2 fn, Expr left, Expr right) implements Expr {
    public Binary {
      Objects.requireNonNull(fn);
      Objects.requireNonNull(left);
      Objects.requireNonNull(right);
    }
  }

  /** {@code (left cmp right) ? ifTrue : ifFalse}. */
  record Select(Cmp cmp, Expr left, Expr right, Expr ifTrue, Expr ifFalse) implements Expr {
    public Select {
      Objects.requireNonNull(cmp);
      Objects.requireNonNull(left);
      Objects.requireNonNull(right);
      Objects.requireNonNull(ifTrue);
      Objects.requireNonNull(ifFalse);
    }
  }

  /** The argument rounded to the nearest value of a small float format (ties to even). */
  record Round(FloatFormat format, Expr arg) implements Expr {
    public Round {
      Objects.requireNonNull(format);
      Objects.requireNonNull(arg);
    }
  }

  /**
   * {@code body} with {@link Ref}{@code (id)} standing for {@code value}, computed once: the
   * interpreter evaluates it once per element, the GPU lowering materialises it as one column.
   * Without it, a value used k times would be a subtree copied k times (and nested uses multiply).
   */
  record Let(int id, Expr value, Expr body) implements Expr {
    public Let {
      Objects.requireNonNull(value);
      Objects.requireNonNull(body);
    }
  }

  /** The value bound by the enclosing {@link Let} with the same id. */
  record Ref(int id) implements Expr {}

  /** Ids of {@link Let}s: unique in the JVM, so that trees built apart can be combined. */
  java.util.concurrent.atomic.AtomicInteger LET_IDS = new java.util.concurrent.atomic.AtomicInteger();

  // ---- builders: they read like the formulas they define ----

  /** {@code body(v)} where {@code v} is {@code value}, computed once. */
  static Expr let(Expr value, java.util.function.UnaryOperator<Expr> body) {
    if (value instanceof Var || value instanceof Const || value instanceof Ref) {
      return body.apply(value); // nothing to share
    }
    int id = LET_IDS.incrementAndGet();
    return new Let(id, value, body.apply(new Ref(id)));
  }

  static Expr x() {
    return new Var(0);
  }

  static Expr var(int index) {
    return new Var(index);
  }

  static Expr c(double value) {
    return new Const(value);
  }

  static Expr neg(Expr a) {
    return new Unary(Fn1.NEG, a);
  }

  static Expr abs(Expr a) {
    return new Unary(Fn1.ABS, a);
  }

  static Expr exp(Expr a) {
    return new Unary(Fn1.EXP, a);
  }

  static Expr log(Expr a) {
    return new Unary(Fn1.LOG, a);
  }

  static Expr tanh(Expr a) {
    return new Unary(Fn1.TANH, a);
  }

  static Expr sqrt(Expr a) {
    return new Unary(Fn1.SQRT, a);
  }

  static Expr rint(Expr a) {
    return new Unary(Fn1.RINT, a);
  }

  static Expr floor(Expr a) {
    return new Unary(Fn1.FLOOR, a);
  }

  /**
   * 2<sup>a</sup> for a whole number {@code a}, exactly (subnormal powers, 0 below them and +∞
   * above the double range included; NaN for NaN): powers of two built, not computed with pow.
   */
  static Expr exp2(Expr a) {
    return new Unary(Fn1.EXP2, a);
  }

  /** {@link #exp2} on one value: the definition the interpreters and the GPU lowering share. */
  public static double exp2(double a) {
    if (Double.isNaN(a)) {
      return Double.NaN;
    }
    return Math.scalb(1.0, (int) Math.max(-1100, Math.min(1100, a)));
  }

  static Expr erf(Expr a) {
    return new Unary(Fn1.ERF, a);
  }

  static Expr erfc(Expr a) {
    return new Unary(Fn1.ERFC, a);
  }

  static Expr log1p(Expr a) {
    return new Unary(Fn1.LOG1P, a);
  }

  static Expr expm1(Expr a) {
    return new Unary(Fn1.EXPM1, a);
  }

  static Expr add(Expr a, Expr b) {
    return new Binary(Fn2.ADD, a, b);
  }

  static Expr sub(Expr a, Expr b) {
    return new Binary(Fn2.SUB, a, b);
  }

  static Expr mul(Expr a, Expr b) {
    return new Binary(Fn2.MUL, a, b);
  }

  static Expr mul(double a, Expr b) {
    return new Binary(Fn2.MUL, c(a), b);
  }

  static Expr div(Expr a, Expr b) {
    return new Binary(Fn2.DIV, a, b);
  }

  static Expr pow(Expr a, Expr b) {
    return new Binary(Fn2.POW, a, b);
  }

  static Expr max(Expr a, Expr b) {
    return new Binary(Fn2.MAX, a, b);
  }

  static Expr min(Expr a, Expr b) {
    return new Binary(Fn2.MIN, a, b);
  }

  static Expr select(Expr left, Cmp cmp, Expr right, Expr ifTrue, Expr ifFalse) {
    return new Select(cmp, left, right, ifTrue, ifFalse);
  }

  static Expr round(FloatFormat format, Expr a) {
    return new Round(format, a);
  }

  /** The logistic function 1 / (1 + e^-a), exact at ±∞ (0 and 1). */
  static Expr sigmoid(Expr a) {
    return div(c(1), add(c(1), exp(neg(a))));
  }

  /**
   * {@code a · σ(k)} written as {@code a / (1 + e^-k)}: one exponential, no cancellation for negative
   * {@code k} (where {@code 0.5·(1 + tanh)} forms lose all relative accuracy). At {@code a = -∞} it
   * would be -∞/∞; the definitions that use it take that limit (−0) explicitly.
   */
  static Expr timesSigmoid(Expr a, Expr k) {
    return div(a, add(c(1), exp(neg(k))));
  }

  /** Replaces every {@code Var(i)} with {@code inputs[i]}: applies a definition to other expressions. */
  static Expr substitute(Expr e, Expr... inputs) {
    if (e instanceof Var v) {
      return inputs[v.index()];
    } else if (e instanceof Unary u) {
      return new Unary(u.fn(), substitute(u.arg(), inputs));
    } else if (e instanceof Binary b) {
      return new Binary(b.fn(), substitute(b.left(), inputs), substitute(b.right(), inputs));
    } else if (e instanceof Select s) {
      return new Select(s.cmp(), substitute(s.left(), inputs), substitute(s.right(), inputs),
          substitute(s.ifTrue(), inputs), substitute(s.ifFalse(), inputs));
    } else if (e instanceof Round r) {
      return new Round(r.format(), substitute(r.arg(), inputs));
    } else if (e instanceof Let l) {
      return new Let(l.id(), substitute(l.value(), inputs), substitute(l.body(), inputs));
    }
    return e; // Const, Param, Ref
  }
}

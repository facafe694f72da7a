package io.ablate.expr;

import static io.ablate.expr.Expr.abs;
import static io.ablate.expr.Expr.add;
import static io.ablate.expr.Expr.c;
import static io.ablate.expr.Expr.div;
import static io.ablate.expr.Expr.exp;
import static io.ablate.expr.Expr.floor;
import static io.ablate.expr.Expr.let;
import static io.ablate.expr.Expr.log;
import static io.ablate.expr.Expr.mul;
import static io.ablate.expr.Expr.neg;
import static io.ablate.expr.Expr.exp2;
import static io.ablate.expr.Expr.rint;
import static io.ablate.expr.Expr.select;
import static io.ablate.expr.Expr.sub;

import io.ablate.expr.Expr.Binary;
import io.ablate.expr.Expr.Cmp;
import io.ablate.expr.Expr.Round;
import io.ablate.expr.Expr.Select;
import io.ablate.expr.Expr.Unary;
import io.ablate.precision.FloatFormat;

/**
 * Rewrites a definition into operators that cuDF's AST evaluates (add, sub, mul, div, pow, exp, log,
 * tanh, sqrt, abs, rint, floor, comparisons) plus selects, which {@code io.ablate.gpu.CudfLowering}
 * turns into {@code ifElse}. The GPU evaluates the result in float64 and rounds to float32 once.
 *
 * <p>Replacements, each accurate enough that the float32 result stays within its variant's bound:
 * <ul>
 *   <li>erfc: Numerical Recipes' Chebyshev fit {@code erfcc} (Press et al., 2nd ed., §6.2), relative
 *       error below 1.2e-7 everywhere, with {@code erfc(−z) = 2 − erfc(z)}; erf = 1 − erfc (absolute
 *       accuracy 1.2e-7; definitions that need relative accuracy near 0 are written with erfc).</li>
 *   <li>log1p, expm1: three Taylor terms below |a| = 1e-4 (truncation &lt; 1e-16 relative), else
 *       {@code log(1 + a)} / {@code exp(a) − 1} (relative error &lt; 3e-12 there).</li>
 *   <li>max, min: selects that propagate NaN.</li>
 *   <li>rounding to a small float format: exponent from {@code floor(log2 |a|)} corrected by two
 *       comparisons with exact powers of two, then {@code rint(a / q) · q}.</li>
 * </ul>
 */
public final class GpuExpansion {
  /** erfcc coefficients: t·exp(−z² + c0 + t·(c1 + t·(c2 + …))), t = 1/(1 + z/2). */
  public static final double[] ERFCC = {
    -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806,
    0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277
  };

  private static final double TAYLOR_LIMIT = 1e-4;
  private static final double INV_LN2 = 1.4426950408889634;

  private GpuExpansion() {}

  /** The same function, written only with GPU-native operators and selects. */
  public static Expr expand(Expr e) {
    if (e instanceof Unary u) {
      Expr a = expand(u.arg());
      switch (u.fn()) {
        case ERFC: return let(a, GpuExpansion::erfc);
        case ERF: return sub(c(1), let(a, GpuExpansion::erfc));
        case LOG1P: return let(a, v -> small(v, add(v, mul(mul(v, v), add(c(-0.5), div(v, c(3))))),
            log(add(c(1), v))));
        case EXPM1: return let(a, v -> small(v, add(v, mul(mul(v, v), add(c(0.5), div(v, c(6))))),
            sub(exp(v), c(1))));
        default: return new Unary(u.fn(), a);
      }
    } else if (e instanceof Binary b) {
      Expr l = expand(b.left());
      Expr r = expand(b.right());
      switch (b.fn()) {
        case MAX: return let(l, p -> let(r, q -> select(p, Cmp.LT, q, q, select(p, Cmp.GE, q, p, add(p, q)))));
        case MIN: return let(l, p -> let(r, q -> select(p, Cmp.GT, q, q, select(p, Cmp.LE, q, p, add(p, q)))));
        default: return new Binary(b.fn(), l, r);
      }
    } else if (e instanceof Select s) {
      return new Select(s.cmp(), expand(s.left()), expand(s.right()), expand(s.ifTrue()),
          expand(s.ifFalse()));
    } else if (e instanceof Round r) {
      return let(expand(r.arg()), x -> roundTo(r.format(), x));
    } else if (e instanceof Expr.Let l) {
      return new Expr.Let(l.id(), expand(l.value()), expand(l.body()));
    } else if (e instanceof Expr.Param p) {
      throw p.unbound();
    }
    return e; // Var, Const, Ref
  }

  /** Whether {@code e} uses only GPU-native operators (true of every {@link #expand} result). */
  public static boolean isGpuNative(Expr e) {
    if (e instanceof Unary u) {
      return u.fn().gpuNative && isGpuNative(u.arg());
    } else if (e instanceof Binary b) {
      return b.fn().gpuNative && isGpuNative(b.left()) && isGpuNative(b.right());
    } else if (e instanceof Select s) {
      return isGpuNative(s.left()) && isGpuNative(s.right()) && isGpuNative(s.ifTrue())
          && isGpuNative(s.ifFalse());
    } else if (e instanceof Expr.Let l) {
      return isGpuNative(l.value()) && isGpuNative(l.body());
    }
    return !(e instanceof Round || e instanceof Expr.Param);
  }

  private static Expr small(Expr a, Expr taylor, Expr direct) {
    return select(abs(a), Cmp.LT, c(TAYLOR_LIMIT), taylor, direct);
  }

  /** erfc of {@code a}, which must be a {@link Var} or {@link Expr.Ref} (it is read twice). */
  private static Expr erfc(Expr a) {
    return let(abs(a), z -> let(div(c(1), add(c(1), mul(c(0.5), z))), t -> {
      Expr poly = c(ERFCC[ERFCC.length - 1]);
      for (int i = ERFCC.length - 2; i >= 0; i--) {
        poly = add(c(ERFCC[i]), mul(t, poly));
      }
      return let(mul(t, exp(add(neg(mul(z, z)), poly))),
          y -> select(a, Cmp.GE, c(0), y, sub(c(2), y))); // NaN: 2 − NaN
    }));
  }

  /** {@code x} rounded to {@code f}; {@code x} must be a {@link Var} or {@link Expr.Ref}. */
  private static Expr roundTo(FloatFormat f, Expr x) {
    Expr overflow = f.hasInfinity() ? c(Double.POSITIVE_INFINITY) : c(f.maxFinite());
    return let(abs(x), a -> let(floor(mul(log(a), c(INV_LN2))), e0 ->
        // log2 may be off by one next to a power of two: correct with exact comparisons.
        let(select(exp2(add(e0, c(1))), Cmp.LE, a, add(e0, c(1)),
            select(exp2(e0), Cmp.GT, a, sub(e0, c(1)), e0)), e1 ->
        // a = 0 gives −∞ here: the smallest exponent. Powers of two are built exactly (exp2):
        // pow is not exact on every GPU.
        let(exp2(sub(select(e1, Cmp.LT, c(f.minExponent()), c(f.minExponent()), e1),
            c(f.mantissaBits()))), q ->
        let(mul(rint(div(a, q)), q), r ->
        let(select(a, Cmp.EQ, c(Double.POSITIVE_INFINITY), overflow,
            select(r, Cmp.GT, c(f.maxFinite()), overflow, r)), magnitude ->
        // Sign back; ±0 and NaN pass through unchanged.
        select(x, Cmp.LT, c(0), neg(magnitude), select(x, Cmp.EQ, c(0), x, magnitude))))))));
  }
}

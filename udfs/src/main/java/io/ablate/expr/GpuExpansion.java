package io.ablate.expr;

import static io.ablate.expr.Expr.abs;
import static io.ablate.expr.Expr.add;
import static io.ablate.expr.Expr.c;
import static io.ablate.expr.Expr.div;
import static io.ablate.expr.Expr.exp;
import static io.ablate.expr.Expr.floor;
import static io.ablate.expr.Expr.log;
import static io.ablate.expr.Expr.mul;
import static io.ablate.expr.Expr.neg;
import static io.ablate.expr.Expr.pow;
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
        case ERFC: return erfc(a);
        case ERF: return sub(c(1), erfc(a));
        case LOG1P: return small(a, add(a, mul(mul(a, a), add(c(-0.5), div(a, c(3))))), log(add(c(1), a)));
        case EXPM1: return small(a, add(a, mul(mul(a, a), add(c(0.5), div(a, c(6))))), sub(exp(a), c(1)));
        default: return new Unary(u.fn(), a);
      }
    } else if (e instanceof Binary b) {
      Expr l = expand(b.left());
      Expr r = expand(b.right());
      switch (b.fn()) {
        case MAX: return select(l, Cmp.LT, r, r, select(l, Cmp.GE, r, l, add(l, r)));
        case MIN: return select(l, Cmp.GT, r, r, select(l, Cmp.LE, r, l, add(l, r)));
        default: return new Binary(b.fn(), l, r);
      }
    } else if (e instanceof Select s) {
      return new Select(s.cmp(), expand(s.left()), expand(s.right()), expand(s.ifTrue()),
          expand(s.ifFalse()));
    } else if (e instanceof Round r) {
      return roundTo(r.format(), expand(r.arg()));
    }
    return e; // Var, Const
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
    }
    return !(e instanceof Round);
  }

  private static Expr small(Expr a, Expr taylor, Expr direct) {
    return select(abs(a), Cmp.LT, c(TAYLOR_LIMIT), taylor, direct);
  }

  private static Expr erfc(Expr a) {
    Expr z = abs(a);
    Expr t = div(c(1), add(c(1), mul(c(0.5), z)));
    Expr poly = c(ERFCC[ERFCC.length - 1]);
    for (int i = ERFCC.length - 2; i >= 0; i--) {
      poly = add(c(ERFCC[i]), mul(t, poly));
    }
    Expr y = mul(t, exp(add(neg(mul(z, z)), poly)));
    return select(a, Cmp.GE, c(0), y, sub(c(2), y)); // NaN: 2 − NaN
  }

  private static Expr roundTo(FloatFormat f, Expr x) {
    Expr a = abs(x);
    Expr e0 = floor(mul(log(a), c(INV_LN2)));
    // log2 may be off by one next to a power of two: correct with exact comparisons.
    Expr e1 = select(pow(c(2), add(e0, c(1))), Cmp.LE, a, add(e0, c(1)),
        select(pow(c(2), e0), Cmp.GT, a, sub(e0, c(1)), e0));
    Expr e = select(e1, Cmp.LT, c(f.minExponent()), c(f.minExponent()), e1); // a = 0 gives −∞ here
    Expr q = pow(c(2), sub(e, c(f.mantissaBits())));
    Expr r = mul(rint(div(a, q)), q);
    Expr overflow = f.hasInfinity() ? c(Double.POSITIVE_INFINITY) : c(f.maxFinite());
    Expr finite = select(r, Cmp.GT, c(f.maxFinite()), overflow, r);
    Expr magnitude = select(a, Cmp.EQ, c(Double.POSITIVE_INFINITY), overflow, finite);
    // Sign back; ±0 and NaN pass through unchanged.
    return select(x, Cmp.LT, c(0), neg(magnitude), select(x, Cmp.EQ, c(0), x, magnitude));
  }
}

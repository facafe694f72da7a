package io.ablate.activation.defs;

import static io.ablate.expr.Expr.c;
import static io.ablate.expr.Expr.select;
import static io.ablate.expr.Expr.x;

import io.ablate.expr.Expr;

/** Pieces several definitions share, in their Expr and scalar forms. */
final class Shapes {
  private Shapes() {}

  /**
   * Takes the limit −0 at x = −∞ for functions of the form x·g(x) with g(−∞) = 0, where plain
   * arithmetic gives −∞·0 = NaN.
   */
  static Expr minusZeroAtMinusInf(Expr body) {
    return select(x(), Expr.Cmp.EQ, c(Double.NEGATIVE_INFINITY), c(-0.0), body);
  }

  /** Scalar form of {@code x · σ(k)}: x / (1 + e^−k) in double, −0 at x = −∞. */
  static float timesSigmoid(float x, double k) {
    if (x == Float.NEGATIVE_INFINITY) {
      return -0f;
    }
    return (float) (x / (1.0 + Math.exp(-k)));
  }
}

package io.ablate.activation.defs;

import static io.ablate.expr.Expr.abs;
import static io.ablate.expr.Expr.add;
import static io.ablate.expr.Expr.c;
import static io.ablate.expr.Expr.div;
import static io.ablate.expr.Expr.mul;
import static io.ablate.expr.Expr.x;

import io.ablate.activation.AccuracyBound;
import io.ablate.activation.ElementwiseActivation;
import io.ablate.activation.Param;
import io.ablate.activation.Params;
import io.ablate.expr.Expr;
import io.ablate.kernel.Kernel;
import io.ablate.kernel.ScalarFn;
import io.ablate.kernel.simd.RationalSimd;

/**
 * A rational (Padé) activation in the "safe" form of Padé Activation Units (Molina, Schramowski &amp;
 * Kersting, ICLR 2020): P(x) / (1 + |q1·x + q2·x² + … + qn·xⁿ|) with P(x) = p0 + p1·x + … + pm·xᵐ.
 * The denominator is at least 1, so there are no poles. This is the form learnable activations take
 * in practice; the coefficients are given in the spec: {@code rational(p=[p0,...,pm],q=[q1,...,qn])}.
 *
 * <p>At ±∞ the formula is ∞/∞ for most coefficient sets: the output is NaN there, in every form.
 *
 * <p>Accuracy of the float32 forms: ≤ 1 ulp. Every form evaluates the polynomials in double (the
 * SIMD kernel in double lanes), so cancellation between the terms of P stays below float32
 * resolution and no power of a float32 input overflows: hence at most 9 numerator and 8 denominator
 * coefficients (degree ≤ 8), which the parameters enforce.
 */
public final class Rational extends ElementwiseActivation {
  public Rational() {
    super("rational", "(p0 + p1*x + ... + pm*x^m) / (1 + |q1*x + ... + qn*x^n|)",
        "Molina, Schramowski & Kersting, ICLR 2020 (Pade Activation Units)", new AccuracyBound(1, 0),
        Param.requiredList("p", "numerator coefficients p0..pm, m <= 8", 9),
        Param.requiredList("q", "denominator coefficients q1..qn, n <= 8 (no constant: it is 1)", 8));
  }

  @Override
  public Expr expr(Params p) {
    int m = p.list("p").length - 1;
    int n = p.list("q").length;
    Expr num = p.expr("p", m);
    for (int k = m - 1; k >= 0; k--) {
      num = add(p.expr("p", k), mul(x(), num));
    }
    // q1..qn are items 0..n-1 of q
    Expr den = p.expr("q", n - 1);
    for (int k = n - 2; k >= 0; k--) {
      den = add(p.expr("q", k), mul(x(), den));
    }
    return div(num, add(c(1), abs(mul(x(), den))));
  }

  @Override
  public ScalarFn scalar(Params p) {
    double[] pc = p.list("p");
    double[] qc = p.list("q");
    return x -> {
      double num = pc[pc.length - 1];
      for (int k = pc.length - 2; k >= 0; k--) {
        num = pc[k] + x * num;
      }
      double den = qc[qc.length - 1];
      for (int k = qc.length - 2; k >= 0; k--) {
        den = qc[k] + x * den;
      }
      return (float) (num / (1 + Math.abs(x * den)));
    };
  }

  @Override
  public Kernel simd(Params p) {
    return new RationalSimd(p.list("p"), p.list("q"));
  }
}

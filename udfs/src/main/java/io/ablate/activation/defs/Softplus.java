package io.ablate.activation.defs;

import static io.ablate.expr.Expr.*;

import io.ablate.activation.AccuracyBound;
import io.ablate.activation.ElementwiseActivation;
import io.ablate.activation.Param;
import io.ablate.activation.Params;
import io.ablate.expr.Expr;
import io.ablate.kernel.Kernel;
import io.ablate.kernel.ScalarFn;
import io.ablate.kernel.simd.SoftplusSimd;

/**
 * Softplus, (1/β)·ln(1 + e^(β·x)), written max(x, 0) + log1p(e^(−|βx|))/β so that it neither
 * overflows nor loses the left tail (PyTorch's threshold switch is not needed).
 *
 * <p>Accuracy of the float32 forms against the float64 reference: ≤ 2 ulp wherever the result is a
 * normal float32; subnormal results within 2·2⁻¹⁴⁹.
 */
public final class Softplus extends ElementwiseActivation {
  public Softplus() {
    super("softplus", "ln(1 + e^(beta*x)) / beta",
        "Dugas et al., NeurIPS 2000", new AccuracyBound(2, AccuracyBound.SUBNORMAL),
        Param.number("beta", 1.0, 0, true, "sharpness"));
  }

  @Override
  public Expr expr(Params p) {
    Expr bx = mul(p.expr("beta"), x());
    return add(max(x(), c(0)), div(log1p(exp(neg(abs(bx)))), p.expr("beta")));
  }

  @Override
  public ScalarFn scalar(Params p) {
    double beta = p.get("beta");
    return x -> {
      double bx = beta * x;
      return (float) (Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(bx))) / beta);
    };
  }

  @Override
  public Kernel simd(Params p) {
    return new SoftplusSimd(p.get("beta"));
  }

  @Override
  public boolean zeroOnlyAtZero() {
    return true;
  }
}

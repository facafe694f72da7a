package io.ablate.activation.defs;

import static io.ablate.expr.Expr.*;

import io.ablate.activation.AccuracyBound;
import io.ablate.activation.ElementwiseActivation;
import io.ablate.activation.Param;
import io.ablate.activation.Params;
import io.ablate.expr.Expr;
import io.ablate.expr.Expr.Cmp;
import io.ablate.kernel.Kernel;
import io.ablate.kernel.ScalarFn;
import io.ablate.kernel.simd.LeakyReluSimd;

/**
 * Leaky ReLU, x for x ≥ 0, α·x below (Maas et al. 2013).
 *
 * <p>Accuracy of the float32 forms against the float64 reference: ≤ 1 ulp (α is rounded to float32).
 */
public final class LeakyRelu extends ElementwiseActivation {
  public LeakyRelu() {
    super("leaky_relu", "x if x >= 0 else alpha*x",
        "Maas, Hannun & Ng, ICML 2013", new AccuracyBound(1, 0),
        Param.number("alpha", 0.01, 0, false, "slope for x < 0"));
  }

  @Override
  public Expr expr(Params p) {
    return select(x(), Cmp.LT, c(0), mul(p.expr("alpha"), x()), x());
  }

  @Override
  public ScalarFn scalar(Params p) {
    double alpha = p.get("alpha");
    return x -> x < 0f ? (float) (alpha * x) : x;
  }

  @Override
  public Kernel simd(Params p) {
    return new LeakyReluSimd(p.get("alpha"));
  }
}

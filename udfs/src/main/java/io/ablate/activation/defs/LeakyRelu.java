package io.ablate.activation.defs;

import static io.ablate.expr.Expr.*;

import io.ablate.activation.AccuracyBound;
import io.ablate.activation.Activation;
import io.ablate.activation.Param;
import io.ablate.activation.Params;
import io.ablate.expr.Expr;
import io.ablate.expr.Expr.Cmp;
import io.ablate.kernel.Kernel;
import io.ablate.kernel.ScalarFn;
import io.ablate.kernel.simd.LeakyReluSimd;
import java.util.List;

/**
 * Leaky ReLU, x for x ≥ 0, α·x below (Maas et al. 2013).
 *
 * <p>Accuracy of the float32 forms against the float64 reference: ≤ 1 ulp (α is rounded to float32).
 */
public final class LeakyRelu implements Activation {
  @Override
  public String name() {
    return "leaky_relu";
  }

  @Override
  public Kind kind() {
    return Kind.ELEMENTWISE;
  }

  @Override
  public List<Param> params() {
    return List.of(Param.number("alpha", 0.01, 0, false, "slope for x < 0"));
  }

  @Override
  public String formula() {
    return "x if x >= 0 else alpha*x";
  }

  @Override
  public String source() {
    return "Maas, Hannun & Ng, ICML 2013";
  }

  @Override
  public AccuracyBound bound() {
    return new AccuracyBound(1, 0);
  }

  @Override
  public Expr expr(Params p) {
    return select(x(), Cmp.LT, c(0), mul(p.get("alpha"), x()), x());
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

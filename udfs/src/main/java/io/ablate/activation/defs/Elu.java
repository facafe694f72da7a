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
import io.ablate.kernel.simd.EluSimd;

/**
 * ELU, x for x &gt; 0, α·(eˣ − 1) otherwise (Clevert, Unterthiner &amp; Hochreiter 2016).
 *
 * <p>Accuracy of the float32 forms against the float64 reference: ≤ 2 ulp wherever the result is a
 * normal float32; subnormal results within 2·2⁻¹⁴⁹.
 */
public final class Elu extends ElementwiseActivation {
  public Elu() {
    super("elu", "x if x > 0 else alpha*(e^x - 1)",
        "Clevert et al., ICLR 2016", new AccuracyBound(2, AccuracyBound.SUBNORMAL),
        Param.number("alpha", 1.0, 0, false, "saturation value for x -> -inf"));
  }

  @Override
  public Expr expr(Params p) {
    return select(x(), Cmp.GT, c(0), x(), mul(p.expr("alpha"), expm1(x())));
  }

  @Override
  public ScalarFn scalar(Params p) {
    double alpha = p.get("alpha");
    return x -> x > 0f ? x : (float) (alpha * Math.expm1(x));
  }

  @Override
  public Kernel simd(Params p) {
    return new EluSimd(p.get("alpha"));
  }

  @Override
  public boolean zeroOnlyAtZero() {
    return true;
  }
}

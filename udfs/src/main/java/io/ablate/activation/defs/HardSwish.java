package io.ablate.activation.defs;

import static io.ablate.expr.Expr.*;

import io.ablate.activation.AccuracyBound;
import io.ablate.activation.ElementwiseActivation;
import io.ablate.activation.Params;
import io.ablate.expr.Expr;
import io.ablate.expr.Expr.Cmp;
import io.ablate.kernel.Kernel;
import io.ablate.kernel.ScalarFn;
import io.ablate.kernel.simd.HardSwishSimd;

/**
 * Hard swish, x·ReLU6(x + 3)/6 (Howard et al., MobileNetV3, 2019).
 *
 * <p>Accuracy of the float32 forms against the float64 reference: ≤ 2.5 ulp (SIMD: three roundings, x + 3, the product and the division by 6; measured ≤ 1.9 ulp).
 */
public final class HardSwish extends ElementwiseActivation {
  public HardSwish() {
    super("hard_swish", "x * min(max(x + 3, 0), 6) / 6",
        "Howard et al., ICCV 2019", new AccuracyBound(2.5, 0));
  }

  @Override
  public Expr expr(Params p) {
    return select(x(), Cmp.LE, c(-3), c(0),
        select(x(), Cmp.GE, c(3), x(), div(mul(x(), add(x(), c(3))), c(6))));
  }

  @Override
  public ScalarFn scalar(Params p) {
    return x -> x <= -3f ? 0f : x >= 3f ? x : (float) (x * (x + 3.0) / 6.0);
  }

  @Override
  public Kernel simd(Params p) {
    return new HardSwishSimd();
  }
}

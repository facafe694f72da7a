package io.ablate.activation.defs;

import static io.ablate.expr.Expr.*;

import io.ablate.activation.AccuracyBound;
import io.ablate.activation.ElementwiseActivation;
import io.ablate.activation.Params;
import io.ablate.expr.Expr;
import io.ablate.expr.Expr.Cmp;
import io.ablate.kernel.Kernel;
import io.ablate.kernel.ScalarFn;
import io.ablate.kernel.simd.Relu2Simd;

/**
 * Squared ReLU, max(x, 0)² (So et al., "Primer", 2021).
 *
 * <p>Accuracy of the float32 forms against the float64 reference: exact (one rounding).
 */
public final class Relu2 extends ElementwiseActivation {
  public Relu2() {
    super("relu2", "max(x, 0)^2",
        "So et al., Primer, NeurIPS 2021", AccuracyBound.EXACT);
  }

  @Override
  public Expr expr(Params p) {
    return select(x(), Cmp.LE, c(0), c(0), mul(x(), x()));
  }

  @Override
  public ScalarFn scalar(Params p) {
    return x -> x <= 0f ? 0f : (float) ((double) x * x);
  }

  @Override
  public Kernel simd(Params p) {
    return new Relu2Simd();
  }
}

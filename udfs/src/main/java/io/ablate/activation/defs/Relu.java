package io.ablate.activation.defs;

import static io.ablate.expr.Expr.*;

import io.ablate.activation.AccuracyBound;
import io.ablate.activation.ElementwiseActivation;
import io.ablate.activation.Params;
import io.ablate.expr.Expr;
import io.ablate.expr.Expr.Cmp;
import io.ablate.kernel.Kernel;
import io.ablate.kernel.ScalarFn;
import io.ablate.kernel.simd.ReluSimd;

/**
 * ReLU, max(x, 0) (Nair &amp; Hinton 2010). −0 and NaN: relu(−0) = +0, relu(NaN) = NaN.
 *
 * <p>Accuracy of the float32 forms against the float64 reference: exact.
 */
public final class Relu extends ElementwiseActivation {
  public Relu() {
    super("relu", "max(x, 0)",
        "Nair & Hinton, ICML 2010", AccuracyBound.EXACT);
  }

  @Override
  public Expr expr(Params p) {
    return select(x(), Cmp.LE, c(0), c(0), x());
  }

  @Override
  public ScalarFn scalar(Params p) {
    return x -> x <= 0f ? 0f : x;
  }

  @Override
  public Kernel simd(Params p) {
    return new ReluSimd();
  }
}

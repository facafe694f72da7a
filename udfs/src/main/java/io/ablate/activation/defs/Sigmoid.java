package io.ablate.activation.defs;

import static io.ablate.expr.Expr.*;

import io.ablate.activation.AccuracyBound;
import io.ablate.activation.ElementwiseActivation;
import io.ablate.activation.Params;
import io.ablate.expr.Expr;
import io.ablate.kernel.Kernel;
import io.ablate.kernel.ScalarFn;
import io.ablate.kernel.simd.SigmoidSimd;

/**
 * The logistic function 1/(1 + e^(−x)): the gate of {@code glu}.
 *
 * <p>Accuracy of the float32 forms against the float64 reference: ≤ 2 ulp or ≤ 1e-7 absolute.
 */
public final class Sigmoid extends ElementwiseActivation {
  public Sigmoid() {
    super("sigmoid", "1 / (1 + e^-x)",
        "Dauphin et al., ICML 2017 (as the GLU gate)", new AccuracyBound(2, 1e-7));
  }

  @Override
  public Expr expr(Params p) {
    return sigmoid(x());
  }

  @Override
  public ScalarFn scalar(Params p) {
    return x -> (float) (1.0 / (1.0 + Math.exp(-x)));
  }

  @Override
  public Kernel simd(Params p) {
    return new SigmoidSimd();
  }

  @Override
  public boolean zeroOnlyAtZero() {
    return true;
  }
}

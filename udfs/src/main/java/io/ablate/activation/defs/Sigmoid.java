package io.ablate.activation.defs;

import static io.ablate.expr.Expr.*;

import io.ablate.activation.AccuracyBound;
import io.ablate.activation.Activation;
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
public final class Sigmoid implements Activation {
  @Override
  public String name() {
    return "sigmoid";
  }

  @Override
  public Kind kind() {
    return Kind.ELEMENTWISE;
  }

  @Override
  public String formula() {
    return "1 / (1 + e^-x)";
  }

  @Override
  public String source() {
    return "Dauphin et al., ICML 2017 (as the GLU gate)";
  }

  @Override
  public AccuracyBound bound() {
    return new AccuracyBound(2, 1e-7);
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
}

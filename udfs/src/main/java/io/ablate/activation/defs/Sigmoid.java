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
 * <p>Accuracy of the float32 forms against the float64 reference: ≤ 3 ulp wherever the result is a normal float32, its left tail included; subnormal results within 3·2⁻¹⁴⁹ (SIMD: exp ≤ 1 ulp, the add and the division; measured ≤ 2.5 ulp).
 */
public final class Sigmoid extends ElementwiseActivation {
  public Sigmoid() {
    super("sigmoid", "1 / (1 + e^-x)",
        "Dauphin et al., ICML 2017 (as the GLU gate)", new AccuracyBound(3, AccuracyBound.SUBNORMAL));
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

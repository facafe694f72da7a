package io.ablate.activation.defs;

import static io.ablate.expr.Expr.*;

import io.ablate.activation.AccuracyBound;
import io.ablate.activation.ElementwiseActivation;
import io.ablate.activation.Params;
import io.ablate.expr.Expr;
import io.ablate.kernel.Kernel;
import io.ablate.kernel.ScalarFn;
import io.ablate.kernel.simd.GeluSigmoidSimd;

/**
 * GELU, sigmoid approximation x·σ(1.702·x) (Hendrycks &amp; Gimpel 2016).
 *
 * <p>Accuracy of the float32 forms against the float64 reference: ≤ 3 ulp or ≤ 1e-7 absolute (SIMD: exp ≤ 1 ulp, its rounded argument, the add and the division; measured ≤ 1.6 ulp).
 */
public final class GeluSigmoid extends ElementwiseActivation {
  public GeluSigmoid() {
    super("gelu_sigmoid", "x * sigmoid(1.702 * x)",
        "Hendrycks & Gimpel, arXiv:1606.08415", new AccuracyBound(3, 1e-7));
  }

  @Override
  public Expr expr(Params p) {
    return Shapes.minusZeroAtMinusInf(timesSigmoid(x(), mul(1.702, x())));
  }

  @Override
  public ScalarFn scalar(Params p) {
    return x -> Shapes.timesSigmoid(x, 1.702 * x);
  }

  @Override
  public Kernel simd(Params p) {
    return new GeluSigmoidSimd();
  }

  @Override
  public boolean zeroOnlyAtZero() {
    return true;
  }
}

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
 * <p>Accuracy of the float32 forms against the float64 reference: ≤ 3 ulp wherever the result is a normal float32, its left tail included; subnormal results within 3·2⁻¹⁴⁹ (SIMD: exp ≤ 1 ulp, the add and the division; the argument 1.702·x's rounding, which e^−1.702x would amplify by 1.702|x|, is compensated; measured ≤ 2.4 ulp).
 */
public final class GeluSigmoid extends ElementwiseActivation {
  public GeluSigmoid() {
    super("gelu_sigmoid", "x * sigmoid(1.702 * x)",
        "Hendrycks & Gimpel, arXiv:1606.08415", new AccuracyBound(3, AccuracyBound.SUBNORMAL));
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

package io.ablate.activation.defs;

import static io.ablate.expr.Expr.*;

import io.ablate.activation.AccuracyBound;
import io.ablate.activation.ElementwiseActivation;
import io.ablate.activation.Params;
import io.ablate.expr.Expr;
import io.ablate.kernel.Kernel;
import io.ablate.kernel.ScalarFn;
import io.ablate.kernel.simd.GeluTanhSimd;

/**
 * GELU, tanh approximation ½·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) (Hendrycks &amp; Gimpel
 * 2016; GPT-2's "gelu_new"), computed as x·σ(2·√(2/π)·(x + 0.044715·x³)), which is the same function
 * without the cancellation of 1 + tanh for negative x.
 *
 * <p>Accuracy of the float32 forms against the float64 reference: within the bound wherever the
 * result is a normal float32, left tail included (SIMD: exp ≤ 1 ulp, the add and the division,
 * with the sigmoid argument's rounding compensated; see {@link io.ablate.kernel.simd.GeluTanhSimd}).
 */
public final class GeluTanh extends ElementwiseActivation {
  private static final double K = 2 * Math.sqrt(2 / Math.PI);

  public GeluTanh() {
    super("gelu_tanh", "0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * x^3)))",
        "Hendrycks & Gimpel, arXiv:1606.08415", new AccuracyBound(3, AccuracyBound.SUBNORMAL));
  }

  @Override
  public Expr expr(Params p) {
    return Shapes.minusZeroAtMinusInf(
        timesSigmoid(x(), mul(K, add(x(), mul(0.044715, mul(x(), mul(x(), x())))))));
  }

  @Override
  public ScalarFn scalar(Params p) {
    return x -> Shapes.timesSigmoid(x, K * (x + 0.044715 * x * (double) x * x));
  }

  @Override
  public Kernel simd(Params p) {
    return new GeluTanhSimd();
  }

  @Override
  public boolean zeroOnlyAtZero() {
    return true;
  }
}

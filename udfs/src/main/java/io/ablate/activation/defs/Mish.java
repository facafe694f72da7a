package io.ablate.activation.defs;

import static io.ablate.expr.Expr.*;

import io.ablate.activation.AccuracyBound;
import io.ablate.activation.ElementwiseActivation;
import io.ablate.activation.Params;
import io.ablate.expr.Expr;
import io.ablate.kernel.Kernel;
import io.ablate.kernel.ScalarFn;
import io.ablate.kernel.simd.MishSimd;

/**
 * Mish, x·tanh(softplus(x)) (Misra 2019). The float32 forms use tanh(log(1 + eˣ)) = n/(n + 2)
 * with n = eˣ·(eˣ + 2), which needs one exponential and is exact in the limits.
 *
 * <p>Accuracy of the float32 forms against the float64 reference: within the bound wherever the
 * result is a normal float32, left tail included (SIMD: exp, four roundings; see
 * {@link io.ablate.kernel.simd.MishSimd}).
 */
public final class Mish extends ElementwiseActivation {
  public Mish() {
    super("mish", "x * tanh(ln(1 + e^x))",
        "Misra, arXiv:1908.08681", new AccuracyBound(4, AccuracyBound.SUBNORMAL));
  }

  @Override
  public Expr expr(Params p) {
    return Shapes.minusZeroAtMinusInf(mul(x(), tanh(log1p(exp(x())))));
  }

  @Override
  public ScalarFn scalar(Params p) {
    return x -> x == Float.NEGATIVE_INFINITY ? -0f : (float) (x * Math.tanh(Math.log1p(Math.exp(x))));
  }

  @Override
  public Kernel simd(Params p) {
    return new MishSimd();
  }

  @Override
  public boolean zeroOnlyAtZero() {
    return true;
  }
}

package io.ablate.activation.defs;

import static io.ablate.expr.Expr.*;

import io.ablate.activation.AccuracyBound;
import io.ablate.activation.ElementwiseActivation;
import io.ablate.activation.Params;
import io.ablate.expr.Expr;
import io.ablate.expr.FastErf;
import io.ablate.kernel.Kernel;
import io.ablate.kernel.ScalarFn;
import io.ablate.kernel.simd.GeluSimd;

/**
 * GELU, exact form x·Φ(x) = ½·x·erfc(−x/√2) (Hendrycks &amp; Gimpel 2016). The reference and the
 * scalar form use {@link FastErf#erfc} in double (1e-15 relative); the SIMD form
 * ({@link GeluSimd}) a rational fit of the normal tail's Mills ratio times e^(−x²/2) with its
 * argument split exactly; the GPU form Numerical Recipes' erfcc fit in double (1.2e-7 relative).
 *
 * <p>Accuracy of the float32 forms against the float64 reference: within the bound wherever the
 * result is a normal float32, left tail included (SIMD: the rational evaluated in float32, about
 * ten roundings, and the exponential; scalar ½ ulp, GPU 2.2).
 */
public final class Gelu extends ElementwiseActivation {
  private static final double INV_SQRT2 = 1 / Math.sqrt(2);

  public Gelu() {
    super("gelu", "x * Phi(x) = 0.5 * x * erfc(-x / sqrt(2))",
        "Hendrycks & Gimpel, arXiv:1606.08415", new AccuracyBound(7, AccuracyBound.SUBNORMAL));
  }

  @Override
  public Expr expr(Params p) {
    return Shapes.minusZeroAtMinusInf(mul(mul(c(0.5), x()), erfc(mul(-INV_SQRT2, x()))));
  }

  @Override
  public ScalarFn scalar(Params p) {
    return x -> x == Float.NEGATIVE_INFINITY ? -0f
        : (float) (0.5 * x * FastErf.erfc(-x * INV_SQRT2));
  }

  @Override
  public Kernel simd(Params p) {
    return new GeluSimd();
  }

  @Override
  public boolean zeroOnlyAtZero() {
    return true;
  }
}

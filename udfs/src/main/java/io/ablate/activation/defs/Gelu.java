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
 * GELU, exact form x·Φ(x) = ½·x·erfc(−x/√2) (Hendrycks &amp; Gimpel 2016). The reference uses
 * {@link io.ablate.expr.Erf#erfc}; the float32 forms use the erfcc fit (relative error &lt; 1.2e-7).
 *
 * <p>Accuracy of the float32 forms against the float64 reference: ≤ 2.5 ulp or ≤ 1e-7 absolute (SIMD: erfcc's 1.2e-7 and float32 evaluation of its exponent enter through x·h, h ≤ ½; measured ≤ 1.9 ulp).
 */
public final class Gelu extends ElementwiseActivation {
  private static final double INV_SQRT2 = 1 / Math.sqrt(2);

  public Gelu() {
    super("gelu", "x * Phi(x) = 0.5 * x * erfc(-x / sqrt(2))",
        "Hendrycks & Gimpel, arXiv:1606.08415", new AccuracyBound(2.5, 1e-7));
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

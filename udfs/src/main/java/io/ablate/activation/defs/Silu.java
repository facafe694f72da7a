package io.ablate.activation.defs;

import static io.ablate.expr.Expr.*;

import io.ablate.activation.AccuracyBound;
import io.ablate.activation.ElementwiseActivation;
import io.ablate.activation.Params;
import io.ablate.expr.Expr;
import io.ablate.kernel.Kernel;
import io.ablate.kernel.ScalarFn;
import io.ablate.kernel.simd.SiluSimd;

/**
 * SiLU, x·σ(x) (Elfwing et al. 2018; Swish with β = 1).
 *
 * <p>Accuracy of the float32 forms against the float64 reference: ≤ 3 ulp wherever the result is a normal float32, its tails included; subnormal results within 3·2⁻¹⁴⁹ (SIMD: exp ≤ 1 ulp, the add and the division; measured ≤ 2.3 ulp).
 */
public final class Silu extends ElementwiseActivation {
  public Silu() {
    super("silu", "x * sigmoid(x)",
        "Elfwing, Uchibe & Doya, Neural Networks 2018", new AccuracyBound(3, AccuracyBound.SUBNORMAL));
  }

  @Override
  public Expr expr(Params p) {
    return Shapes.minusZeroAtMinusInf(timesSigmoid(x(), x()));
  }

  @Override
  public ScalarFn scalar(Params p) {
    return x -> Shapes.timesSigmoid(x, x);
  }

  @Override
  public Kernel simd(Params p) {
    return new SiluSimd();
  }

  @Override
  public boolean zeroOnlyAtZero() {
    return true;
  }
}

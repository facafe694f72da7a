package io.ablate.activation.defs;

import static io.ablate.expr.Expr.*;

import io.ablate.activation.AccuracyBound;
import io.ablate.activation.ElementwiseActivation;
import io.ablate.activation.Param;
import io.ablate.activation.Params;
import io.ablate.expr.Expr;
import io.ablate.kernel.Kernel;
import io.ablate.kernel.ScalarFn;
import io.ablate.kernel.simd.SwishPowerOfTwoSimd;
import io.ablate.kernel.simd.SwishSimd;

/**
 * Swish, x·σ(β·x) (Ramachandran, Zoph &amp; Le 2017); β is learnable in the paper.
 *
 * <p>Accuracy of the float32 forms against the float64 reference: ≤ 3 ulp wherever the result is a normal float32, its left tail included; subnormal results within 3·2⁻¹⁴⁹ (SIMD: exp ≤ 1 ulp, the add and the division; the argument β·x's rounding, which e^−βx would amplify by |βx|, is compensated where β is not a power of two (else β·x is exact); measured ≤ 2.7 ulp).
 */
public final class Swish extends ElementwiseActivation {
  public Swish() {
    super("swish", "x * sigmoid(beta * x)",
        "Ramachandran, Zoph & Le, arXiv:1710.05941", new AccuracyBound(3, AccuracyBound.SUBNORMAL),
        Param.number("beta", 1.0, 0, true, "sigmoid slope"));
  }

  @Override
  public Expr expr(Params p) {
    return Shapes.minusZeroAtMinusInf(timesSigmoid(x(), mul(p.expr("beta"), x())));
  }

  @Override
  public ScalarFn scalar(Params p) {
    double beta = p.get("beta");
    return x -> Shapes.timesSigmoid(x, beta * x);
  }

  @Override
  public Kernel simd(Params p) {
    double beta = p.get("beta");
    return SwishPowerOfTwoSimd.applies(beta) ? new SwishPowerOfTwoSimd(beta) : new SwishSimd(beta);
  }

  @Override
  public boolean zeroOnlyAtZero() {
    return true;
  }
}

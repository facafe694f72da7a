package io.ablate.activation.defs;

import static io.ablate.expr.Expr.*;

import io.ablate.activation.AccuracyBound;
import io.ablate.activation.Activation;
import io.ablate.activation.Param;
import io.ablate.activation.Params;
import io.ablate.expr.Expr;
import io.ablate.kernel.Kernel;
import io.ablate.kernel.ScalarFn;
import io.ablate.kernel.simd.SwishSimd;
import java.util.List;

/**
 * Swish, x·σ(β·x) (Ramachandran, Zoph &amp; Le 2017); β is learnable in the paper.
 *
 * <p>Accuracy of the float32 forms against the float64 reference: ≤ 2 ulp or ≤ 1e-7 absolute.
 */
public final class Swish implements Activation {
  @Override
  public String name() {
    return "swish";
  }

  @Override
  public Kind kind() {
    return Kind.ELEMENTWISE;
  }

  @Override
  public List<Param> params() {
    return List.of(Param.number("beta", 1.0, 0, true, "sigmoid slope"));
  }

  @Override
  public String formula() {
    return "x * sigmoid(beta * x)";
  }

  @Override
  public String source() {
    return "Ramachandran, Zoph & Le, arXiv:1710.05941";
  }

  @Override
  public AccuracyBound bound() {
    return new AccuracyBound(2, 1e-7);
  }

  @Override
  public Expr expr(Params p) {
    return Shapes.minusZeroAtMinusInf(timesSigmoid(x(), mul(p.get("beta"), x())));
  }

  @Override
  public ScalarFn scalar(Params p) {
    double beta = p.get("beta");
    return x -> Shapes.timesSigmoid(x, beta * x);
  }

  @Override
  public Kernel simd(Params p) {
    return new SwishSimd(p.get("beta"));
  }
}

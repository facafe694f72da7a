package io.ablate.activation;

import io.ablate.expr.Expr;
import io.ablate.kernel.Kernel;
import io.ablate.kernel.ScalarFn;
import java.util.List;

/**
 * A gated linear unit {@code f(gate) · up} (Dauphin et al. 2017; Shazeer, "GLU Variants Improve
 * Transformer", 2020), defined by its elementwise gate function: its reference, kernels and GPU form
 * are those of the gate function, multiplied by {@code up} in the same pass. On one vector the layout
 * is {@code [gate | up]} and the output is half as long.
 */
public abstract class GatedActivation implements Activation {
  private final String name;
  private final Activation gate;
  private final String source;

  protected GatedActivation(String name, Activation gate, String source) {
    this.name = name;
    this.gate = gate;
    this.source = source;
  }

  /** The elementwise function applied to the gate. */
  public Activation gate() {
    return gate;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Kind kind() {
    return Kind.GATED;
  }

  @Override
  public List<Param> params() {
    return gate.params();
  }

  @Override
  public String formula() {
    return gate.name() + "(gate) · up";
  }

  @Override
  public String source() {
    return source;
  }

  /**
   * The gate's bound carried through the product: u ulp of f(gate) is a relative error of up to
   * u·2⁻²³, which is up to 2u ulp of the product wherever its significand falls; plus the product's
   * own rounding (½ ulp). The absolute floor scales with |up|.
   */
  @Override
  public AccuracyBound bound() {
    AccuracyBound g = gate.bound();
    return new AccuracyBound(2 * g.ulps() + 0.5, g.absolute());
  }

  /**
   * f(gate)·up. For a gate activation that is zero only at zero, f(gate) = ±0 at a non-zero finite
   * gate is an underflow (silu(−1024) is −0 even in float64), and times an infinite up the true
   * product is infinite with the signs' product, not 0·∞ = NaN: up·(1/f(gate)) gives exactly that.
   * The float32 forms follow the same rule ({@code ScalarKernel.gatedProduct}), so the float64
   * reference and every form agree where the gate underflows in either precision.
   */
  @Override
  public Expr expr(Params p) {
    Expr up = Expr.var(1);
    if (!zeroOnlyAtZero()) {
      return Expr.mul(gate.expr(p), up);
    }
    Expr inf = Expr.c(Double.POSITIVE_INFINITY);
    Expr zero = Expr.c(0);
    return Expr.let(gate.expr(p), f -> Expr.let(Expr.mul(f, up), product ->
        Expr.select(Expr.abs(up), Expr.Cmp.NE, inf, product,
            Expr.select(f, Expr.Cmp.NE, zero, product,
                Expr.select(Expr.x(), Expr.Cmp.EQ, zero, product,
                    Expr.select(Expr.abs(Expr.x()), Expr.Cmp.EQ, inf, product,
                        Expr.mul(up, Expr.div(Expr.c(1), f))))))));
  }

  @Override
  public ScalarFn scalar(Params p) {
    return gate.scalar(p);
  }

  @Override
  public Kernel simd(Params p) {
    return gate.simd(p);
  }

  @Override
  public boolean zeroOnlyAtZero() {
    return gate.zeroOnlyAtZero();
  }
}

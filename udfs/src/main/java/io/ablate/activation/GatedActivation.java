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

  @Override
  public Expr expr(Params p) {
    return Expr.mul(gate.expr(p), Expr.var(1));
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

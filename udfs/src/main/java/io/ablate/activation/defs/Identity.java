package io.ablate.activation.defs;

import static io.ablate.expr.Expr.*;

import io.ablate.activation.AccuracyBound;
import io.ablate.activation.ElementwiseActivation;
import io.ablate.activation.Params;
import io.ablate.expr.Expr;
import io.ablate.kernel.Kernel;
import io.ablate.kernel.ScalarFn;
import io.ablate.kernel.simd.IdentitySimd;

/**
 * The identity: the gate of {@code bilinear}.
 *
 * <p>Accuracy of the float32 forms against the float64 reference: exact.
 */
public final class Identity extends ElementwiseActivation {
  public Identity() {
    super("identity", "x",
        "Shazeer, arXiv:2002.05202 (bilinear GLU variant)", AccuracyBound.EXACT);
  }

  @Override
  public Expr expr(Params p) {
    return x();
  }

  @Override
  public ScalarFn scalar(Params p) {
    return x -> x;
  }

  @Override
  public Kernel simd(Params p) {
    return new IdentitySimd();
  }
}

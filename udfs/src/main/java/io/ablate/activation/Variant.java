package io.ablate.activation;

import static io.ablate.expr.Expr.c;
import static io.ablate.expr.Expr.div;
import static io.ablate.expr.Expr.max;
import static io.ablate.expr.Expr.min;
import static io.ablate.expr.Expr.mul;
import static io.ablate.expr.Expr.rint;

import io.ablate.expr.Expr;
import io.ablate.kernel.Kernel;
import io.ablate.kernel.PrecisionKernel;
import io.ablate.kernel.ReferenceKernel;
import io.ablate.kernel.ScalarKernel;
import io.ablate.kernel.Simd;
import io.ablate.precision.Precision;
import java.util.Optional;

/**
 * A resolved variant: an activation, its checked parameters and a precision. Hands out the variant's
 * forms: its definition, its kernels, and the expression its GPU form evaluates.
 */
public record Variant(Activation activation, Params params, Precision precision) {

  /** Which CPU implementation of a kernel to use. */
  public enum Impl {
    /** The float32 per-element loop. */
    SCALAR,
    /** The {@code jdk.incubator.vector} kernel (scalar when the module is absent). */
    SIMD,
    /** The float64 reference, rounded to float32. Slow; for checks. */
    REFERENCE
  }

  /** Canonical name: parameters spelled out (defaults included), precision unless fp32. */
  public String name() {
    String p = params.isEmpty() ? "" : "(" + params.text() + ")";
    String at = precision instanceof Precision.Float32 ? "" : "@" + precision.name();
    return activation.name() + p + at;
  }

  /** The activation with its parameters, without precision, e.g. {@code swish(beta=1.5)}. */
  public String functionName() {
    return activation.name() + (params.isEmpty() ? "" : "(" + params.text() + ")");
  }

  public boolean gated() {
    return activation.kind() == Activation.Kind.GATED;
  }

  /** Number of inputs of {@link #definition()}: 1, or 2 for gated (gate, up). */
  public int arity() {
    return gated() ? 2 : 1;
  }

  /** The activation's definition at full precision (the reference's formula). */
  public Expr definition() {
    return activation.expr(params);
  }

  /**
   * {@link #definition()} with the parameters as {@link Expr.Param}s (item by item for lists):
   * the same tree, for training the parameters.
   */
  public Expr symbolicDefinition() {
    return activation.expr(params.symbolic());
  }

  /**
   * The whole variant as one expression: inputs rounded to the precision, the definition, the output
   * rounded. Empty for dynamically calibrated int8, whose scale depends on the whole tensor.
   */
  public Optional<Expr> expression() {
    return atPrecision(definition());
  }

  /** {@link #expression()} over {@link #symbolicDefinition()}. */
  public Optional<Expr> symbolicExpression() {
    return atPrecision(symbolicDefinition());
  }

  private Optional<Expr> atPrecision(Expr f) {
    java.util.function.UnaryOperator<Expr> toPrecision;
    if (precision instanceof Precision.Reduced r) {
      toPrecision = e -> Expr.round(r.format(), e);
    } else if (precision instanceof Precision.Int8 q && q.isStatic()) {
      toPrecision = e -> quantise(e, q.scale());
    } else if (precision instanceof Precision.Int8) {
      return Optional.empty();
    } else {
      return Optional.of(f);
    }
    // Each input rounded once (bound, not copied into every place the definition reads it).
    Expr in0 = toPrecision.apply(Expr.var(0));
    if (!gated()) {
      return Optional.of(Expr.let(in0, x -> toPrecision.apply(Expr.substitute(f, x))));
    }
    Expr in1 = toPrecision.apply(Expr.var(1));
    return Optional.of(Expr.let(in0, g -> Expr.let(in1,
        u -> toPrecision.apply(Expr.substitute(f, g, u)))));
  }

  private static Expr quantise(Expr e, double scale) {
    return mul(max(c(-127), min(c(127), rint(div(e, c(scale))))), c(scale));
  }

  /** A CPU kernel of this variant (precision included). */
  public Kernel kernel(Impl impl) {
    Kernel base;
    if (impl == Impl.REFERENCE || precision instanceof Precision.Float64) {
      base = new ReferenceKernel(definition());
    } else if (impl == Impl.SIMD && Simd.available()) {
      base = activation.simd(params);
    } else {
      base = new ScalarKernel(activation.scalar(params), activation.zeroOnlyAtZero());
    }
    return PrecisionKernel.wrap(base, precision);
  }

  /** The fastest CPU kernel available here. */
  public Kernel kernel() {
    return kernel(Impl.SIMD);
  }

  @Override
  public String toString() {
    return name();
  }
}

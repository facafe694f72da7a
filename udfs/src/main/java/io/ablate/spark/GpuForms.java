package io.ablate.spark;

import com.nvidia.spark.RapidsUDF;
import io.ablate.activation.Variant;
import io.ablate.encoding.ColumnKind;
import io.ablate.encoding.Dtype;

/**
 * An activation call's two forms, as the SQL functions build them, for checks that run them side
 * by side (the GPU self-check): the {@code RapidsUDF} the plugin runs on the GPU and the CPU path of
 * the same call, on the values a {@code ScalaUDF} receives.
 */
public final class GpuForms {
  private final SqlCall call;

  /**
   * @param packed for a gated variant given one vector {@code [gate | up]} per row
   */
  public GpuForms(Variant variant, ColumnKind kind, Dtype dtype, boolean packed) {
    this.call = new SqlCall("act", variant, kind, dtype, packed);
  }

  /** Whether the variant has a GPU form at all. */
  public boolean hasGpuForm() {
    return call.variant().expression().isPresent();
  }

  /** The GPU form: a {@code RapidsUDF} of one or two data arguments. */
  public RapidsUDF gpu() {
    return call.dataArgs() == 1 ? new ActivationUdf1(call) : new ActivationUdf2(call);
  }

  /**
   * The CPU form on one row: Float, Double, a Scala sequence of boxed floats, or byte[] (the
   * second argument null unless the call takes gate and up apart); null for a null row.
   */
  public Object cpu(Object a, Object b) {
    return call.evalExternal(a, b);
  }

  /** The expression the GPU form evaluates, in float64 (the variant's, expanded for cuDF). */
  public io.ablate.expr.Expr expression() {
    return call.gpuExpression();
  }

  /** The number of data arguments: 2 for a gated variant given gate and up apart. */
  public int dataArgs() {
    return call.dataArgs();
  }
}

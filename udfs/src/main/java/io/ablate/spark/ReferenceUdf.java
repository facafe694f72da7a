package io.ablate.spark;

import ai.rapids.cudf.ColumnVector;
import com.nvidia.spark.RapidsUDF;
import io.ablate.AblateException;
import io.ablate.activation.Catalogue;
import io.ablate.activation.Variant;
import io.ablate.expr.BlockInterpreter;
import io.ablate.expr.Expr;
import io.ablate.expr.GpuExpansion;
import io.ablate.gpu.GpuVectors;
import java.io.Serializable;
import scala.runtime.AbstractFunction1;

/**
 * {@code ablate_reference(variant, x)}: the variant's float64 definition over each vector, as
 * {@code array<double>} (gated variants: x is {@code [gate | up]}, the output half as long). The
 * CPU path evaluates the definition with {@link BlockInterpreter}, the GPU path the same
 * definition expanded into cuDF's operators ({@link GpuExpansion}), in float64.
 */
final class ReferenceUdf extends AbstractFunction1<Object, Object>
    implements RapidsUDF, Serializable {
  private static final long serialVersionUID = 1L;

  private final String variant;
  private final boolean gated;
  private transient BlockInterpreter.Block block;
  private transient Expr gpuExpression;

  ReferenceUdf(Variant variant) {
    this.variant = variant.name();
    this.gated = variant.gated();
  }

  @Override
  public Object apply(Object seq) {
    if (seq == null) {
      return null;
    }
    if (block == null) {
      block = BlockInterpreter.compile(Catalogue.variant(variant).definition());
    }
    float[] x = PlanFunctions.floats(seq);
    int n = gated ? x.length / 2 : x.length;
    if (gated && x.length % 2 != 0) {
      throw AblateException.badInput("%s(%s): a [gate | up] vector has odd length %d",
          PlanFunctions.REFERENCE, variant, x.length);
    }
    double[][] args = {new double[n], new double[n]};
    for (int i = 0; i < n; i++) {
      args[0][i] = x[i];
      args[1][i] = gated ? x[n + i] : 0;
    }
    double[] out = new double[n];
    block.eval(args, out, n);
    Object[] boxed = new Object[n];
    for (int i = 0; i < n; i++) {
      boxed[i] = out[i];
    }
    return boxed;
  }

  @Override
  public ColumnVector evaluateColumnar(int numRows, ColumnVector... args) {
    if (gpuExpression == null) {
      gpuExpression = GpuExpansion.expand(Catalogue.variant(variant).definition());
    }
    return GpuVectors.reference(gpuExpression, gated, args[0]);
  }
}

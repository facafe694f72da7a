package io.ablate.spark;

import ai.rapids.cudf.ColumnVector;
import com.nvidia.spark.RapidsUDF;
import io.ablate.expr.Expr;
import io.ablate.gpu.GpuActivation;
import java.io.Serializable;
import scala.runtime.AbstractFunction1;

/**
 * The GPU-capable form of an activation call with 1 data argument: the function of a
 * {@code ScalaUDF} that also implements {@link RapidsUDF}, so the RAPIDS Accelerator runs
 * {@link #evaluateColumnar} on the GPU; {@link #apply} is the CPU path of the same call.
 */
public final class ActivationUdf1 extends AbstractFunction1<Object, Object>
    implements RapidsUDF, Serializable {
  private static final long serialVersionUID = 1L;

  private final SqlCall call;
  private transient Expr gpuExpression;

  public ActivationUdf1(SqlCall call) {
    this.call = call;
  }

  @Override
  public Object apply(Object a) {
    return call.evalExternal(a, null);
  }

  @Override
  public ColumnVector evaluateColumnar(int numRows, ColumnVector... args) {
    if (gpuExpression == null) {
      gpuExpression = call.gpuExpression();
    }
    return GpuActivation.apply(gpuExpression, call.kind(), call.dtype(), call.packed(), args);
  }
}

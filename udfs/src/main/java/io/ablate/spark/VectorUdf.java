package io.ablate.spark;

import ai.rapids.cudf.ColumnVector;
import com.nvidia.spark.RapidsUDF;
import io.ablate.encoding.Dtype;
import io.ablate.gpu.GpuVectors;
import java.io.Serializable;
import scala.runtime.AbstractFunction1;

/** {@code ablate_vector(data, dtype)}: binary vectors as {@code array<float>}, on the GPU or not. */
final class VectorUdf extends AbstractFunction1<Object, Object> implements RapidsUDF, Serializable {
  private static final long serialVersionUID = 1L;

  private final Dtype dtype;

  VectorUdf(Dtype dtype) {
    this.dtype = dtype;
  }

  @Override
  public Object apply(Object bytes) {
    if (bytes == null) {
      return null;
    }
    float[] v = dtype.decode((byte[]) bytes);
    Object[] boxed = new Object[v.length];
    for (int i = 0; i < v.length; i++) {
      boxed[i] = v[i];
    }
    return boxed;
  }

  @Override
  public ColumnVector evaluateColumnar(int numRows, ColumnVector... args) {
    return GpuVectors.decode(args[0], dtype);
  }
}

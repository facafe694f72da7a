package io.ablate.profile;

import ai.rapids.cudf.ColumnVector;
import com.nvidia.spark.RapidsUDF;
import io.ablate.spark.PlanFunctions;
import java.io.Serializable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.runtime.AbstractFunction1;

/**
 * {@code ablate_value_group(x)}: one vector's {@link ValueStats.Group} (finite values, zeros, NaN,
 * ±Inf, min, max, the power sums) as a struct, the per-row reduction of the profile plan. The CPU
 * path is {@link ValueStats#group} (the pass's own arithmetic and lanes); the GPU path computes
 * the same counts and extremes with cuDF and each power sum as one float64 segmented sum ({@link
 * GpuValueGroups}).
 */
final class ValueGroupUdf extends AbstractFunction1<Object, Object>
    implements RapidsUDF, Serializable {
  private static final long serialVersionUID = 1L;

  /** The struct's fields, in {@link ValueStats.Group}'s order. */
  static final StructType SCHEMA = new StructType()
      .add("n", DataTypes.LongType).add("zeros", DataTypes.LongType)
      .add("nans", DataTypes.LongType).add("infs", DataTypes.LongType)
      .add("min", DataTypes.FloatType).add("max", DataTypes.FloatType)
      .add("sums", DataTypes.createArrayType(DataTypes.DoubleType, false));

  @Override
  public Object apply(Object x) {
    if (x == null) {
      return null;
    }
    float[] v = PlanFunctions.floats(x);
    ValueStats.Group g = ValueStats.group(v, 0, v.length);
    Object[] sums = new Object[g.sums().length];
    for (int i = 0; i < sums.length; i++) {
      sums[i] = g.sums()[i];
    }
    return RowFactory.create(g.n(), g.zeros(), g.nans(), g.infs(), g.min(), g.max(), sums);
  }

  /** A group from a struct of {@link #SCHEMA}. */
  static ValueStats.Group fromRow(Row s) {
    scala.collection.Seq<Object> sums = s.getSeq(6);
    double[] d = new double[sums.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = (Double) sums.apply(i);
    }
    return new ValueStats.Group(s.getLong(0), s.getLong(1), s.getLong(2), s.getLong(3),
        s.getFloat(4), s.getFloat(5), d);
  }

  @Override
  public ColumnVector evaluateColumnar(int numRows, ColumnVector... args) {
    return GpuValueGroups.groups(args[0]);
  }
}

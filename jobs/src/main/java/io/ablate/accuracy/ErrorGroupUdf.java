package io.ablate.accuracy;

import ai.rapids.cudf.ColumnVector;
import com.nvidia.spark.RapidsUDF;
import io.ablate.spark.PlanFunctions;
import java.io.Serializable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.runtime.AbstractFunction3;

/**
 * {@code ablate_error_group(x, y, r)}: one vector's {@link ErrorStats.Group} (counts, maxima, the
 * five sums) from its inputs {@code x}, a variant's outputs {@code y} and the reference {@code r},
 * as a struct: the per-row reduction of the accuracy pass's plan. Gated: {@code x} is {@code [gate
 * | up]} and an element's input class is judged by its gate and up as the pass judges it. The CPU
 * path is {@link ErrorStats#group} (the pass's own arithmetic: its sums are the pass's bits); the
 * GPU path computes the same classes, counts and maxima with cuDF and the sums as float64
 * segmented sums ({@link GpuErrorGroups}).
 */
final class ErrorGroupUdf extends AbstractFunction3<Object, Object, Object, Object>
    implements RapidsUDF, Serializable {
  private static final long serialVersionUID = 1L;

  /** The struct's fields, in {@link ErrorStats.Group}'s order. */
  static final StructType SCHEMA = new StructType()
      .add("n", DataTypes.LongType).add("nan_in", DataTypes.LongType)
      .add("inf_in", DataTypes.LongType).add("nan_out", DataTypes.LongType)
      .add("special", DataTypes.LongType).add("special_mismatch", DataTypes.LongType)
      .add("compared", DataTypes.LongType).add("zeros_out", DataTypes.LongType)
      .add("ulp_excluded", DataTypes.LongType)
      .add("max_abs", DataTypes.DoubleType).add("max_rel", DataTypes.DoubleType)
      .add("max_ulp", DataTypes.DoubleType)
      .add("abs_err", DataTypes.DoubleType).add("abs_err_comp", DataTypes.DoubleType)
      .add("sq_err", DataTypes.DoubleType).add("sq_err_comp", DataTypes.DoubleType)
      .add("sq_ref", DataTypes.DoubleType).add("sq_ref_comp", DataTypes.DoubleType)
      .add("sq_out", DataTypes.DoubleType).add("sq_out_comp", DataTypes.DoubleType)
      .add("ref_out", DataTypes.DoubleType).add("ref_out_comp", DataTypes.DoubleType);

  private final boolean gated;

  ErrorGroupUdf(boolean gated) {
    this.gated = gated;
  }

  @Override
  public Object apply(Object x, Object y, Object r) {
    if (x == null || y == null || r == null) {
      return null;
    }
    return row(group(PlanFunctions.floats(x), PlanFunctions.floats(y), PlanFunctions.doubles(r),
        gated));
  }

  /** One vector's group, judged as {@link AccuracyPass} judges it. */
  static ErrorStats.Group group(float[] x, float[] y, double[] r, boolean gated) {
    int n = y.length;
    if (r.length != n || x.length != (gated ? 2 * n : n)) {
      throw new IllegalArgumentException("vector lengths differ: input " + x.length + ", output "
          + n + ", reference " + r.length);
    }
    return ErrorStats.group(gated ? AccuracyPass.gatedInputs(x, n, new float[n]) : x, y, r, n);
  }

  static Row row(ErrorStats.Group g) {
    return RowFactory.create(g.n(), g.nanIn(), g.infIn(), g.nanOut(), g.special(),
        g.specialMismatch(), g.compared(), g.zerosOut(), g.ulpExcluded(), g.maxAbs(), g.maxRel(), g.maxUlp(),
        g.absErr(), g.absErrComp(), g.sqErr(), g.sqErrComp(), g.sqRef(), g.sqRefComp(), g.sqOut(),
        g.sqOutComp(), g.refOut(), g.refOutComp());
  }

  /** A group from a struct of {@link #SCHEMA}. */
  static ErrorStats.Group fromRow(Row s) {
    return new ErrorStats.Group(s.getLong(0), s.getLong(1), s.getLong(2), s.getLong(3),
        s.getLong(4), s.getLong(5), s.getLong(6), s.getLong(7), s.getLong(8), s.getDouble(9),
        s.getDouble(10), s.getDouble(11), s.getDouble(12), s.getDouble(13), s.getDouble(14),
        s.getDouble(15), s.getDouble(16), s.getDouble(17), s.getDouble(18), s.getDouble(19),
        s.getDouble(20), s.getDouble(21));
  }

  @Override
  public ColumnVector evaluateColumnar(int numRows, ColumnVector... args) {
    return GpuErrorGroups.groups(gated, args[0], args[1], args[2]);
  }
}

package io.ablate.profile;

import ai.rapids.cudf.ColumnVector;
import com.nvidia.spark.RapidsUDF;
import io.ablate.spark.PlanFunctions;
import java.io.Serializable;
import scala.runtime.AbstractFunction1;

/**
 * {@code ablate_value_buckets(x, offset)}: each element's histogram code plus {@code offset}, null
 * for NaN and ±Inf: the profile plan explodes these and counts them per key. A code is the value's
 * {@link ValueStats#bucket} (its top 16 bits), but exact zeros have codes of their own, {@link
 * #POSITIVE_ZERO} and {@link #NEGATIVE_ZERO}, so that a sketch built from the histogram holds them
 * as zeros. The offset (a literal) keeps the codes of the raw values and of each variant apart in
 * one column.
 */
final class BucketsUdf extends AbstractFunction1<Object, Object>
    implements RapidsUDF, Serializable {
  private static final long serialVersionUID = 1L;
  static final int POSITIVE_ZERO = ValueStats.BUCKETS;
  static final int NEGATIVE_ZERO = ValueStats.BUCKETS + 1;
  /** The codes of one series of values: 0 .. CODES − 1. */
  static final int CODES = ValueStats.BUCKETS + 2;

  private final int offset;

  BucketsUdf(int offset) {
    this.offset = offset;
  }

  /** The code of a value; −1 for NaN and ±Inf. */
  static int code(float v) {
    if (!Float.isFinite(v)) {
      return -1;
    } else if (v == 0f) {
      return Float.floatToRawIntBits(v) < 0 ? NEGATIVE_ZERO : POSITIVE_ZERO;
    }
    return ValueStats.bucket(v);
  }

  /** The histogram bucket ({@link ValueStats#bucket}) of the values of a code. */
  static int bucketOf(int code) {
    return code == POSITIVE_ZERO ? 0 : code == NEGATIVE_ZERO ? 0x8000 : code;
  }

  /**
   * The value that stands for a code's values in a sketch: the zero itself, else the middle of
   * the bucket's range (the values of a bucket share sign and exponent: half a bucket is 2^-8 of
   * the value, relative, at most).
   */
  static float representative(int code) {
    return code == POSITIVE_ZERO ? 0f : code == NEGATIVE_ZERO ? -0f
        : Float.intBitsToFloat((code << 16) | 0x8000);
  }

  @Override
  public Object apply(Object x) {
    if (x == null) {
      return null;
    }
    float[] v = PlanFunctions.floats(x);
    Object[] codes = new Object[v.length];
    for (int i = 0; i < v.length; i++) {
      int c = code(v[i]);
      codes[i] = c < 0 ? null : c + offset;
    }
    return codes;
  }

  @Override
  public ColumnVector evaluateColumnar(int numRows, ColumnVector... args) {
    return GpuValueGroups.buckets(args[0], offset);
  }
}

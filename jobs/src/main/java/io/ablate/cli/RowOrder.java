package io.ablate.cli;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;

/**
 * Rows in Spark SQL's ascending order ({@code ORDER BY c1, c2, ...}), on the driver: nulls first;
 * strings and binary by their bytes, unsigned; doubles and floats with NaN above every number and
 * −0 equal to 0; then by value. What {@code ablate report} sorts by, without a Spark session.
 */
final class RowOrder {
  private RowOrder() {}

  /** Whether Spark can order a column of type {@code t} (the report sorts by these). */
  static boolean orderable(DataType t) {
    return t instanceof NumericType || t instanceof StringType || t instanceof BooleanType
        || t instanceof DateType || t instanceof TimestampType || t instanceof TimestampNTZType
        || t instanceof BinaryType;
  }

  /** Rows ordered by the columns at {@code indices}, in that order. */
  static Comparator<Row> by(List<Integer> indices) {
    return (a, b) -> {
      for (int i : indices) {
        int c = compare(a.get(i), b.get(i));
        if (c != 0) {
          return c;
        }
      }
      return 0;
    };
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  static int compare(Object a, Object b) {
    if (a == null || b == null) {
      return a == null ? (b == null ? 0 : -1) : 1;
    } else if (a instanceof Double || a instanceof Float) {
      double x = ((Number) a).doubleValue();
      double y = ((Number) b).doubleValue();
      return x == y ? 0 : Double.compare(x, y); // x == y: −0 equals 0; NaN sorts last
    } else if (a instanceof String s) {
      return Arrays.compareUnsigned(s.getBytes(StandardCharsets.UTF_8),
          ((String) b).getBytes(StandardCharsets.UTF_8));
    } else if (a instanceof byte[] x) {
      return Arrays.compareUnsigned(x, (byte[]) b);
    }
    return ((Comparable) a).compareTo(b);
  }
}

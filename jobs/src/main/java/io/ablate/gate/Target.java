package io.ablate.gate;

import io.ablate.repository.Tables;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;

/**
 * A row gates are checked against: what it is about, its other key columns as text, its numeric
 * values by column and, for {@code _delta} and {@code _ratio} metrics, the values it is compared
 * with (empty when it has none). A value absent from a map is missing.
 *
 * @param subject the row's variant or variant config
 * @param key the row's other key columns as text ({@link #keyText})
 */
public record Target(String subject, String key, Map<String, Double> values,
    Map<String, Double> baseline) {
  public Target {
    values = Collections.unmodifiableMap(new HashMap<>(values));
    baseline = Collections.unmodifiableMap(new HashMap<>(baseline));
  }

  /**
   * The target of a row with a schema: the subject from {@code subjectColumn}, the key from
   * {@code keyColumns}, the values of its numeric columns; {@code baseline} another such row, or
   * null.
   */
  public static Target of(Row row, String subjectColumn, List<String> keyColumns, Row baseline) {
    return new Target(row.getAs(subjectColumn), keyText(row, keyColumns), numbers(row),
        baseline == null ? Map.of() : numbers(baseline));
  }

  /** The key columns of {@code table} other than {@code run_id} and the subject's, in order. */
  public static List<String> otherKeys(String table, String subjectColumn) {
    return Tables.KEYS.get(table).stream()
        .filter(c -> !c.equals("run_id") && !c.equals(subjectColumn)).toList();
  }

  /**
   * Key columns as text, in the order given: {@code model=m checkpoint=c layer=3 site=ffn.pre};
   * a column whose value is null, or that the row does not have, is left out.
   */
  public static String keyText(Row row, List<String> columns) {
    StringJoiner out = new StringJoiner(" ");
    for (String c : columns) {
      Object v = row.schema().getFieldIndex(c).isDefined() ? row.get(row.fieldIndex(c)) : null;
      if (v != null) {
        out.add(c + "=" + v);
      }
    }
    return out.toString();
  }

  /** The numeric columns of a row with a schema, as doubles (null stays null). */
  public static Map<String, Double> numbers(Row row) {
    Map<String, Double> out = new HashMap<>();
    StructField[] fields = row.schema().fields();
    for (int i = 0; i < fields.length; i++) {
      if (fields[i].dataType() instanceof NumericType && !row.isNullAt(i)) {
        out.put(fields[i].name(), ((Number) row.get(i)).doubleValue());
      }
    }
    return out;
  }
}

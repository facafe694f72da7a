package io.ablate.gate;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * One gate checked against one row: a row of the {@code gates} table.
 *
 * @param tableName the table whose rows were checked ({@code accuracy}, {@code prompt_eval},
 *     {@code comparisons})
 * @param value the metric's value, null when missing (null or NaN)
 */
public record GateCheck(Gate gate, Metric metric, String tableName, String subject, String key,
    Double value, Gate.Verdict verdict) {
  public boolean passed() {
    return verdict.pass();
  }

  /** The row of {@link io.ablate.repository.Tables#GATES_SCHEMA}. */
  public Row toRow() {
    return RowFactory.create(gate.text(), tableName, subject, key, metric.name(),
        gate.op().symbol(), gate.threshold(), value, verdict.status(), verdict.reason());
  }
}

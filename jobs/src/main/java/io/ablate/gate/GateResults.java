package io.ablate.gate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;

/**
 * The checks of a run's gates: every (gate, row) checked, pass or fail.
 *
 * @param gates the gates, in the order given (empty: the run had none)
 */
public record GateResults(List<Gate> gates, List<GateCheck> checks) {
  public GateResults {
    gates = List.copyOf(gates);
    checks = List.copyOf(checks);
  }

  /** Whether any check failed: the run's command exits with 3. */
  public boolean tripped() {
    return checks.stream().anyMatch(c -> !c.passed());
  }

  public List<GateCheck> failures() {
    return checks.stream().filter(c -> !c.passed()).toList();
  }

  /** How many rows each gate checked, by gate text, every gate listed (0 when none matched). */
  public Map<String, Long> rowsPerGate() {
    Map<String, Long> out = new LinkedHashMap<>();
    gates.forEach(g -> out.put(g.text(), 0L));
    checks.forEach(c -> out.merge(c.gate().text(), 1L, Long::sum));
    return out;
  }

  /** The rows of the {@code gates} table. */
  public List<Row> rows() {
    return checks.stream().map(GateCheck::toRow).toList();
  }
}

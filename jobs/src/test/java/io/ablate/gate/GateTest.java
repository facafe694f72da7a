package io.ablate.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ablate.AblateException;
import io.ablate.repository.Tables;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Gate syntax, verdicts at the boundaries, missing values, and binding to a table's rows. */
class GateTest {
  @Test
  void parsesSubjectMetricOperatorAndAnyDoubleLiteral() {
    Gate plain = Gate.parse("snr_db>=40");
    assertNull(plain.subject());
    assertEquals("snr_db", plain.metric());
    assertEquals(Gate.Op.GE, plain.op());
    assertEquals(40.0, plain.threshold());
    Gate spaced = Gate.parse("  gelu@int8 : max_abs_err <= 1e-3 ");
    assertEquals("gelu@int8 : max_abs_err <= 1e-3", spaced.text());
    assertEquals("gelu@int8", spaced.subject());
    assertEquals("max_abs_err", spaced.metric());
    assertEquals(Gate.Op.LE, spaced.op());
    assertEquals(1e-3, spaced.threshold());
    // Variant configs hold ':' and ',': the subject runs to the last ':' before the metric.
    Gate config = Gate.parse("0-1:relu,*:gelu@int8:mean_kl_delta<1E-2");
    assertEquals("0-1:relu,*:gelu@int8", config.subject());
    assertEquals("mean_kl_delta", config.metric());
    assertEquals(Gate.Op.LT, config.op());
    assertEquals(0.01, config.threshold());
    assertEquals(Gate.Op.GT, Gate.parse("cos_sim>-Infinity").op());
    assertEquals(Double.NEGATIVE_INFINITY, Gate.parse("cos_sim>-Infinity").threshold());
    assertEquals(0.125, Gate.parse("x<0x1p-3").threshold());
    assertEquals(-2.5, Gate.parse("x>=-2.5d").threshold());
  }

  @Test
  void malformedGatesNameTheTextAndWhatIsValid() {
    for (String bad : List.of("snr_db=40", "snr_db", ">=40", "snr_db=>40", "9lives>=1",
        "snr db>=1", "")) {
      AblateException e = assertThrows(AblateException.class, () -> Gate.parse(bad), bad);
      assertEquals(2, e.exitCode());
      assertTrue(e.getMessage().contains("gate '" + bad.trim() + "' is not valid: expected "
          + "[SUBJECT:]METRIC OP NUMBER with OP one of >=, <=, >, <"), e.getMessage());
    }
    AblateException word = assertThrows(AblateException.class,
        () -> Gate.parse("snr_db>=forty"));
    assertTrue(word.getMessage().contains("gate 'snr_db>=forty': 'forty' is not a number"),
        word.getMessage());
    assertTrue(assertThrows(AblateException.class, () -> Gate.parse("snr_db>="))
        .getMessage().contains("'' is not a number"));
    assertTrue(assertThrows(AblateException.class, () -> Gate.parse(" :snr_db>=1"))
        .getMessage().contains("gate ':snr_db>=1' has an empty subject"));
    assertTrue(assertThrows(AblateException.class, () -> Gate.parse("snr_db>=NaN"))
        .getMessage().contains("the threshold is NaN"));
  }

  @Test
  void verdictsAtTheBoundaryMissingValuesAndInfinities() {
    Gate ge = Gate.parse("m>=30");
    assertTrue(ge.evaluate(30.0).pass());
    assertNull(ge.evaluate(30.0).reason());
    assertEquals("pass", ge.evaluate(30.0).status());
    Gate.Verdict low = ge.evaluate(12.3);
    assertFalse(low.pass());
    assertEquals("fail", low.status());
    assertEquals("12.3 < 30", low.reason());
    assertEquals("30 <= 30", Gate.parse("m>30").evaluate(30.0).reason());
    assertTrue(Gate.parse("m<=1e-3").evaluate(1e-3).pass());
    assertEquals("0.001 >= 0.001", Gate.parse("m<1e-3").evaluate(1e-3).reason());
    assertEquals("1.5e-05 > 1e-05", Gate.parse("m<=1e-5").evaluate(1.5e-5).reason());
    // null and NaN are missing and fail; infinities compare as numbers.
    assertEquals(new Gate.Verdict(false, "missing value"), ge.evaluate(null));
    assertEquals(new Gate.Verdict(false, "missing value"), ge.evaluate(Double.NaN));
    assertTrue(ge.evaluate(Double.POSITIVE_INFINITY).pass());
    assertEquals("-Infinity < 30", ge.evaluate(Double.NEGATIVE_INFINITY).reason());
    assertTrue(Gate.parse("m<=Infinity").evaluate(Double.POSITIVE_INFINITY).pass());
    assertFalse(Gate.parse("m<Infinity").evaluate(Double.POSITIVE_INFINITY).pass());
  }

  @Test
  void deltaAndRatioOfEqualValuesInfinitiesAndMissingOnes() {
    assertEquals(-10.0, Metric.delta(40.0, 50.0));
    assertEquals(0.8, Metric.ratio(40.0, 50.0));
    // Two runs without error (SNR +Inf): no change; 0/0 likewise.
    assertEquals(0.0, Metric.delta(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY));
    assertEquals(1.0, Metric.ratio(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY));
    assertEquals(1.0, Metric.ratio(0.0, 0.0));
    assertEquals(Double.POSITIVE_INFINITY, Metric.ratio(1.0, 0.0));
    assertEquals(Double.NEGATIVE_INFINITY, Metric.delta(Double.NEGATIVE_INFINITY, 50.0));
    assertNull(Metric.ratio(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY));
    assertNull(Metric.delta(null, 1.0));
    assertNull(Metric.delta(1.0, Double.NaN));
    assertNull(Metric.ratio(Double.NaN, 1.0));
    Metric m = new Metric("x_ratio", "x", Metric.Form.RATIO);
    assertEquals(2.0, m.of(4.0, 2.0));
    assertNull(new Metric("x", "x", Metric.Form.VALUE).of(Double.NaN, null));
  }

  private static Gates accuracyGates(String... gates) {
    return Gates.bind(List.of(gates).stream().map(Gate::parse).toList(), Tables.ACCURACY,
        Gates.metricColumns(Tables.ACCURACY, Tables.ACCURACY_SCHEMA), Set.of(Metric.Form.VALUE),
        "variant", List.of("relu", "gelu@int8"), text -> text.replace("@fp32", ""));
  }

  @Test
  void bindingRejectsUnknownMetricsAndSubjectsListingTheValidOnes() {
    List<String> metrics = Gates.metricColumns(Tables.ACCURACY, Tables.ACCURACY_SCHEMA);
    assertFalse(metrics.contains("layer"), "key columns are not metrics");
    assertTrue(metrics.containsAll(List.of("n", "max_abs_err", "snr_db", "sparsity_out")));
    AblateException metric = assertThrows(AblateException.class,
        () -> accuracyGates("snr>=40"));
    assertEquals(2, metric.exitCode());
    assertTrue(metric.getMessage().contains("gate 'snr>=40': unknown metric 'snr'; valid: n, "
        + "nan_in, inf_in, nan_out, max_abs_err"), metric.getMessage());
    // A _delta where there is nothing to compare with is no metric.
    assertThrows(AblateException.class, () -> accuracyGates("snr_db_delta>=0"));
    AblateException subject = assertThrows(AblateException.class,
        () -> accuracyGates("silu:snr_db>=40"));
    assertTrue(subject.getMessage().contains("gate 'silu:snr_db>=40': variant 'silu' is not "
        + "among the variants checked: gelu@int8, relu"), subject.getMessage());
    // Another spelling of a subject is taken in the rows' spelling.
    Gates spelled = accuracyGates("relu@fp32:snr_db>=40");
    assertEquals(Set.of("snr_db"), spelled.columns());
    GateResults r = spelled.check(List.of(
        new Target("relu", "layer=0", Map.of("snr_db", 41.0), Map.of()),
        new Target("gelu@int8", "layer=0", Map.of("snr_db", 12.0), Map.of())));
    assertEquals(1, r.checks().size());
    assertEquals("relu", r.checks().get(0).subject());
    AblateException derived = assertThrows(AblateException.class, () -> Gates.bind(
        List.of(Gate.parse("x>=1")), Tables.COMPARISONS, List.of("snr_db"),
        EnumSet.allOf(Metric.Form.class), "variant", List.of(), s -> s));
    assertTrue(derived.getMessage().endsWith("valid: snr_db (and METRIC_delta, METRIC_ratio of "
        + "each)"), derived.getMessage());
  }

  @Test
  void everyGateIsCheckedAgainstEveryRowOfItsSubject() {
    Gates gates = Gates.bind(List.of(Gate.parse("x_delta>=-1"), Gate.parse("b:x<=5"),
        Gate.parse("x_delta>=-1"), Gate.parse("c:x>0")), Tables.PROMPT_EVAL, List.of("x"),
        EnumSet.of(Metric.Form.VALUE, Metric.Form.DELTA), "variant config",
        List.of("a", "b", "c"), String::trim);
    assertEquals("x_delta>=-1;b:x<=5;c:x>0", gates.text(), "a gate given twice counts once");
    GateResults r = gates.check(List.of(
        new Target("a", "task=t1", Map.of("x", 3.0), Map.of("x", 3.5)),
        new Target("b", "task=t1", Map.of("x", 6.0), Map.of("x", 3.5)),
        new Target("b", "task=t2", Map.of("x", 2.0), Map.of())));
    // x_delta over a, b, b (no baseline: missing); then b:x over b's two rows; c has none.
    assertEquals(List.of("pass", "pass", "fail", "fail", "pass"),
        r.checks().stream().map(c -> c.verdict().status()).toList());
    assertEquals(-0.5, r.checks().get(0).value());
    assertEquals(2.5, r.checks().get(1).value());
    assertEquals(Map.of("x_delta>=-1", 3L, "b:x<=5", 2L, "c:x>0", 0L), r.rowsPerGate());
    assertTrue(r.tripped());
    assertEquals(2, r.failures().size());
    Row missing = r.rows().get(2);
    assertEquals(Tables.GATES_SCHEMA.size(), missing.size());
    assertEquals(java.util.Arrays.asList("x_delta>=-1", "prompt_eval", "b", "task=t2", "x_delta",
        ">=", -1.0, null, "fail", "missing value"),
        scala.jdk.javaapi.CollectionConverters.asJava(missing.toSeq()));
    assertEquals("6 > 5", r.checks().get(3).verdict().reason());
    assertFalse(Gates.NONE.check(List.of(new Target("a", "", Map.of(), Map.of()))).tripped());
  }

  @Test
  void aRowsTargetIsItsSubjectKeyTextAndNumericValues() {
    StructType schema = new StructType().add("model", DataTypes.StringType)
        .add("variant_config", DataTypes.StringType).add("layer", DataTypes.IntegerType)
        .add("task", DataTypes.StringType).add("n_prompts", DataTypes.LongType)
        .add("exact_match", DataTypes.DoubleType).add("mean_kl", DataTypes.DoubleType);
    Row row = new GenericRowWithSchema(new Object[] {"m", "gelu_tanh", 3, null, 2L, 0.5, null},
        schema);
    Row base = new GenericRowWithSchema(new Object[] {"m", "baseline", 3, null, 2L, 0.75, 0.0},
        schema);
    Target t = Target.of(row, "variant_config", List.of("model", "layer", "task"), base);
    assertEquals("gelu_tanh", t.subject());
    assertEquals("model=m layer=3", t.key(), "a null key column is left out");
    assertEquals(Map.of("layer", 3.0, "n_prompts", 2.0, "exact_match", 0.5), t.values());
    assertEquals(0.0, t.baseline().get("mean_kl"));
    assertEquals(List.of("model", "task"), Target.otherKeys(Tables.PROMPT_EVAL,
        "variant_config"));
  }
}

package io.ablate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ablate.repository.MetricsRepository;
import io.ablate.repository.RunId;
import io.ablate.repository.RunRecord;
import io.ablate.repository.Tables;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ablate compare} over a repository written without Spark: a baseline and a candidate
 * ablate run (the candidate on another engine, one key fewer and one more, latency on fewer
 * executors), joined, gated, recorded; and every kind of bad reference.
 */
class CompareCommandTest {
  private static final StructType LATENCY = new StructType()
      .add("variant", DataTypes.StringType).add("precision", DataTypes.StringType)
      .add("impl", DataTypes.StringType).add("batch_elems", DataTypes.LongType)
      .add("host", DataTypes.StringType).add("executor_id", DataTypes.StringType)
      .add("device", DataTypes.StringType).add("ns_per_elem_p50", DataTypes.DoubleType);

  @TempDir
  static Path tmp;
  static String dir;

  /** b1 then c1 (ablate runs with accuracy and latency rows), and a failed run f1. */
  @BeforeAll
  static void writeRepository() {
    dir = tmp.resolve("metrics").toString();
    MetricsRepository repo = repo();
    commit(repo, "b1", List.of(
        accuracy("relu", 0, "simd", 0.01, 50.0),
        accuracy("relu", 1, "simd", 0.01, 50.0),
        accuracy("gelu_tanh", 0, "simd", 1e-4, Double.POSITIVE_INFINITY),
        accuracy("gelu_tanh", 1, "simd", 1e-4, 60.0)),
        List.of(latency("host-a", "1", 1.0), latency("host-a", "2", 2.0),
            latency("host-a", "3", 10.0)));
    commit(repo, "c1", List.of(
        accuracy("relu", 0, "gpu", 0.02, 40.0),
        accuracy("relu", 1, "gpu", 0.01, 49.5),
        accuracy("gelu_tanh", 0, "gpu", 1e-4, Double.POSITIVE_INFINITY),
        accuracy("silu", 0, "gpu", 1e-3, 45.0)),
        List.of(latency("host-b", "1", 3.0), latency("host-b", "2", 5.0)));
    try (MetricsRepository.Run run = repo.begin(record("f1"))) {
      run.fail(new IllegalStateException("disk full"));
    }
  }

  private static MetricsRepository repo() {
    return MetricsRepository.open(new Configuration(), dir);
  }

  private static void commit(MetricsRepository repo, String id, List<Row> accuracy,
      List<Row> latency) {
    try (MetricsRepository.Run run = repo.begin(record(id))) {
      run.write(Tables.ACCURACY, Tables.ACCURACY_SCHEMA, accuracy);
      run.write(Tables.LATENCY, LATENCY, latency);
      run.commit();
    }
  }

  private static RunRecord record(String id) {
    return RunRecord.startWithoutSpark(RunId.of(id), "ablate", "{}", "in", "f");
  }

  private static Row accuracy(String variant, int layer, String impl, double maxAbsErr,
      double snrDb) {
    return RowFactory.create("m", "ckpt-0", layer, "ffn.pre", variant, "fp32", "gelu", impl,
        100L, 0L, 0L, 0L, maxAbsErr, maxAbsErr / 2, maxAbsErr / 3, 0.1, 2.0, 0L, 0.9999, snrDb, 0.0);
  }

  private static Row latency(String host, String executor, double nsPerElem) {
    return RowFactory.create("relu", "fp32", "simd", 1024L, host, executor, "cpu", nsPerElem);
  }

  private static CliTest.Result compare(String... args) {
    List<String> all = new java.util.ArrayList<>(List.of("compare", "--metrics", dir));
    all.addAll(List.of(args));
    return CliTest.run(all.toArray(String[]::new));
  }

  /** The rows of a table written by one run, keyed by subject, key and metric. */
  private static Map<String, Row> rowsOf(String table, String runId, String... keyColumns) {
    MetricsRepository repo = repo();
    List<Row> rows = repo.rowsOfRuns(table, List.of(repo.runRecord(RunId.of(runId))
        .orElseThrow())).rows();
    return rows.stream().collect(Collectors.toMap(r -> java.util.Arrays.stream(keyColumns)
        .map(c -> String.valueOf((Object) r.getAs(c))).collect(Collectors.joining("|")),
        Function.identity()));
  }

  @Test
  void joinsOnTheKeyLessWhereTheRowRanGatesAndRecordsTheRun() throws java.io.IOException {
    CliTest.Result r = compare("--baseline", "b1", "--candidate", "c1", "--table", "accuracy",
        "--metric", "snr_db,max_abs_err", "--gate", "snr_db_delta>=-1", "--run-id", "cmp1");
    assertEquals(3, r.code(), r.out() + r.err());
    assertTrue(r.out().startsWith("Run cmp1: baseline b1, candidate c1 (table accuracy, metrics "
        + "snr_db, max_abs_err)"), r.out());
    List<String> lines = r.out().lines().dropWhile(l -> !l.startsWith("status ")).toList();
    // Regressions first: relu layer 0 lost 10 dB.
    assertTrue(lines.get(2).matches("regressed +relu +model=m .*layer=0 .* snr_db +50 +40 +-10 "
        + "+0\\.8 +snr_db_delta>=-1"), r.out());
    assertTrue(r.out().contains("1 regressed, 5 ok, 2 only in baseline b1, 2 only in candidate "
        + "c1 (rows x metrics of accuracy)."), r.out());
    assertTrue(r.out().contains("1 gate failure:"), r.out());

    String key0 = "model=m checkpoint=ckpt-0 layer=0 site=ffn.pre precision=fp32 reference=gelu";
    String key1 = key0.replace("layer=0", "layer=1");
    Map<String, Row> rows = rowsOf(Tables.COMPARISONS, "cmp1", "subject", "key", "metric");
    assertEquals(10, rows.size(), rows.keySet().toString());
    Row relu = rows.get("relu|" + key0 + "|snr_db");
    assertEquals(List.of("b1", "c1", "accuracy", 50.0, 40.0, -10.0, 0.8, "regressed",
        "snr_db_delta>=-1"), List.of(relu.getAs("baseline"), relu.getAs("candidate"),
        relu.getAs("table_name"), relu.getAs("baseline_value"), relu.getAs("candidate_value"),
        relu.getAs("delta"), relu.getAs("ratio"), relu.getAs("status"), relu.getAs("gate")));
    Row reluErr = rows.get("relu|" + key0 + "|max_abs_err");
    assertEquals("ok", reluErr.getAs("status"), "the gate is on snr_db only");
    assertEquals(2.0, (double) reluErr.getAs("ratio"), 1e-12);
    Row exact = rows.get("gelu_tanh|" + key0 + "|snr_db");
    assertEquals(Double.POSITIVE_INFINITY, (double) exact.getAs("candidate_value"));
    assertEquals(0.0, (double) exact.getAs("delta"), "equal infinities: no change");
    assertEquals(1.0, (double) exact.getAs("ratio"));
    assertEquals("ok", exact.getAs("status"));
    Row gone = rows.get("gelu_tanh|" + key1 + "|snr_db");
    assertEquals("only_baseline", gone.getAs("status"));
    assertEquals(60.0, (double) gone.getAs("baseline_value"));
    assertNull(gone.getAs("candidate_value"));
    assertNull(gone.getAs("delta"));
    Row added = rows.get("silu|" + key0 + "|snr_db");
    assertEquals("only_candidate", added.getAs("status"));
    assertEquals(45.0, (double) added.getAs("candidate_value"));
    assertNull(added.getAs("gate"));

    // Every joined row checked (3 keys), the one failure with its value and reason.
    Map<String, Row> checks = rowsOf(Tables.GATES, "cmp1", "subject", "key");
    assertEquals(3, checks.size(), checks.keySet().toString());
    Row failed = checks.get("relu|" + key0);
    assertEquals(List.of("snr_db_delta>=-1", "comparisons", "snr_db_delta", ">=", -1.0, -10.0,
        "fail", "-10 < -1"), List.of(failed.getAs("gate"), failed.getAs("table_name"),
        failed.getAs("metric"), failed.getAs("op"), failed.getAs("threshold"),
        failed.getAs("value"), failed.getAs("status"), failed.getAs("reason")));
    assertEquals("pass", checks.get("relu|" + key1).getAs("status")); // -0.5 dB
    assertEquals("pass", checks.get("gelu_tanh|" + key0).getAs("status"));

    RunRecord run = repo().runRecord(RunId.of("cmp1")).orElseThrow();
    assertEquals(RunRecord.Status.SUCCEEDED, run.status());
    assertEquals("compare", run.job());
    assertEquals(3, run.exitCode());
    assertEquals(RunRecord.NO_SPARK, run.sparkMaster());
    assertTrue(run.args().contains("\"baseline\":\"b1\"") && run.args().contains(
        "\"gate\":\"snr_db_delta>=-1\""), run.args());

    // In the HTML report: a diverging bar per row and metric, the failed check marked.
    Path html = tmp.resolve("cmp1.html");
    CliTest.Result report = CliTest.run("report", "--metrics", dir, "--runs", "cmp1",
        "--format", "html", "--out", html.toString());
    assertEquals(0, report.code(), report.err());
    String page = java.nio.file.Files.readString(html);
    String chart = page.substring(page.indexOf("aria-label=\"Change in accuracy · snr_db\""));
    chart = chart.substring(0, chart.indexOf("</svg>"));
    assertEquals(5, chart.split("class=\"mark\"", -1).length - 1, chart);
    assertTrue(chart.contains("relu " + key0 + " (regressed): -10"), chart);
    assertTrue(page.contains("<h2>Gates</h2>") && page.contains("<tr class=\"fail\">"), page);
  }

  @Test
  void latestAndPreviousAndTheMedianOfSeveralExecutors() {
    CliTest.Result r = compare("--baseline", "previous", "--candidate", "latest", "--table",
        "latency", "--metric", "ns_per_elem_p50", "--gate", "ns_per_elem_p50_ratio<=2",
        "--run-id", "cmp2");
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("baseline b1, candidate c1 (table latency"), r.out());
    // Medians: of 1, 2, 10 ns on b1's three executors, 2; of 3 and 5 on c1's two, 4.
    String row = r.out().lines().filter(l -> l.startsWith("ok ")).findFirst().orElseThrow();
    assertEquals(List.of("ok", "relu", "precision=fp32", "impl=simd", "batch_elems=1024",
        "device=cpu", "ns_per_elem_p50", "2", "4", "2", "2"), List.of(row.trim().split("\\s+")));
    assertTrue(r.out().contains("All 1 gate checks passed: ns_per_elem_p50_ratio<=2 (1 row)."),
        r.out());
    CliTest.Result slower = compare("--baseline", "b1", "--candidate", "c1", "--table",
        "latency", "--gate", "ns_per_elem_p50_ratio<2");
    assertEquals(3, slower.code(), slower.out() + slower.err());
    assertTrue(slower.out().lines().anyMatch(l -> l.matches("regressed +relu .*"
        + "ns_per_elem_p50_ratio<2")), slower.out());
    assertTrue(slower.out().contains("1 gate failure:"), slower.out());
    // The default metrics of latency; the gate's metric is compared.
    assertTrue(slower.out().contains("ns_per_elem_p99") && slower.out().contains("elems_per_s"),
        slower.out());
  }

  @Test
  void badReferencesTablesAndGatesAreNamedBeforeAnyRun() {
    int runs = repo().runRecords().size();
    CliTest.Result both = compare("--baseline", "b1", "--candidate", "c1");
    assertEquals(2, both.code());
    assertTrue(both.err().contains("runs b1 (tables accuracy, latency) and c1 (tables accuracy, "
        + "latency) have several tables in common: give --table"), both.err());
    CliTest.Result unknown = compare("--baseline", "nope", "--candidate", "c1");
    assertEquals(2, unknown.code());
    assertTrue(unknown.err().contains("run id 'nope' is not in ") && unknown.err().contains(
        "newest runs: ") && unknown.err().contains("c1"), unknown.err());
    CliTest.Result failed = compare("--baseline", "f1", "--candidate", "c1");
    assertEquals(2, failed.code());
    assertTrue(failed.err().contains("run f1 is a failed ablate run: compare reads succeeded "
        + "runs only"), failed.err());
    CliTest.Result previous = compare("--baseline", "b1", "--candidate", "previous");
    assertEquals(2, previous.code());
    assertTrue(previous.err().contains("'previous' is for the baseline"), previous.err());
    CliTest.Result none = compare("--baseline", "previous", "--candidate", "b1", "--table",
        "accuracy");
    assertEquals(2, none.code());
    assertTrue(none.err().contains("no 'previous' run: no succeeded ablate run with rows of "
        + "accuracy started before run b1"), none.err());
    CliTest.Result table = compare("--baseline", "b1", "--candidate", "c1", "--table", "drift");
    assertEquals(2, table.code());
    assertTrue(table.err().contains("--table drift: compare joins one of accuracy, latency, "
        + "prompt_eval"), table.err());
    CliTest.Result metric = compare("--baseline", "b1", "--candidate", "c1", "--table",
        "accuracy", "--metric", "snr");
    assertEquals(2, metric.code());
    assertTrue(metric.err().contains("--metric snr is not a numeric column of accuracy; valid: "
        + "n, nan_in"), metric.err());
    CliTest.Result gate = compare("--baseline", "b1", "--candidate", "c1", "--table",
        "accuracy", "--gate", "snr_db_change>=0");
    assertEquals(2, gate.code());
    assertTrue(gate.err().contains("gate 'snr_db_change>=0': unknown metric 'snr_db_change'"),
        gate.err());
    CliTest.Result subject = compare("--baseline", "b1", "--candidate", "c1", "--table",
        "accuracy", "--gate", "swish:snr_db>=0");
    assertEquals(2, subject.code());
    assertTrue(subject.err().contains("variant 'swish' is not among the variants checked: "
        + "gelu_tanh, relu, silu"), subject.err());
    CliTest.Result syntax = compare("--baseline", "b1", "--candidate", "c1", "--gate", "snr_db");
    assertEquals(2, syntax.code());
    assertTrue(syntax.err().contains("gate 'snr_db' is not valid"), syntax.err());
    assertEquals(runs, repo().runRecords().size(), "no run began");
  }
}

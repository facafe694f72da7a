package io.ablate.cli;

import io.ablate.repository.Tables;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ablate.repository.MetricsRepository;
import io.ablate.repository.RunId;
import io.ablate.repository.RunRecord;
import io.ablate.testing.LocalSpark;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ablate report} over a real metrics repository (Parquet, written by MetricsRepository):
 * two succeeded runs and a failed one; Markdown, CSV and JSON Lines content and row order, run
 * selection, --out, and the errors.
 */
class ReportCommandTest {
  static final String A = "20261125T100000Z-aaaa";
  static final String B = "20261125T110000Z-bbbb";
  static final String FAILED = "20261125T120000Z-cccc";
  /** A model name that needs CSV quoting and Markdown escaping. */
  static final String ODD_MODEL = "m,\"1\"|2";
  /** Doubles whose shortest round-trip form has 17 digits, or is tiny. */
  static final double RMSE_A = 0.1 + 0.2;
  static final double RMSE_B = 1.2345678901234567e-300;

  private static final StructType LATENCY = new StructType()
      .add("variant", DataTypes.StringType).add("precision", DataTypes.StringType)
      .add("impl", DataTypes.StringType).add("batch_elems", DataTypes.LongType)
      .add("ns_per_elem_p50", DataTypes.DoubleType);

  @TempDir
  static Path tmp;
  static String repo;

  @BeforeAll
  static void writeRepository() {
    repo = tmp.resolve("metrics").toString();
    writeRepository(repo);
  }

  /**
   * Runs A and B succeed, FAILED fails. A: 2 accuracy rows; B: 3 (written out of key order) and a
   * latency table. Rows hold NaN, +-Infinity and doubles that need every digit.
   */
  static void writeRepository(String dir) {
    SparkSession spark = LocalSpark.builder("report-fixture").getOrCreate();
    try {
      MetricsRepository repo = MetricsRepository.open(spark, dir);
      commit(spark, repo, A, List.of(
          accuracy(ODD_MODEL, 1, "relu", RMSE_A, Double.NaN, Double.POSITIVE_INFINITY),
          accuracy("m", 0, "gelu_tanh", 1.5e-7, 2.0, 140.25)), null);
      commit(spark, repo, B, List.of(
          accuracy("m", 1, "relu", 0.25, 3.0, 20.0),
          accuracy("m", 0, "silu", RMSE_B, Double.NEGATIVE_INFINITY, -0.5),
          accuracy("m", 0, "gelu_tanh", 1.2345678e-7, 1.0, 98.765432)),
          List.of(RowFactory.create("gelu_tanh", "fp32", "simd", 1024L, 0.125)));
      try (MetricsRepository.Run run = repo.begin(record(spark, FAILED))) {
        run.write("accuracy", spark.createDataFrame(List.of(
            accuracy("m", 0, "relu", 9.0, 9.0, 9.0)), Tables.ACCURACY_SCHEMA));
        run.fail(new IllegalStateException("disk full"));
      }
    } finally {
      spark.stop();
    }
  }

  private static void commit(SparkSession spark, MetricsRepository repo, String id,
      List<Row> accuracy, List<Row> latency) {
    try (MetricsRepository.Run run = repo.begin(record(spark, id))) {
      run.write("accuracy", spark.createDataFrame(accuracy, Tables.ACCURACY_SCHEMA));
      if (latency != null) {
        run.write("latency", spark.createDataFrame(latency, LATENCY));
      }
      run.commit();
    }
  }

  private static RunRecord record(SparkSession spark, String id) {
    return RunRecord.start(RunId.of(id), "ablate", "{\"variants\":\"relu\"}", "in", "f", spark);
  }

  private static Row accuracy(String model, int layer, String variant, double rmse, double maxUlp,
      double snrDb) {
    return RowFactory.create(model, "ckpt-0", layer, "ffn.pre", variant, "fp32", "gelu", "simd",
        100L, 0L, 0L, 0L, 0.5, 0.25, rmse, 0.125, maxUlp, 0L, 0.999999, snrDb, 0.0);
  }

  @Test
  void markdownShowsEveryRunThenEachTableForTheLatestSucceededRun() {
    CliTest.Result r = CliTest.run("report", "--master", "local[2]", "--metrics", repo);
    assertEquals(0, r.code(), r.err());
    String md = r.out();
    int runs = md.indexOf("## runs (every run)");
    int accuracy = md.indexOf("## accuracy (latest succeeded run " + B + ")");
    int latency = md.indexOf("## latency (latest succeeded run " + B + ")");
    assertTrue(runs >= 0 && accuracy > runs && latency > accuracy, md);
    // The runs table: every run, failed included, oldest first; run_id is the first column.
    List<String> runRows = rows(md.substring(runs, accuracy));
    assertEquals(3, runRows.size(), md);
    assertTrue(runRows.get(0).startsWith("| " + A + " | ablate | succeeded |"), runRows.get(0));
    assertTrue(runRows.get(1).startsWith("| " + B + " | ablate | succeeded |"), runRows.get(1));
    assertTrue(runRows.get(2).startsWith("| " + FAILED + " | ablate | failed |"), runRows.get(2));
    assertTrue(runRows.get(2).contains("disk full"), runRows.get(2));
    // accuracy: B's rows only, sorted by the key columns (layer, then site, then variant).
    List<String> acc = rows(md.substring(accuracy, latency));
    assertEquals(3, acc.size(), md);
    assertTrue(acc.get(0).startsWith("| " + B + " | m | ckpt-0 | 0 | ffn.pre | gelu_tanh |"),
        acc.get(0));
    assertTrue(acc.get(1).contains("| 0 | ffn.pre | silu |"), acc.get(1));
    assertTrue(acc.get(2).contains("| 1 | ffn.pre | relu |"), acc.get(2));
    // Doubles to 6 significant digits, infinities by name.
    assertTrue(acc.get(0).contains("| 1.23457e-07 |") && acc.get(0).contains("| 98.7654 |")
        && acc.get(0).contains("| 0.999999 |"), acc.get(0));
    assertTrue(acc.get(1).contains("| 1.23457e-300 | 0.125 | -Infinity |"), acc.get(1));
    List<String> lat = rows(md.substring(latency));
    assertEquals(List.of("| " + B + " | gelu_tanh | fp32 | simd | 1024 | 0.125 |"), lat);
  }

  @Test
  void markdownOfAllRunsEscapesCellsAndLeavesOutTheFailedRun() {
    CliTest.Result r = CliTest.run("report", "--master", "local[2]", "--metrics", repo,
        "--table", "accuracy", "--runs", "all");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("## accuracy (all succeeded runs)\n"), r.out());
    List<String> acc = rows(r.out());
    assertEquals(5, acc.size(), r.out());
    // Sorted by run, then model: A's "m" row before its odd model ("m" is a prefix of it).
    assertTrue(acc.get(0).startsWith("| " + A + " | m | ckpt-0 | 0 |"), acc.get(0));
    assertTrue(acc.get(1).startsWith("| " + A + " | m,\"1\"\\|2 | ckpt-0 | 1 |"), acc.get(1));
    assertTrue(acc.get(1).contains("| NaN | 0 | 0.999999 | Infinity |"), acc.get(1));
    assertTrue(acc.stream().skip(2).allMatch(l -> l.startsWith("| " + B + " |")), r.out());
    assertFalse(r.out().contains(FAILED), r.out());
    assertFalse(r.out().contains("## runs"), r.out());
  }

  @Test
  void csvQuotesByRfc4180AndKeepsEveryDigit() {
    CliTest.Result r = CliTest.run("report", "--master", "local[2]", "--metrics", repo,
        "--table", "accuracy", "--runs", B + "," + A, "--format", "csv");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().endsWith("\r\n"), r.out());
    String[] lines = r.out().split("\r\n");
    assertEquals("run_id," + String.join(",", Tables.ACCURACY_SCHEMA.fieldNames()), lines[0]);
    assertEquals(1 + 5, lines.length, r.out());
    // Rows in key order whatever the order of --runs.
    assertTrue(lines[1].startsWith(A + ",m,ckpt-0,0,ffn.pre,gelu_tanh,fp32,gelu,simd,100,0,0,0,"),
        lines[1]);
    assertEquals(A + ",\"m,\"\"1\"\"|2\",ckpt-0,1,ffn.pre,relu,fp32,gelu,simd,100,0,0,0,"
        + "0.5,0.25,0.30000000000000004,0.125,NaN,0,0.999999,Infinity,0.0", lines[2]);
    assertTrue(lines[3].startsWith(B + ",m,ckpt-0,0,ffn.pre,gelu_tanh,"), lines[3]);
    String[] silu = lines[4].split(",");
    assertEquals("silu", silu[5]);
    assertEquals(RMSE_B, Double.parseDouble(silu[15])); // rmse
    assertEquals("-Infinity", silu[17]); // max_ulp
    assertEquals(Double.NEGATIVE_INFINITY, Double.parseDouble(silu[17]));
    assertEquals(RMSE_A, Double.parseDouble("0.30000000000000004"));
  }

  @Test
  void jsonLinesHoldEveryTableAndRepresentNonFiniteDoublesAsStrings() throws Exception {
    Path file = tmp.resolve("report.jsonl");
    CliTest.Result r = CliTest.run("report", "--master", "local[2]", "--metrics", repo,
        "--runs", A, "--format", "json", "--out", file.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("Report written to " + file), r.out());
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> rows = new ArrayList<>();
    for (String line : lines) {
      rows.add(json.readTree(line));
    }
    // 3 runs rows, then A's 2 accuracy rows; A has no latency rows.
    assertEquals(5, rows.size(), String.join("\n", lines));
    List<String> tables = rows.stream().map(n -> n.get("table").asText()).toList();
    assertEquals(List.of("runs", "runs", "runs", "accuracy", "accuracy"), tables);
    assertEquals("table", rows.get(0).fieldNames().next());
    assertEquals(FAILED, rows.get(2).get("run_id").asText());
    assertEquals("failed", rows.get(2).get("status").asText());
    assertTrue(rows.get(2).get("error").asText().contains("disk full"));
    Instant started = Instant.parse(rows.get(0).get("started_at").asText());
    assertTrue(started.isAfter(Instant.parse("2026-01-01T00:00:00Z")), started.toString());
    JsonNode odd = rows.get(4);
    assertEquals(ODD_MODEL, odd.get("model").asText());
    assertTrue(odd.get("layer").isInt() && odd.get("n").isIntegralNumber());
    assertEquals(100, odd.get("n").asLong());
    assertTrue(odd.get("rmse").isDouble());
    assertEquals(RMSE_A, odd.get("rmse").asDouble());
    assertEquals("NaN", odd.get("max_ulp").asText());
    assertTrue(odd.get("max_ulp").isTextual());
    assertEquals("Infinity", odd.get("snr_db").asText());
    assertEquals(140.25, rows.get(3).get("snr_db").asDouble());
  }

  @Test
  void aFailedRunCanBeNamedAndHasNoMetricRows() {
    CliTest.Result r = CliTest.run("report", "--master", "local[2]", "--metrics", repo,
        "--table", "accuracy", "--runs", FAILED);
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("## accuracy (run " + FAILED + ")"), r.out());
    assertTrue(rows(r.out()).isEmpty() && r.out().contains("(no rows)"), r.out());
  }

  @Test
  void htmlIsOnePageWithPlotsPricedByLatencyRowsAndEveryTableBelowThem() throws Exception {
    Path dir = tmp.resolve("html");
    Files.createDirectories(dir);
    Path file = dir.resolve("report.html");
    CliTest.Result r = CliTest.run("report", "--metrics", repo, "--runs", "all", "--format",
        "html", "--out", file.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("Report written to " + file + " (html)"), r.out());
    try (java.util.stream.Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(file), files.toList(), "no temporary file left beside it");
    }
    String html = Files.readString(file);
    assertTrue(html.startsWith("<!DOCTYPE html>"), html);
    assertTrue(html.contains("<title>Ablate report: " + repo + "</title>"), html);
    // Self-contained: nothing fetched, no script.
    assertFalse(html.contains("<script") || html.contains("src=\"") || html.contains("href=\"http")
        || html.contains("<link"), html);
    int accuracy = html.indexOf("<h2>Accuracy</h2>");
    int latency = html.indexOf("<h2>Latency</h2>");
    int runs = html.indexOf("<h2>Runs</h2>");
    assertTrue(accuracy > 0 && latency > accuracy && runs > latency, html);
    // Run B is priced by its own latency rows: gelu_tanh at 0.125 ns per value, its worst layer's
    // SNR 98.765432 (its only layer); relu has no latency row anywhere, so it is listed instead.
    String sectionA = html.substring(html.indexOf("<h3>Run " + A + "</h3>"),
        html.indexOf("<h3>Run " + B + "</h3>"));
    String sectionB = html.substring(html.indexOf("<h3>Run " + B + "</h3>"), latency);
    assertTrue(sectionB.contains("gelu_tanh (simd): cost (ns per value, p50) 0.125, worst-layer "
        + "SNR (dB) " + io.ablate.report.Svg.num(98.765432) + "; on the Pareto front"), sectionB);
    assertTrue(sectionB.contains("from the latency rows of this run."), sectionB);
    assertTrue(sectionB.contains("No latency rows for silu, relu in this run"), sectionB);
    // Run A has none of its own: the newest run that has them prices it.
    assertTrue(sectionA.contains("from the latency rows of run " + B + "."), sectionA);
    assertTrue(sectionA.contains("gelu_tanh (simd): cost (ns per value, p50) 0.125, worst-layer "
        + "SNR (dB) " + io.ablate.report.Svg.num(140.25)), sectionA);
    // The heatmap: relu in layer 1 of run A had no error at all (+Inf dB); run A has two models,
    // so the rows name them.
    assertTrue(sectionA.contains(io.ablate.report.Svg.esc("relu · " + ODD_MODEL
        + "/ckpt-0, layer 1: +∞")), sectionA);
    // Text from the data is escaped, in plots and tables alike.
    assertFalse(html.contains(ODD_MODEL), "raw model name");
    assertTrue(html.contains("m,&quot;1&quot;|2"), html);
    // Every table is in the page below its plots: 5 accuracy rows (A and B), the failed run too.
    assertTrue(html.contains("accuracy (all succeeded runs): 5 rows"), html);
    assertTrue(html.contains("<tr class=\"failed\">"), html);
    assertTrue(html.contains("disk full"), html);

    // --latency-run prices every accuracy run with one run's rows.
    Path chosen = dir.resolve("chosen.html");
    assertEquals(0, CliTest.run("report", "--metrics", repo, "--runs", A, "--format", "html",
        "--latency-run", B, "--out", chosen.toString()).code());
    assertTrue(Files.readString(chosen).contains("from the latency rows of run " + B + "."));
  }

  @Test
  void badInputExitsWithTwoAndSaysWhatIsValid() {
    assertBad("does not exist", "--metrics", tmp.resolve("nope").toString());
    assertBad("table 'acc' is not in " + repo + "; tables: runs, accuracy, latency",
        "--metrics", repo, "--table", "acc");
    assertBad("run id 'nope' is not in " + repo + "; newest runs: " + A + ", " + B + ", "
        + FAILED + " (3 in all", "--metrics", repo, "--runs", A + ",nope");
    assertBad("run id 'a/b' is not valid", "--metrics", repo, "--runs", "a/b");
    // Rejected before any Spark session starts.
    assertBad("--format xml is not a report format; valid: md, csv, json, html", "--metrics", repo,
        "--format", "xml");
    assertBad("--latency-run: run id 'nope' is not in " + repo, "--metrics", repo, "--format",
        "html", "--latency-run", "nope");
    assertBad("--latency-run prices the HTML report's plots: give --format html", "--metrics",
        repo, "--latency-run", B);
    assertBad("--format csv writes one table: give --table NAME", "--metrics", repo,
        "--format", "csv");
    assertBad("Unknown options: '--tabel', 'runs'", "--metrics", repo, "--tabel", "runs");
  }

  private static void assertBad(String message, String... args) {
    List<String> all = new ArrayList<>(List.of("report", "--master", "local[2]"));
    all.addAll(List.of(args));
    CliTest.Result r = CliTest.run(all.toArray(String[]::new));
    assertEquals(2, r.code(), r.out() + r.err());
    assertTrue(r.err().contains(message), r.err());
  }

  /** The data rows of the Markdown tables in {@code md} (not the header or rule). */
  private static List<String> rows(String md) {
    List<String> out = new ArrayList<>();
    boolean header = true;
    for (String line : md.split("\n")) {
      if (!line.startsWith("|")) {
        header = true;
      } else if (line.startsWith("|---")) {
        header = false;
      } else if (!header) {
        out.add(line);
      }
    }
    return out;
  }
}

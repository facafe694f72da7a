package io.ablate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.ablate.job.RunLifecycle;
import io.ablate.profile.Profile;
import io.ablate.profile.ProfileKey;
import io.ablate.profile.ValueStats;
import io.ablate.repository.MetricsRepository;
import io.ablate.repository.RunId;
import io.ablate.repository.RunRecord;
import io.ablate.repository.Tables;
import io.ablate.sketch.QuantileSketch;
import io.ablate.sketch.SketchBuilder;
import io.ablate.testing.LocalSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --output-json}: the document of what a command's runs landed, checked against its JSON
 * Schema (the repository's file) and against the repository's own rows; written for a failed run,
 * not before a run began, never half-written; the schema itself against the draft 2020-12
 * meta-schema and against {@link Tables}.
 */
class ResultsFileTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path SCHEMA_FILE = CliTest.repoRoot()
      .resolve("src/site/resources/schemas/results.schema.json");
  private static final Schema SCHEMA = SchemaRegistry
      .withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(read(SCHEMA_FILE));

  @TempDir
  Path dir;

  @Test
  void anAblateRunsFileHoldsItsRecordAndExactlyItsAccuracyRows() throws IOException {
    String metrics = dir.resolve("metrics").toString();
    Path out = dir.resolve("out");
    Files.createDirectories(out);
    Path file = out.resolve("results.json");
    Files.writeString(file, "an earlier file");
    CliTest.Result r = CliTest.run("ablate", "--input",
        CliTest.repoRoot().resolve("data-samples/activations").toString(), "--master", "local[2]",
        "--metrics", metrics, "--run-id", "a1", "--variants", "gelu_tanh", "--output-json",
        file.toString());
    assertEquals(0, r.code(), r.err());

    JsonNode doc = valid(file);
    assertEquals(1, doc.get("schema_version").asInt());
    assertEquals("ablate", doc.get("command").asText());
    assertEquals(0, doc.get("exit_code").asInt());
    assertEquals(1, doc.get("runs").size());
    JsonNode run = doc.get("runs").get(0);
    assertEquals("a1", run.at("/run/run_id").asText());
    assertEquals("succeeded", run.at("/run/status").asText());
    assertEquals(0, run.at("/run/exit_code").asInt());
    assertEquals("gelu_tanh", run.at("/run/args/variants").asText(), "args is an object");
    assertTrue(run.at("/run/error").isNull());
    assertEquals(List.of("accuracy"), names(run.get("tables")));
    JsonNode accuracy = run.at("/tables/accuracy");
    assertTrue(accuracy.get("path").asText().endsWith("/metrics/accuracy/run_id=a1"),
        accuracy.toString());
    assertEquals(0, run.get("gates").size());
    assertEquals(0, run.get("gates_failed").asInt());

    // Exactly the run's rows of the table, value for value.
    MetricsRepository repo = MetricsRepository.open(new Configuration(), metrics);
    List<Row> stored = repo.rows(Tables.ACCURACY, Set.of("a1")).rows();
    JsonNode rows = accuracy.get("rows");
    assertFalse(stored.isEmpty());
    assertEquals(stored.size(), rows.size());
    assertEquals(stored.size(), accuracy.get("row_count").asInt());
    Map<String, JsonNode> byKey = new HashMap<>();
    rows.forEach(row -> byKey.put(row.get("layer").asText() + " " + row.get("site").asText()
        + " " + row.get("variant").asText(), row));
    for (Row s : stored) {
      JsonNode row = byKey.get(s.getAs("layer") + " " + s.getAs("site") + " " + s.getAs("variant"));
      assertNotNull(row, s.toString());
      assertSameValues(s, row);
    }
    // ... written as 'ablate report --format json' writes them, in its order.
    CliTest.Result report = CliTest.run("report", "--metrics", metrics, "--table", "accuracy",
        "--runs", "a1", "--format", "json");
    assertEquals(0, report.code(), report.err());
    ArrayNode reported = JSON.createArrayNode();
    for (String line : report.out().lines().toList()) {
      reported.add(((ObjectNode) JSON.readTree(line)).without("table"));
    }
    assertEquals(reported, rows);

    // The earlier file was replaced, and nothing else is left in its directory.
    try (Stream<Path> left = Files.list(out)) {
      assertEquals(List.of(file), left.toList());
    }
  }

  @Test
  void aRunThatFailsMidwayStillGetsItsFileWithTheErrorAndTheExitCode() throws IOException {
    String mixed = dir.resolve("mixed").toString();
    // The command owns (and stops) its session: make the input first, then run it.
    SparkSession setup = LocalSpark.builder("results-file").getOrCreate();
    setup.sql("SELECT 1 AS layer, CAST(array(1, 2) AS ARRAY<FLOAT>) AS values UNION ALL "
        + "SELECT 1, CAST(array(1, 2, 3) AS ARRAY<FLOAT>)").write().parquet(mixed);
    setup.stop();
    Path file = dir.resolve("failed.json");
    CliTest.Result r = CliTest.run("ablate", "--input", mixed, "--master", "local[2]",
        "--metrics", dir.resolve("metrics").toString(), "--run-id", "bad", "--output-json",
        file.toString());
    assertEquals(2, r.code(), r.out() + r.err());

    JsonNode doc = valid(file);
    assertEquals(2, doc.get("exit_code").asInt());
    JsonNode run = doc.get("runs").get(0);
    assertEquals("bad", run.at("/run/run_id").asText());
    assertEquals("failed", run.at("/run/status").asText());
    assertTrue(run.at("/run/error").asText().contains("vectors of different lengths"),
        run.toString());
    assertEquals(2, run.at("/run/exit_code").asInt());
    assertFalse(run.at("/run/finished_at").isNull());
    assertEquals(0, run.get("tables").size(), "a failed run lands no rows");
  }

  @Test
  void aDriftRunsFileHoldsItsDriftRowsAndTheGatesExitCode() throws Exception {
    String metrics = dir.resolve("metrics").toString();
    profileRun(metrics, "p1", 0);
    profileRun(metrics, "p2", 1); // every value shifted by a standard deviation: alert
    Path file = dir.resolve("drift.json");

    // Bad input before the run began: no file.
    CliTest.Result bad = CliTest.run("drift", "--metrics", metrics, "--baseline", "p0",
        "--candidate", "p2", "--output-json", file.toString());
    assertEquals(2, bad.code(), bad.err());
    assertFalse(Files.exists(file));

    CliTest.Result r = CliTest.run("drift", "--metrics", metrics, "--baseline", "p1",
        "--candidate", "p2", "--run-id", "d1", "--output-json", file.toString());
    assertEquals(DriftCommand.ALERT, r.code(), r.out() + r.err());
    JsonNode doc = valid(file);
    assertEquals("drift", doc.get("command").asText());
    assertEquals(DriftCommand.ALERT, doc.get("exit_code").asInt());
    JsonNode run = doc.get("runs").get(0);
    assertEquals("succeeded", run.at("/run/status").asText());
    assertEquals(DriftCommand.ALERT, run.at("/run/exit_code").asInt());
    assertEquals(RunRecord.NO_SPARK, run.at("/run/spark_master").asText());
    assertEquals(List.of("drift"), names(run.get("tables")), "only the run's own tables");
    JsonNode drift = run.at("/tables/drift/rows");
    assertEquals(1, drift.size());
    assertEquals("p1", drift.get(0).get("baseline").asText());
    assertEquals("alert", drift.get(0).get("status").asText());
    assertSameValues(MetricsRepository.open(new Configuration(), metrics)
        .rows(Tables.DRIFT, Set.of("d1")).rows().get(0), drift.get(0));
    try (Stream<Path> left = Files.list(dir)) {
      assertTrue(left.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")));
    }

    // The schema catches a broken document: no runs, a wrong type, an unknown status.
    ObjectNode noRuns = ((ObjectNode) doc.deepCopy()).without("runs");
    assertFalse(errors(noRuns).isEmpty());
    ObjectNode wrongType = doc.deepCopy();
    wrongType.put("exit_code", "3");
    assertFalse(errors(wrongType).isEmpty());
    ObjectNode badStatus = doc.deepCopy();
    ((ObjectNode) badStatus.at("/runs/0/run")).put("status", "done");
    assertFalse(errors(badStatus).isEmpty());
    ObjectNode textForNumber = doc.deepCopy();
    ((ObjectNode) textForNumber.at("/runs/0/tables/drift/rows/0")).put("psi", "high");
    assertFalse(errors(textForNumber).isEmpty());
  }

  @Test
  void aBadOutputDirectoryIsBadInputBeforeAnyWork() throws IOException {
    String metrics = dir.resolve("metrics").toString();
    Path missing = dir.resolve("no-such-dir").resolve("r.json");
    CliTest.Result r = CliTest.run("ablate", "--input",
        CliTest.repoRoot().resolve("data-samples/activations").toString(), "--master", "local[2]",
        "--metrics", metrics, "--output-json", missing.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--output-json " + missing + ": directory "
        + missing.getParent() + " does not exist"), r.err());
    assertFalse(Files.exists(Path.of(metrics)), "no run was recorded");

    // From a job spec ('output-json:'), the error names the spec's line.
    Path spec = dir.resolve("drift.yaml");
    Files.writeString(spec, "command: drift\nbaseline: p1\ncandidate: p2\noutput-json: "
        + missing + "\n");
    CliTest.Result fromSpec = CliTest.run("--job", spec.toString(), "--metrics", metrics);
    assertEquals(2, fromSpec.code());
    assertTrue(fromSpec.err().contains("does not exist (job spec " + spec + ", line 4)"),
        fromSpec.err());
    assertFalse(Files.exists(Path.of(metrics)));

    CliTest.Result noMetrics = CliTest.run("bench", "--only", "files", "--output-json",
        dir.resolve("bench.json").toString());
    assertEquals(2, noMetrics.code());
    assertTrue(noMetrics.err().contains("--output-json needs --metrics"), noMetrics.err());
  }

  @Test
  void gateRowsAreTheRunsGatesAndFailuresAreCounted() {
    String metrics = dir.resolve("metrics").toString();
    MetricsRepository repo = MetricsRepository.open(new Configuration(), metrics);
    RunId id = RunId.of("g1");
    RunLifecycle.inRun(repo, RunRecord.startWithoutSpark(id, "ablate", "{\"variants\":\"gelu@int8\"}",
        "in", ""), run -> {
          run.write(Tables.ACCURACY, Tables.ACCURACY_SCHEMA, List.of(RowFactory.create("m", "c", 3,
              "ffn.pre", "gelu@int8", "int8", "gelu", "simd", 10L, 0L, 0L, 0L, 0.5, 0.01, 0.02,
              Double.NaN, 3.0, 2L, 0.99, Double.POSITIVE_INFINITY, 0.0)));
          run.write(Tables.GATES, Tables.GATES_SCHEMA, List.of(
              RowFactory.create("gelu@int8:snr_db>=30", "accuracy", "gelu@int8",
                  "model=m checkpoint=c layer=3 site=ffn.pre", "snr_db", ">=", 30.0,
                  Double.POSITIVE_INFINITY, "pass", null),
              RowFactory.create("gelu@int8:max_rel_err<=0.1", "accuracy", "gelu@int8",
                  "model=m checkpoint=c layer=3 site=ffn.pre", "max_rel_err", "<=", 0.1, null,
                  "fail", "missing value")));
          return null;
        }, result -> DriftCommand.ALERT);
    Path file = dir.resolve("gates.json");
    ResultsFile.write(file, "ablate", DriftCommand.ALERT, repo, List.of(id), Instant.EPOCH);

    JsonNode run = valid(file).get("runs").get(0);
    assertEquals(List.of("accuracy"), names(run.get("tables")), "gates are not a table");
    assertEquals("NaN", run.at("/tables/accuracy/rows/0/max_rel_err").asText());
    assertEquals("Infinity", run.at("/tables/accuracy/rows/0/snr_db").asText());
    JsonNode gates = run.get("gates");
    assertEquals(2, gates.size());
    assertEquals(1, run.get("gates_failed").asInt());
    JsonNode failed = gates.get(0).get("status").asText().equals("fail") ? gates.get(0)
        : gates.get(1);
    assertEquals("max_rel_err", failed.get("metric").asText());
    assertTrue(failed.get("value").isNull());
    assertEquals("missing value", failed.get("reason").asText());
    assertEquals("g1", failed.get("run_id").asText());

    // A record that started before the command did is an earlier run of the id: no file.
    Path none = dir.resolve("none.json");
    ResultsFile.write(none, "ablate", 0, repo, List.of(id), Instant.now().plusSeconds(60));
    assertFalse(Files.exists(none));
  }

  @Test
  void theSchemaIsValidDraft2020AndDescribesEveryTableAsTablesDefinesIt() throws IOException {
    Schema meta = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
        .getSchema(SchemaLocation.of(SpecificationVersion.DRAFT_2020_12.getDialectId()));
    JsonNode schema = JSON.readTree(SCHEMA_FILE.toFile());
    assertEquals(List.of(), meta.validate(schema));
    assertFalse(meta.validate(JSON.readTree("{\"type\": \"no-such-type\"}")).isEmpty(),
        "the meta-schema checks");
    JsonNode tables = schema.at("/$defs/run_result/properties/tables/properties");
    for (String table : Tables.KEYS.keySet()) {
      StructType columns = Tables.schema(table);
      if (columns == null || table.equals(Tables.GATES)) {
        continue; // runs (the run object), and gates (checked by the test above)
      }
      assertTrue(tables.has(table), table + " is not in the schema");
      JsonNode row = schema.at("/$defs/" + table + "_row/properties");
      if (ResultsFile.COUNTED.contains(table)) {
        assertTrue(row.isMissingNode(), table + " rows are counted, not listed");
        assertEquals("#/$defs/counted_table", tables.get(table).get("$ref").asText(), table);
        continue;
      }
      List<String> expected = new ArrayList<>(List.of("run_id"));
      expected.addAll(List.of(columns.fieldNames()));
      assertEquals(expected, names(row), table);
      for (StructField f : columns.fields()) {
        JsonNode column = row.get(f.name());
        if (f.dataType().equals(DataTypes.StringType) && column.has("enum")) {
          // A string column whose values are a closed set: every one a string.
          column.get("enum").forEach(v -> assertTrue(v.isTextual(), table + "." + f.name()));
          continue;
        }
        assertEquals(jsonType(f.dataType()), column.toString(), table + "." + f.name());
      }
    }
  }

  /** The schema's form of a column of type {@code t}: every metric column may be null. */
  private static String jsonType(DataType t) {
    if (t.equals(DataTypes.DoubleType)) {
      return "{\"$ref\":\"#/$defs/double_or_null\"}";
    } else if (t.equals(DataTypes.BinaryType)) {
      return "{\"type\":[\"string\",\"null\"],\"contentEncoding\":\"base64\"}";
    }
    String type = t.equals(DataTypes.IntegerType) || t.equals(DataTypes.LongType) ? "integer"
        : t.equals(DataTypes.BooleanType) ? "boolean" : "string";
    return "{\"type\":[\"" + type + "\",\"null\"]}";
  }

  /** A succeeded profile run of one key, as 'ablate profile' would write it, without Spark. */
  private static void profileRun(String metrics, String id, double shift) {
    SplittableRandom random = new SplittableRandom(7);
    float[] x = new float[20_000];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (random.nextGaussian() + shift);
    }
    ValueStats stats = ValueStats.empty();
    stats.update(x, 0, x.length);
    SketchBuilder sketch = new SketchBuilder(QuantileSketch.DEFAULT_K, 7);
    sketch.update(x, 0, x.length);
    Profile p = Profile.of(new ProfileKey("m", "ckpt-" + id, 0, "ffn.pre", ""), stats,
        sketch.toSketch(), QuantileSketch.DEFAULT_K);
    RunLifecycle.inRun(MetricsRepository.open(new Configuration(), metrics),
        RunRecord.startWithoutSpark(RunId.of(id), "profile", "{}", "in", ""), run -> {
          run.write(Tables.PROFILES, Tables.PROFILES_SCHEMA, List.of(p.toRow()));
          return null;
        });
  }

  /** Every column of {@code stored} has the same value in {@code row}. */
  private static void assertSameValues(Row stored, JsonNode row) {
    for (StructField f : stored.schema().fields()) {
      Object v = stored.getAs(f.name());
      JsonNode j = row.get(f.name());
      assertNotNull(j, f.name());
      if (v == null) {
        assertTrue(j.isNull(), f.name());
      } else if (v instanceof Double d) {
        assertEquals(d, j.isNumber() ? j.asDouble() : Double.parseDouble(j.asText()), f.name());
      } else if (v instanceof Number n) {
        assertEquals(n.longValue(), j.asLong(), f.name());
      } else {
        assertEquals(v.toString(), j.asText(), f.name());
      }
    }
    assertEquals(stored.size(), row.size());
  }

  /** The document in {@code file}, which must be valid against the schema. */
  static JsonNode valid(Path file) {
    JsonNode doc;
    try {
      doc = JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + file, e);
    }
    assertEquals(List.of(), errors(doc), doc.toPrettyString());
    return doc;
  }

  private static List<String> errors(JsonNode doc) {
    return SCHEMA.validate(doc).stream().map(Error::toString).toList();
  }

  private static List<String> names(JsonNode object) {
    List<String> out = new ArrayList<>();
    for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
      out.add(it.next());
    }
    return out;
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}

package io.ablate.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ablate.AblateException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import io.ablate.testing.LocalSpark;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opening activation datasets: both encodings, defaults, and every schema and file error. */
class ActivationDatasetTest {
  @TempDir
  static Path dir;
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = LocalSpark.builder("activation-dataset").getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static String write(String name, String sql) {
    String path = dir.resolve(name).toString();
    spark.sql(sql).write().parquet(path);
    return path;
  }

  private static AblateException openFails(String path) {
    return assertThrows(AblateException.class,
        () -> ActivationDataset.open(spark, path, ActivationDataset.OnBadFile.FAIL));
  }

  @Test
  void arrayEncodingWithOnlyRequiredColumnsGetsTheDefaults() {
    String path = write("minimal", "SELECT CAST(id AS INT) AS layer, "
        + "CAST(array(id, -id) AS ARRAY<FLOAT>) AS values FROM range(3)");
    ActivationDataset ds = ActivationDataset.open(spark, path, ActivationDataset.OnBadFile.FAIL);
    assertEquals(ActivationDataset.Encoding.ARRAY, ds.encoding());
    List<Row> rows = ds.rows().orderBy("layer").collectAsList();
    assertEquals(3, rows.size());
    Row r = rows.get(2);
    assertEquals("unknown", r.getAs("model"));
    assertEquals("unknown", r.getAs("checkpoint"));
    assertEquals(2, (int) r.getAs("layer"));
    assertEquals("ffn.pre", r.getAs("site"));
    assertTrue(r.isNullAt(r.fieldIndex("sample_id")) && r.isNullAt(r.fieldIndex("token")));
    assertTrue(((String) r.getAs("_file")).contains("minimal"));
    assertEquals(List.of("model", "checkpoint", "layer", "site", "sample_id", "token", "values",
        "_file", "_split_start", "_split_length"), List.of(ds.rows().schema().fieldNames()));
  }

  @Test
  void binaryEncodingKeepsDataAndDtypeAndLongLayersAreAccepted() {
    String path = write("binary", "SELECT 'gpt2' AS model, 'step-100' AS checkpoint, id AS layer, "
        + "'ffn.gate_up' AS site, CAST(repeat('abcd', 2) AS BINARY) AS data, 'f32' AS dtype "
        + "FROM range(2)");
    ActivationDataset ds = ActivationDataset.open(spark, path, ActivationDataset.OnBadFile.FAIL);
    assertEquals(ActivationDataset.Encoding.BINARY, ds.encoding());
    Row r = ds.rows().orderBy("layer").collectAsList().get(1);
    assertEquals("gpt2", r.getAs("model"));
    assertEquals(1, (int) r.getAs("layer"));
    assertEquals(8, ((byte[]) r.getAs("data")).length);
    assertEquals("f32", r.getAs("dtype"));
  }

  @Test
  void schemaErrorsNameTheColumnAndTheTypeExpected() {
    assertMessage(openFails(write("nolayer", "SELECT CAST(array(1) AS ARRAY<FLOAT>) AS values")),
        "required column 'layer' (int) is missing");
    assertMessage(openFails(write("strlayer", "SELECT 'x' AS layer, "
        + "CAST(array(1) AS ARRAY<FLOAT>) AS values")), "column 'layer' has type string; expected an integer type");
    assertMessage(openFails(write("strings", "SELECT 1 AS layer, array('1') AS values")),
        "column 'values' has type array<string>; expected array<float> or array<double>");
    assertMessage(openFails(write("nodtype", "SELECT 1 AS layer, CAST('abcd' AS BINARY) AS data")),
        "column 'dtype' is missing");
    assertMessage(openFails(write("novector", "SELECT 1 AS layer, 2 AS other")),
        "no vector column");
    assertMessage(openFails(write("both", "SELECT 1 AS layer, CAST(array(1) AS ARRAY<FLOAT>) AS "
        + "values, CAST('abcd' AS BINARY) AS data, 'f32' AS dtype")), "both 'values' and 'data'");
    assertMessage(openFails(write("intmodel", "SELECT 1 AS layer, 7 AS model, "
        + "CAST(array(1) AS ARRAY<FLOAT>) AS values")), "column 'model' has type int; expected string");
  }

  @Test
  void missingEmptyAndCorruptInputsAreNamed() throws Exception {
    assertMessage(openFails(dir.resolve("nowhere").toString()), "does not exist");
    Path empty = Files.createDirectories(dir.resolve("empty"));
    assertMessage(openFails(empty.toString()), "no Parquet files under");
    String mixed = write("mixed", "SELECT CAST(id AS INT) AS layer, "
        + "CAST(array(id) AS ARRAY<FLOAT>) AS values FROM range(4)");
    Path bad = Path.of(mixed).resolve("part-99999-corrupt.parquet");
    Files.writeString(bad, "this is not parquet");
    AblateException e = openFails(mixed);
    assertMessage(e, "corrupt Parquet file");
    assertMessage(e, "part-99999-corrupt.parquet");
    assertMessage(e, "--on-bad-file skip");
    ActivationDataset skipped = ActivationDataset.open(spark, mixed, ActivationDataset.OnBadFile.SKIP);
    assertEquals(1, skipped.skipped().size());
    assertTrue(skipped.skipped().get(0).endsWith("part-99999-corrupt.parquet"));
    assertEquals(4, skipped.rows().count());
  }

  @Test
  void theFingerprintChangesWhenTheInputDoes() throws Exception {
    String path = write("fp", "SELECT 1 AS layer, CAST(array(1) AS ARRAY<FLOAT>) AS values");
    String before = ActivationDataset.open(spark, path, ActivationDataset.OnBadFile.FAIL).fingerprint();
    assertEquals(before, ActivationDataset.open(spark, path, ActivationDataset.OnBadFile.FAIL)
        .fingerprint());
    spark.sql("SELECT 2 AS layer, CAST(array(2) AS ARRAY<FLOAT>) AS values").write().mode("append")
        .parquet(path);
    assertNotEquals(before, ActivationDataset.open(spark, path, ActivationDataset.OnBadFile.FAIL)
        .fingerprint());
  }

  private static void assertMessage(AblateException e, String expected) {
    assertEquals(2, e.exitCode());
    assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
  }
}

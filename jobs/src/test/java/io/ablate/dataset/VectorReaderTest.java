package io.ablate.dataset;

import io.ablate.encoding.Dtype;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import io.ablate.testing.LocalSpark;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Vectors read from internal rows equal what was written; bad rows are named. */
class VectorReaderTest {
  @TempDir
  static Path dir;
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = LocalSpark.builder("vector-reader").getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /** (layer, first value) of every row, read through the reader on the executors. */
  private static List<String> read(String path) {
    ActivationDataset ds = ActivationDataset.open(spark, path, ActivationDataset.OnBadFile.FAIL);
    VectorReader reader = new VectorReader(ds);
    return ds.internalRows()
        .map(r -> reader.key(r).layer() + ":" + java.util.Arrays.toString(reader.vector(r)))
        .collect();
  }

  @Test
  void bothEncodingsAndEveryDtypeGiveTheWrittenValues() {
    for (String enc : List.of("array", "f32", "bf16", "f16")) {
      Generator.Spec spec = new Generator.Spec(5, 8, 2, "m", "c", 3, !enc.equals("array"),
          enc.equals("array") ? Dtype.F32 : Dtype.parse(enc), 0, 1, 0.25, List.of(),
          List.of("ffn.pre"), 2);
      Generator g = new Generator(spec);
      String path = dir.resolve("gen-" + enc).toString();
      g.generate(spark).write().parquet(path);
      List<String> got = read(path);
      assertEquals(10, got.size());
      float[] expected = g.vector(1, "ffn.pre", 0, false);
      if (!enc.equals("array") && !enc.equals("f32")) {
        Dtype d = Dtype.parse(enc);
        expected = d.decode(d.encode(expected, 0, expected.length)); // stored at that precision
      }
      assertTrue(got.contains("1:" + java.util.Arrays.toString(expected)), enc + ": " + got);
    }
  }

  @Test
  void badRowsAreNamedByFileSampleAndValue() {
    String unknown = dir.resolve("f80").toString();
    spark.sql("SELECT 1 AS layer, 's7' AS sample_id, 3 AS token, CAST('abcdefgh' AS BINARY) AS data, "
        + "'f80' AS dtype").write().parquet(unknown);
    assertFails(unknown, "unknown dtype 'f80'; valid: f32, bf16, f16, f64", "sample_id s7",
        "token 3", "f80/part-");
    String f64 = dir.resolve("odd-f64").toString();
    spark.sql("SELECT 4 AS layer, 12 AS sample_id, CAST('abcdefghijkl' AS BINARY) AS data, "
        + "'f64' AS dtype").write().parquet(f64);
    assertFails(f64, "12 bytes is not a multiple of 8 (dtype f64)", "sample_id 12", "layer 4");
    String odd = dir.resolve("odd").toString();
    spark.sql("SELECT 2 AS layer, CAST('abcdefg' AS BINARY) AS data, 'f32' AS dtype")
        .write().parquet(odd);
    assertFails(odd, "7 bytes is not a multiple of 4", "layer 2");
  }

  private static void assertFails(String path, String... expected) {
    Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> read(path));
    StringBuilder all = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      all.append(t.getMessage()).append('\n');
    }
    for (String s : expected) {
      assertTrue(all.toString().contains(s), "expected '" + s + "' in: " + all);
    }
  }

  @Test
  void readsArrayVectorsExactly() {
    String path = dir.resolve("arr").toString();
    spark.sql("SELECT 4 AS layer, CAST(array(1.5, -2.25, 3) AS ARRAY<FLOAT>) AS values")
        .write().parquet(path);
    assertEquals(List.of("4:[1.5, -2.25, 3.0]"), read(path));
  }

  @Test
  void keysTakeTheDefaultsOfRowsAndIntegersOfAnyWidth() {
    String path = dir.resolve("defaults").toString();
    spark.sql("SELECT CAST(l AS BIGINT) AS layer, CAST(l AS SMALLINT) AS token, "
        + "IF(l = 1, NULL, 'm') AS model, IF(l = 2, NULL, 'ffn.gate_up') AS site, "
        + "CAST(array(1, 2) AS ARRAY<FLOAT>) AS values FROM VALUES (1), (2), (3) AS t(l)")
        .write().parquet(path);
    ActivationDataset ds = ActivationDataset.open(spark, path, ActivationDataset.OnBadFile.FAIL);
    VectorReader reader = new VectorReader(ds);
    List<String> keys = new java.util.ArrayList<>(ds.internalRows().map(r -> reader.key(r).toString())
        .collect());
    java.util.Collections.sort(keys);
    assertEquals(List.of(
        "Key[model=m, checkpoint=unknown, layer=2, site=ffn.pre]",
        "Key[model=m, checkpoint=unknown, layer=3, site=ffn.gate_up]",
        "Key[model=unknown, checkpoint=unknown, layer=1, site=ffn.gate_up]"), keys);
    // The same defaults as the dataset's table view
    List<String> view = new java.util.ArrayList<>(ds.rows().collectAsList().stream()
        .map(r -> new VectorReader.Key(r.getAs("model"), r.getAs("checkpoint"), r.getAs("layer"),
            r.getAs("site")).toString()).toList());
    java.util.Collections.sort(view);
    assertEquals(keys, view);

    String wide = dir.resolve("wide").toString();
    spark.sql("SELECT 5000000000L AS layer, 's1' AS sample_id, CAST(array(1) AS ARRAY<FLOAT>) AS values")
        .write().parquet(wide);
    assertFails(wide, "column 'layer' has value 5000000000, beyond the int range", "sample_id s1",
        "wide/part-");
  }

  @Test
  void rowsAreViewsOfTheParquetReadersBatchesUnlessItMakesNone() {
    String path = dir.resolve("views").toString();
    spark.sql("SELECT 1 AS layer, CAST(array(1.5, -2.25) AS ARRAY<FLOAT>) AS values, 'x' AS extra")
        .write().parquet(path);
    ActivationDataset ds = ActivationDataset.open(spark, path, ActivationDataset.OnBadFile.FAIL);
    VectorReader reader = new VectorReader(ds);
    assertEquals(List.of("layer", "values"), List.of(ds.storedSchema().fieldNames()));
    assertEquals(List.of("ColumnarBatchRow [1.5, -2.25]"), rowKindsAndVectors(ds, reader));
    spark.conf().set("spark.sql.parquet.enableVectorizedReader", "false");
    try {
      assertEquals(List.of("UnsafeRow [1.5, -2.25]"), rowKindsAndVectors(ds, reader));
    } finally {
      spark.conf().unset("spark.sql.parquet.enableVectorizedReader");
    }
  }

  /** Each row's class and vector, as the passes read them. */
  private static List<String> rowKindsAndVectors(ActivationDataset ds, VectorReader reader) {
    return ds.internalRows()
        .map(r -> r.getClass().getSimpleName() + " " + java.util.Arrays.toString(reader.vector(r)))
        .collect();
  }

  @Test
  void batchesHoldAboutAQuarterMegabyteOfVectors() {
    String path = dir.resolve("batches").toString();
    spark.sql("SELECT 1 AS layer, transform(sequence(1, 1024), i -> CAST(id * 1024 + i AS FLOAT)) "
        + "AS values FROM range(0, 1000, 1, 1)").write().parquet(path);
    ActivationDataset ds = ActivationDataset.open(spark, path, ActivationDataset.OnBadFile.FAIL);
    int rows = ds.batchRows(); // 4 KB of floats a row, plus its levels
    assertTrue(rows >= 60 && rows <= 64, "rows per batch " + rows);
    assertEquals(4096, ActivationDataset.batchRows(16));
    assertEquals(8, ActivationDataset.batchRows(1 << 20));
    // A new row object per batch: count them, and check every value arrived.
    VectorReader reader = new VectorReader(ds);
    List<long[]> seen = ds.internalRows().mapPartitions((java.util.Iterator<
        org.apache.spark.sql.catalyst.InternalRow> it) -> {
      long batches = 0;
      long sum = 0;
      Object last = null;
      while (it.hasNext()) {
        org.apache.spark.sql.catalyst.InternalRow r = it.next();
        batches += r == last ? 0 : 1;
        last = r;
        for (float v : reader.vector(r)) {
          sum += (long) v;
        }
      }
      return List.of(new long[] {batches, sum}).iterator();
    }).collect();
    assertEquals(1, seen.size());
    assertEquals((1000 + rows - 1) / rows, seen.get(0)[0]);
    assertEquals(1024L * 1024 * (999 * 1000 / 2) + 1000L * (1024 * 1025 / 2), seen.get(0)[1]);
  }
}

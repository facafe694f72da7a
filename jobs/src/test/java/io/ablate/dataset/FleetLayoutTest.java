package io.ablate.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ablate.AblateException;
import io.ablate.accuracy.AccuracyPass;
import io.ablate.accuracy.ErrorStats;
import io.ablate.activation.Catalogue;
import io.ablate.profile.Profile;
import io.ablate.profile.ProfilePass;
import io.ablate.testing.LocalSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Datasets as fleets store them: partitioned by directory, split over several inputs, selected
 * with {@code --where}; the same vectors give the same metrics whatever the layout.
 */
class FleetLayoutTest {
  @TempDir
  static Path dir;
  private static SparkSession spark;
  private static String flat;
  private static String partitioned;

  /**
   * 400 rows over 2 models × 4 layers, 16 values each from a chaotic function of the row and
   * index (a fresh seed each run), and one row of edge values per key: ±0, ±Inf, NaN, subnormals,
   * huge magnitudes.
   */
  private static final String ROWS = "SELECT IF(id %% 2 = 0, 'llama-8b', 'mistral-7b') AS model, "
      + "CAST(id %% 4 AS INT) AS layer, CONCAT('s', id DIV 8) AS sample_id, "
      + "CAST(id %% 8 AS INT) AS token, IF(id < 8, CAST(array(0.0, -0.0, float('inf'), "
      + "float('-inf'), float('nan'), 1.4e-45, -1.0e-40, 3.0e38, -3.0e38, 1.0, -1.0, 0.5, -0.5, 8.0, "
      + "-8.0, 1.0e-20) AS ARRAY<FLOAT>), transform(sequence(0, 15), i -> CAST(sin(id * 7919.0 + "
      + "i * 104729.0 + %d) * exp(3 * cos(id * 31.0 + i)) AS FLOAT))) AS values FROM range(400)";

  @BeforeAll
  static void start() {
    spark = LocalSpark.builder("fleet-layout")
        .config("spark.sql.warehouse.dir", dir.resolve("warehouse").toString()).getOrCreate();
    long seed = System.nanoTime() % 100_000;
    System.out.println("FleetLayoutTest seed " + seed);
    String sql = String.format(ROWS, seed);
    flat = dir.resolve("flat").toString();
    spark.sql(sql).repartition(3).write().parquet(flat);
    partitioned = dir.resolve("partitioned").toString();
    spark.sql(sql).repartition(2).write().partitionBy("model", "layer").parquet(partitioned);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static ActivationDataset open(Source source) {
    return ActivationDataset.open(spark, source, ActivationDataset.OnBadFile.FAIL);
  }

  /** Every accuracy figure of every key and variant, as values compared with equals (bitwise). */
  private static List<List<Object>> accuracy(ActivationDataset ds) {
    List<AccuracyPass.Result> results = new AccuracyPass(
        Catalogue.variants("gelu_tanh;silu;gelu@bf16;gelu@int8"), Catalogue.variant("gelu"),
        Catalogue.variant("swiglu")).run(ds);
    List<List<Object>> out = new ArrayList<>();
    for (AccuracyPass.Result r : results) {
      ErrorStats s = r.stats();
      out.add(List.of(r.key().toString(), r.variant(), s.n(), s.nanIn(), s.infIn(), s.nanOut(),
          s.maxAbsErr(), s.meanAbsErr(), s.rmse(), s.maxRelErr(), s.maxUlp(), s.cosSim(),
          s.snrDb(), s.sparsityOut()));
    }
    return out;
  }

  /** The profiles' exact statistics (the sketch bytes depend on the row-group layout). */
  private static List<List<Object>> profiles(ActivationDataset ds) {
    List<List<Object>> out = new ArrayList<>();
    for (Profile p : new ProfilePass(Catalogue.variants("silu"), 200).run(ds)) {
      out.add(List.of(p.model(), p.layer(), p.site(), String.valueOf(p.variant()), p.n(), p.mean(),
          p.m2(), p.m3(), p.m4(), p.min(), p.max(), p.zeros(), p.nans(), p.infs(), p.outliers()));
    }
    return out;
  }

  @Test
  void partitionColumnsComeFromTheDirectoriesAndMetricsMatchEveryLayout() throws Exception {
    ActivationDataset p = open(Source.of(partitioned));
    assertTrue(p.storedSchema().fieldNames().length > 0);
    assertEquals(List.of("sample_id", "token", "values", "model", "layer"),
        List.of(p.storedSchema().fieldNames()));
    List<List<Object>> expected = accuracy(open(Source.of(flat)));
    assertTrue(expected.size() >= 8 * 2, "rows: " + expected.size());
    assertEquals(expected, accuracy(p));
    // The same rows split over two inputs, one a glob.
    String a = dir.resolve("split/a").toString();
    String b = dir.resolve("split/b-1").toString();
    spark.read().parquet(flat).where("layer < 2").write().parquet(a);
    spark.read().parquet(flat).where("layer >= 2").write().parquet(b);
    ActivationDataset split = open(Source.of(a + "," + dir.resolve("split/b-*")));
    assertEquals(expected, accuracy(split));
    assertEquals(profiles(open(Source.of(flat))), profiles(p));
    assertEquals(profiles(p), profiles(split));
    // The normalised rows carry the directories' values.
    assertEquals(Set.of("llama-8b", "mistral-7b"), p.rows().select("model").distinct()
        .collectAsList().stream().map(r -> r.getString(0)).collect(Collectors.toSet()));
  }

  @Test
  void aSelectionOfOnePartitionOpensOnlyItsFiles() {
    ActivationDataset all = open(Source.of(partitioned));
    ActivationDataset one = open(Source.of(partitioned)
        .where("model = 'llama-8b' AND layer BETWEEN 0 AND 0"));
    List<String> expected = all.files().stream()
        .filter(f -> f.contains("/model=llama-8b/layer=0/")).toList();
    assertTrue(!expected.isEmpty() && expected.size() < all.files().size());
    assertEquals(expected, one.files());
    assertEquals(expected.size(), one.reading().filesRead());
    assertEquals(all.files().size(), one.reading().filesListed());
    assertTrue(one.reading().bytesRead() < one.reading().bytesListed());
    // What the pass's tasks read: those files only, and every row of them.
    Set<String> read = new TreeSet<>(one.internalRows().map(r -> ActivationDataset.fileKey(
        VectorReader.file().toString())).collect());
    assertEquals(expected.stream().map(ActivationDataset::fileKey).collect(Collectors.toSet()),
        read);
    assertEquals(100, one.internalRows().count());
    // The same selection over the flat layout gives the same metrics.
    assertEquals(accuracy(one), accuracy(open(Source.of(flat)
        .where("model = 'llama-8b' AND layer BETWEEN 0 AND 0"))));
    assertEquals(profiles(one), profiles(open(Source.of(flat)
        .where("model = 'llama-8b' AND layer BETWEEN 0 AND 0"))));
  }

  /** The flat rows in one file, one row group per token value (sorted by token, small groups). */
  private static synchronized String groupsFile() {
    String path = dir.resolve("groups").toString();
    if (!Files.exists(Path.of(path))) {
      spark.read().parquet(flat).orderBy("token", "layer", "sample_id").coalesce(1).write()
          .option("parquet.block.size", 2048).option("parquet.page.size.row.check.min", 5)
          .option("parquet.page.size.row.check.max", 10).parquet(path);
    }
    return path;
  }

  /** The Parquet records Spark's input metrics count while {@code work} runs. */
  private static long recordsRead(Runnable work) throws Exception {
    AtomicLong records = new AtomicLong();
    SparkListener listener = new SparkListener() {
      @Override
      public void onTaskEnd(SparkListenerTaskEnd end) {
        records.addAndGet(end.taskMetrics().inputMetrics().recordsRead());
      }
    };
    spark.sparkContext().addSparkListener(listener);
    try {
      work.run();
      spark.sparkContext().listenerBus().waitUntilEmpty();
    } finally {
      spark.sparkContext().removeSparkListener(listener);
    }
    return records.get();
  }

  @Test
  void aSelectionOnAFileColumnSkipsRowGroupsAndKeepsExactlyItsRows() throws Exception {
    String path = groupsFile();
    ActivationDataset all = open(Source.of(path));
    long groups = all.rowGroups().values().iterator().next().count();
    assertTrue(groups > 4, "row groups: " + groups);
    ActivationDataset sel = open(Source.of(path).where("token = 3"));
    AtomicLong rows = new AtomicLong();
    long records = recordsRead(() -> rows.set(sel.internalRows().count()));
    assertEquals(50, rows.get());
    assertTrue(records < 400 / 2, "records read " + records);
    assertEquals(accuracy(sel), accuracy(open(Source.of(partitioned).where("token = 3"))));
    assertEquals(profiles(sel), profiles(open(Source.of(partitioned).where("token = 3"))));
  }

  /**
   * The profile pass under a selection on a file column reads only the row groups Parquet's
   * filters keep, and gives, sketches included, the profiles of reading every group and testing
   * each row, whatever the splits; its exact statistics are those of the selected values as
   * counted here from a plain read (sum exact, in BigDecimal).
   */
  @Test
  void theProfilePassSkipsRowGroupsOutsideTheSelection() throws Exception {
    String path = groupsFile();
    ActivationDataset sel = open(Source.of(path).where("token = 3"));
    AtomicReference<List<Profile>> skipping = new AtomicReference<>();
    long records = recordsRead(() -> skipping.set(new ProfilePass(List.of(), 200).run(sel)));
    System.out.println("profile pass, token = 3: " + records + " of 400 records read");
    assertTrue(records < 400 / 2, "records read " + records);
    List<Profile> got = skipping.get();
    assertEquals(1, got.size()); // token 3: odd ids, mistral-7b layer 3, one row of edge values

    Map<String, List<Float>> values = new TreeMap<>();
    for (org.apache.spark.sql.Row r : spark.read().parquet(path).where("token = 3")
        .select("model", "layer", "values").collectAsList()) {
      values.computeIfAbsent(r.getString(0) + "|" + r.getInt(1), x -> new ArrayList<>())
          .addAll(r.getList(2));
    }
    assertEquals(values.keySet(), got.stream().map(p -> p.model() + "|" + p.layer())
        .collect(Collectors.toCollection(TreeSet::new)));
    for (Profile p : got) {
      List<Float> x = values.get(p.model() + "|" + p.layer());
      List<Float> finite = x.stream().filter(Float::isFinite).toList();
      long nans = x.stream().filter(v -> v.isNaN()).count();
      double min = finite.stream().min(Float::compare).orElseThrow();
      double max = finite.stream().max(Float::compare).orElseThrow();
      long n = finite.size();
      BigDecimal sum = finite.stream().map(v -> new BigDecimal(v))
          .reduce(BigDecimal.ZERO, BigDecimal::add);
      assertTrue(nans > 0 && x.size() - n - nans > 0 && n > 700, "edge values: " + x.size());
      String key = p.model() + "|" + p.layer();
      assertEquals(List.<Object>of(n, finite.stream().filter(v -> v == 0).count(), nans,
          x.size() - n - nans, min, max),
          List.<Object>of(p.n(), p.zeros(), p.nans(), p.infs(), p.min(), p.max()), key);
      double mean = sum.divide(BigDecimal.valueOf(n), MathContext.DECIMAL128).doubleValue();
      assertEquals(mean, p.mean(), key);
    }

    // Every row group read and each row tested: the same profiles, sketch bytes included.
    spark.conf().set("spark.sql.parquet.filterPushdown", "false");
    List<Profile> everyGroup;
    try {
      long all = recordsRead(() -> assertEquals(1,
          new ProfilePass(List.of(), 200).run(sel).size()));
      assertEquals(400, all);
      everyGroup = new ProfilePass(List.of(), 200).run(sel);
    } finally {
      spark.conf().unset("spark.sql.parquet.filterPushdown");
    }
    assertEquals(bytes(everyGroup), bytes(got));
    // Splits smaller than a row group, the file in one split, and Spark's rows instead of batches.
    for (String[] setting : new String[][] {{"spark.sql.files.maxPartitionBytes", "1024"},
        {"spark.sql.files.maxPartitionBytes", "1g"},
        {"spark.sql.parquet.enableVectorizedReader", "false"}}) {
      spark.conf().set(setting[0], setting[1]);
      try {
        assertEquals(bytes(got), bytes(new ProfilePass(List.of(), 200).run(sel)), setting[1]);
      } finally {
        spark.conf().unset(setting[0]);
      }
    }
  }

  /** Profiles as rows compared with equals (the sketch's bytes as a list). */
  private static List<List<Object>> bytes(List<Profile> profiles) {
    List<List<Object>> out = new ArrayList<>();
    for (Profile p : profiles) {
      List<Object> row = new ArrayList<>(
          scala.jdk.javaapi.CollectionConverters.asJava(p.toRow().toSeq()));
      row.replaceAll(v -> v instanceof byte[] b ? java.util.Arrays.toString(b) : v);
      out.add(row);
    }
    return out;
  }

  @Test
  void badPartitionsAndSelectionsAreBadInput() throws Exception {
    String bad = dir.resolve("bad").toString();
    spark.sql("SELECT 'x' AS layer_text, CAST(array(1.0) AS ARRAY<FLOAT>) AS values").write()
        .parquet(bad + "/layer=seventeen");
    AblateException e = assertThrows(AblateException.class, () -> open(Source.of(bad)));
    assertEquals(2, e.kind().exitCode());
    assertTrue(e.getMessage().contains("layer=seventeen") && e.getMessage().contains("'layer'"),
        e.getMessage());

    String both = dir.resolve("both").toString();
    spark.sql("SELECT 5 AS layer, CAST(array(1.0) AS ARRAY<FLOAT>) AS values").write()
        .parquet(both + "/layer=4");
    e = assertThrows(AblateException.class, () -> open(Source.of(both)));
    assertTrue(e.getMessage().contains("layer=4") && e.getMessage().contains("'5'"),
        e.getMessage());
    String agree = dir.resolve("agree").toString();
    spark.sql("SELECT 4 AS layer, CAST(array(1.0) AS ARRAY<FLOAT>) AS values").write()
        .parquet(agree + "/layer=4");
    assertEquals(1, open(Source.of(agree)).internalRows().count());

    e = assertThrows(AblateException.class,
        () -> open(Source.of(partitioned).where("model = 'gpt-2'")));
    assertEquals(2, e.kind().exitCode());
    assertTrue(e.getMessage().contains("matches none"), e.getMessage());
    e = assertThrows(AblateException.class, () -> open(Source.of(partitioned).where("values IS NULL")));
    assertTrue(e.getMessage().contains("'values'"), e.getMessage());
    e = assertThrows(AblateException.class, () -> open(Source.of(partitioned).where("layer = ")));
    assertTrue(e.getMessage().contains("not a Spark SQL condition"), e.getMessage());
    e = assertThrows(AblateException.class,
        () -> open(Source.of(flat + "," + dir.resolve("nothing-*"))));
    assertTrue(e.getMessage().contains("nothing-*"), e.getMessage());
    e = assertThrows(AblateException.class, () -> open(Source.of(flat + "," + flat + "/")));
    assertTrue(e.getMessage().contains("is in more than one input"), e.getMessage());
    e = assertThrows(AblateException.class, () -> open(Source.of(flat + "," + partitioned)));
    assertTrue(e.getMessage().contains("partition columns"), e.getMessage());
    assertTrue(Files.exists(Path.of(flat)));
  }

  @Test
  void aCatalogTableIsReadFromItsLocation() {
    // The session's own catalog (in memory here): a partitioned Parquet table saved by name.
    spark.read().parquet(flat).write().partitionBy("layer").saveAsTable("default.acts_by_layer");
    ActivationDataset t = open(new Source(List.of(), "default.acts_by_layer", "layer = 2"));
    assertTrue(t.files().stream().allMatch(f -> f.contains("/layer=2/")), t.files().toString());
    assertEquals(accuracy(open(Source.of(flat).where("layer = 2"))), accuracy(t));
    spark.read().parquet(flat).write().format("json").saveAsTable("default.acts_json");
    AblateException e = assertThrows(AblateException.class,
        () -> open(new Source(List.of(), "default.acts_json", null)));
    assertTrue(e.getMessage().contains("stored as json"), e.getMessage());
    e = assertThrows(AblateException.class,
        () -> open(new Source(List.of(), "default.no_such_table", null)));
    assertTrue(e.getMessage().contains("no_such_table"), e.getMessage());
  }

  /**
   * The types users store: integer ids, bigint layers, smallint tokens, float64 vectors (fresh
   * random values, and edge values: ±0, ±Inf, NaN, float32-subnormal and below, beyond float32's
   * range) give the metrics of the same vectors rounded to float32 by Spark's own cast, and the
   * count of values the rounding changed is Spark SQL's count of them.
   */
  @Test
  void naturalTypesReadAsTheContractsTypes() {
    long seed = System.nanoTime() % 100_000;
    String doubles = dir.resolve("doubles").toString();
    spark.sql("SELECT CAST(id DIV 8 AS BIGINT) AS sample_id, CAST(id % 3 AS BIGINT) AS layer, "
        + "CAST(id % 8 AS SMALLINT) AS token, IF(id = 0, array(0.0D, -0.0D, double('inf'), "
        + "double('-inf'), double('nan'), 1e-40D, 1e-310D, 1e300D, -1e300D, 3.0D, 0.1D, "
        + "3.4028235677973366e38D, 1.0000000000000002D, 65504.00390625D, -2.5D, 7.0D), "
        + "transform(sequence(0, 15), i -> sin(id * 7919.0 + i * 104729.0 + " + seed + ") * "
        + "exp(4 * cos(id * 31.0 + i)))) AS values FROM range(240)").coalesce(2).write()
        .parquet(doubles);
    String floats = dir.resolve("doubles-as-floats").toString();
    spark.read().parquet(doubles).selectExpr("CAST(sample_id AS STRING) AS sample_id",
        "CAST(layer AS INT) AS layer", "CAST(token AS INT) AS token",
        "CAST(values AS ARRAY<FLOAT>) AS values").coalesce(2).write().parquet(floats);
    ActivationDataset d = open(Source.of(doubles));
    assertTrue(d.float64());
    assertEquals(accuracy(open(Source.of(floats))), accuracy(d));
    long expected = spark.read().parquet(doubles).selectExpr("SUM(size(filter(values, v -> "
        + "CAST(CAST(v AS FLOAT) AS DOUBLE) <> v AND NOT isnan(v))))").first().getLong(0);
    assertTrue(expected > 240 * 15, "rounded: " + expected);
    assertEquals(expected, d.roundedValues());
    assertEquals(profiles(open(Source.of(floats))), profiles(d));
    // The same float64 values as binary f64 (little-endian), written row by row here.
    List<org.apache.spark.sql.Row> binary = new ArrayList<>();
    for (org.apache.spark.sql.Row r : spark.read().parquet(doubles).collectAsList()) {
      List<Double> x = r.getList(r.fieldIndex("values"));
      java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 * x.size())
          .order(java.nio.ByteOrder.LITTLE_ENDIAN);
      x.forEach(b::putDouble);
      binary.add(org.apache.spark.sql.RowFactory.create(r.getAs("sample_id"), r.getAs("layer"),
          r.getAs("token"), b.array(), "f64"));
    }
    String f64 = dir.resolve("f64").toString();
    spark.createDataFrame(binary, new org.apache.spark.sql.types.StructType()
        .add("sample_id", "bigint").add("layer", "bigint").add("token", "smallint")
        .add("data", "binary").add("dtype", "string")).coalesce(2).write().parquet(f64);
    ActivationDataset b = open(Source.of(f64));
    assertEquals(accuracy(open(Source.of(floats))), accuracy(b));
    assertEquals(expected, b.roundedValues());
    AblateException gpu = assertThrows(AblateException.class, () -> PlanInputs.vectors(b));
    assertTrue(gpu.getMessage().contains("dtype f64 are read by the CPU pass"), gpu.getMessage());
    // The normalised rows: ids as digits, vectors as float32.
    org.apache.spark.sql.Row first = d.rows().where("sample_id = '0' AND token = 0").first();
    assertEquals("0", first.getAs("sample_id"));
    List<Float> v = first.getList(first.fieldIndex("values"));
    assertEquals((float) 1e-40, v.get(5));
    assertEquals(Float.POSITIVE_INFINITY, v.get(7));
    assertEquals(Float.floatToRawIntBits(-0.0f), Float.floatToRawIntBits(v.get(1)));
  }

  /** {@code generate --partition-by model,layer} writes what the reader reads back. */
  @Test
  void generatedPartitionedGivesTheMetricsOfGeneratedFlat() {
    long seed = System.nanoTime() % 1000;
    Generator.Spec spec = new Generator.Spec(300, 64, 3, "gen-model", "ckpt-1",
        seed, false, io.ablate.encoding.Dtype.F32, 0, 1, 0.25, List.of(),
        List.of(ActivationDataset.DEFAULT_SITE), 2);
    String flatOut = dir.resolve("gen-flat").toString();
    String partOut = dir.resolve("gen-partitioned").toString();
    io.ablate.job.GenerateJob.run(spark, new io.ablate.job.GenerateJob.Options(spec, flatOut,
        false, List.of()), io.ablate.job.JobListener.NONE);
    io.ablate.job.GenerateJob.run(spark, new io.ablate.job.GenerateJob.Options(spec, partOut,
        false, List.of("model", "layer")), io.ablate.job.JobListener.NONE);
    ActivationDataset p = open(Source.of(partOut));
    assertTrue(p.files().stream().allMatch(f -> f.matches(".*/model=gen-model/layer=[0-2]/[^/]*")),
        p.files().toString());
    assertTrue(List.of(spark.read().parquet(p.files().get(0)).schema().fieldNames())
        .stream().noneMatch(c -> c.equals("model") || c.equals("layer")));
    assertEquals(accuracy(open(Source.of(flatOut))), accuracy(p));
    AblateException e = assertThrows(AblateException.class, () ->
        new io.ablate.job.GenerateJob.Options(spec, partOut, false, List.of("token")));
    assertTrue(e.getMessage().contains("--partition-by token"), e.getMessage());
  }

  @Test
  void fingerprintChangesWithTheSelection() {
    assertNotEquals(open(Source.of(flat)).fingerprint(),
        open(Source.of(flat).where("layer = 1")).fingerprint());
  }

  @Test
  void placedRowsAreTheSelectionsRowsWithTheirIndexInTheirFile() {
    // Partitioned: the scan puts the partition columns after the file's, the row index after them.
    for (String root : List.of(flat, partitioned)) {
      ActivationDataset sel = open(Source.of(root).where("layer = 2 AND token < 4"));
      VectorReader reader = new VectorReader(sel);
      int index = sel.rowIndexOrdinal();
      int sample = sel.storedSchema().fieldIndex("sample_id");
      int token = sel.storedSchema().fieldIndex("token");
      Set<String> kept = new TreeSet<>(sel.placedRows().map(r -> ActivationDataset.fileKey(
          VectorReader.file().toString()) + "|" + reader.key(r).model() + "|"
          + reader.key(r).layer() + "|" + r.getUTF8String(sample) + "|" + r.getInt(token) + "|"
          + r.getLong(index)).collect());
      Set<String> expected = new TreeSet<>(spark.read().parquet(root)
          .where("layer = 2 AND token < 4").selectExpr("_metadata.file_path", "model",
              "layer", "sample_id", "token", "_metadata.row_index").collectAsList().stream()
          .map(r -> ActivationDataset.fileKey(r.getString(0)) + "|" + r.get(1) + "|" + r.get(2)
              + "|" + r.get(3) + "|" + r.get(4) + "|" + r.get(5)).toList());
      assertEquals(50, kept.size(), root);
      assertEquals(expected, kept, root);
      // Views of the scan's batches, not rows copied by a projection.
      assertEquals(List.of("ColumnarBatchRow"), sel.placedRows()
          .map(r -> r.getClass().getSimpleName()).distinct().collect(), root);
    }
  }
}

package io.ablate.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ablate.AblateException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metrics repository on real Parquet in a temporary directory with a local[2] session: commit
 * and read, re-runs, failures, runs closed without commit, concurrent runs, and run_id always a
 * string.
 */
class MetricsRepositoryTest {
  private static SparkSession spark;

  private static final StructType ACCURACY = new StructType()
      .add("variant", DataTypes.StringType)
      .add("n", DataTypes.LongType)
      .add("max_abs_err", DataTypes.DoubleType);
  private static final StructType LATENCY = new StructType()
      .add("variant", DataTypes.StringType)
      .add("impl", DataTypes.StringType)
      .add("ns_per_elem_p50", DataTypes.DoubleType);

  @TempDir
  Path tmp;

  @BeforeAll
  static void start() {
    // As io.ablate.testing.LocalSpark in the udfs tests.
    spark = SparkSession.builder()
        .master("local[2]")
        .appName("metrics-repository")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void writeCommitReadTwoTables() throws IOException {
    MetricsRepository repo = repo();
    RunId id = RunId.of("20261125T103000Z-7f3a");
    RunRecord start = record(id);
    RunRecord done;
    try (MetricsRepository.Run run = repo.begin(start)) {
      assertEquals(RunRecord.Status.RUNNING, repo.runRecord(id).orElseThrow().status());
      run.write("accuracy", accuracy("gelu", 1, "silu", 2));
      run.write("latency", latency("gelu", "scalar", "gelu", "simd", "silu", "scalar"));
      done = run.commit();
    }
    assertEquals(RunRecord.Status.SUCCEEDED, done.status());
    assertNotNull(done.finishedAt());

    Dataset<Row> acc = repo.read("accuracy");
    assertEquals(DataTypes.StringType, acc.schema().apply("run_id").dataType());
    assertEquals(Map.of("gelu", 1L, "silu", 2L), byVariant(acc, id.value()));
    assertEquals(3, repo.read("latency").where("run_id = '" + id + "'").count());
    assertEquals(List.of("accuracy", "latency"), repo.tables());

    // The stored record reads back as written; runs() has the contract's columns.
    List<RunRecord> runs = repo.runRecords();
    assertEquals(1, runs.size());
    assertEquals(done, runs.get(0));
    assertEquals(start.startedAt(), runs.get(0).startedAt());
    assertEquals("{\"variants\":\"gelu,silu\"}", runs.get(0).args());
    assertTrue(List.of(repo.runs().columns()).containsAll(List.of("run_id", "job", "status",
        "started_at", "finished_at", "args", "inputs", "input_fingerprint", "spark_master",
        "executors", "version", "host", "error")));

    // A plain Spark read of a table gives run_id as a string partition column too.
    Dataset<Row> raw = spark.read().parquet(tmp.resolve("m/accuracy").toString());
    assertEquals(DataTypes.StringType, raw.schema().apply("run_id").dataType());
    assertEquals(2, raw.where("run_id = '" + id + "'").count());
    // Nothing is left in staging.
    assertEquals(0, dataFiles(tmp.resolve("m/_staging")).size());
  }

  @Test
  void runIdStaysAStringWhateverItLooksLike() {
    MetricsRepository repo = repo();
    // Ids that Spark's partition inference would read as numbers or dates.
    commit(repo, RunId.of("007"), accuracy("gelu", 1));
    commit(repo, RunId.of("42"), accuracy("gelu", 2));
    try (MetricsRepository.Run run = repo.begin(record(RunId.of("2026-11-25")))) {
      run.write("latency", latency("gelu", "simd"));
      run.commit();
    }
    // The pitfall: a plain read infers int and date, and "007" becomes 7.
    assertEquals(DataTypes.IntegerType, spark.read().parquet(tmp.resolve("m/accuracy").toString())
        .schema().apply("run_id").dataType());
    assertEquals(DataTypes.DateType, spark.read().parquet(tmp.resolve("m/latency").toString())
        .schema().apply("run_id").dataType());

    Dataset<Row> acc = repo.read("accuracy");
    assertEquals(DataTypes.StringType, acc.schema().apply("run_id").dataType());
    assertEquals(Map.of("gelu", 1L), byVariant(acc, "007"));
    assertEquals(Map.of("gelu", 2L), byVariant(acc, "42"));
    Dataset<Row> lat = repo.read("latency");
    assertEquals(DataTypes.StringType, lat.schema().apply("run_id").dataType());
    assertEquals("2026-11-25", lat.select("run_id").first().getString(0));
    assertEquals(DataTypes.StringType, repo.runs().schema().apply("run_id").dataType());
    assertEquals(List.of("007", "2026-11-25", "42"),
        repo.runRecords().stream().map(r -> r.runId().value()).collect(Collectors.toList()));
  }

  @Test
  void rerunWithSameIdReplacesOnlyThatRun() throws IOException {
    MetricsRepository repo = repo();
    RunId a = RunId.of("a");
    RunId b = RunId.of("b");
    commit(repo, a, accuracy("gelu", 1, "silu", 2));
    commit(repo, b, accuracy("gelu", 10, "silu", 20));
    try (MetricsRepository.Run run = repo.begin(record(a))) {
      // From begin, the old metrics of a are hidden; b's are not.
      assertEquals(0, repo.read("accuracy").where("run_id = 'a'").count());
      assertEquals(2, repo.read("accuracy").where("run_id = 'b'").count());
      run.write("accuracy", accuracy("relu", 3));
      run.commit();
    }
    Dataset<Row> acc = repo.read("accuracy");
    assertEquals(Map.of("relu", 3L), byVariant(acc, "a"));
    assertEquals(Map.of("gelu", 10L, "silu", 20L), byVariant(acc, "b"));
    // One record file per run after the re-run; the run is succeeded.
    assertEquals(1, dataFiles(tmp.resolve("m/runs/run_id=a")).size());
    assertEquals(2, repo.runs().count());
    assertEquals(RunRecord.Status.SUCCEEDED, repo.runRecord(a).orElseThrow().status());
  }

  @Test
  void severalWritesToOneTableAddUp() {
    MetricsRepository repo = repo();
    try (MetricsRepository.Run run = repo.begin(record(RunId.of("r")))) {
      run.write("accuracy", accuracy("gelu", 1));
      // A run_id column in the rows is replaced by the run's own.
      run.write("accuracy", accuracy("silu", 2).withColumn("run_id", functions.lit("other")));
      run.commit();
    }
    assertEquals(Map.of("gelu", 1L, "silu", 2L), byVariant(repo.read("accuracy"), "r"));
  }

  @Test
  void failedRunLeavesNoMetricPartitionsAndAFailedRecord() throws IOException {
    MetricsRepository repo = repo();
    commit(repo, RunId.of("ok"), accuracy("gelu", 1));
    RunId id = RunId.of("bad");
    MetricsRepository.Run run = repo.begin(record(id));
    run.write("accuracy", accuracy("gelu", 5));
    run.write("latency", latency("gelu", "gpu"));
    RunRecord failed = run.fail(new IllegalStateException("GPU out of memory"));
    run.close(); // nothing more to do

    assertEquals(RunRecord.Status.FAILED, failed.status());
    RunRecord stored = repo.runRecord(id).orElseThrow();
    assertEquals(failed, stored);
    assertTrue(stored.error().contains("GPU out of memory"), stored.error());
    assertTrue(stored.error().contains("IllegalStateException"), stored.error());
    assertNotNull(stored.finishedAt());
    assertFalse(Files.exists(tmp.resolve("m/accuracy/run_id=bad")));
    assertFalse(Files.exists(tmp.resolve("m/latency/run_id=bad")));
    assertEquals(0, dataFiles(tmp.resolve("m/_staging")).size());
    assertEquals(1, repo.read("accuracy").count());
    assertThrows(AblateException.class, () -> run.write("accuracy", accuracy("x", 1)));
    assertThrows(AblateException.class, run::commit);
  }

  @Test
  void failedRerunRemovesTheOldPartitionsOfItsId() {
    MetricsRepository repo = repo();
    RunId id = RunId.of("again");
    commit(repo, id, accuracy("gelu", 1));
    try (MetricsRepository.Run run = repo.begin(record(id))) {
      run.write("accuracy", accuracy("gelu", 2));
      run.fail(new RuntimeException("boom"));
    }
    assertFalse(Files.exists(tmp.resolve("m/accuracy/run_id=again")));
    assertEquals(0, repo.read("accuracy").count());
    assertEquals(RunRecord.Status.FAILED, repo.runRecord(id).orElseThrow().status());
  }

  @Test
  void commitThatFailsHalfwayFailsTheRunAndRemovesWhatItMoved() throws IOException {
    MetricsRepository repo = repo();
    RunId id = RunId.of("half");
    MetricsRepository.Run run = repo.begin(record(id));
    run.write("accuracy", accuracy("gelu", 1));
    run.write("latency", latency("gelu", "simd"));
    // A file where the latency table should be: accuracy moves, latency cannot.
    Files.writeString(tmp.resolve("m/latency"), "not a directory");
    AblateException e = assertThrows(AblateException.class, run::commit);
    assertTrue(e.getMessage().contains("latency"), e.getMessage());
    RunRecord stored = repo.runRecord(id).orElseThrow();
    assertEquals(RunRecord.Status.FAILED, stored.status());
    assertTrue(stored.error().contains("latency"), stored.error());
    assertFalse(Files.exists(tmp.resolve("m/accuracy/run_id=half")));
    assertEquals(0, dataFiles(tmp.resolve("m/_staging")).size());
    assertEquals(0, repo.read("accuracy").count());
    run.close();
  }

  @Test
  void runClosedOnExceptionWithoutCommitBecomesFailed() {
    MetricsRepository repo = repo();
    RunId id = RunId.of("crash");
    RuntimeException e = assertThrows(RuntimeException.class, () -> {
      try (MetricsRepository.Run run = repo.begin(record(id))) {
        run.write("accuracy", accuracy("gelu", 1));
        throw new RuntimeException("job died");
      }
    });
    assertEquals("job died", e.getMessage());
    RunRecord stored = repo.runRecord(id).orElseThrow();
    assertEquals(RunRecord.Status.FAILED, stored.status());
    assertTrue(stored.error().contains("closed without commit"), stored.error());
    assertFalse(Files.exists(tmp.resolve("m/accuracy/run_id=crash")));
    // Nothing was ever committed, so there is no accuracy table at all.
    assertEquals(List.of(), repo.tables());
  }

  @Test
  void readHidesRunningAndFailedRuns() throws IOException {
    MetricsRepository repo = repo();
    commit(repo, RunId.of("done"), accuracy("gelu", 1));
    MetricsRepository.Run failed = repo.begin(record(RunId.of("failed")));
    failed.write("accuracy", accuracy("gelu", 2));
    failed.fail(new RuntimeException("no"));
    MetricsRepository.Run running = repo.begin(record(RunId.of("running")));
    running.write("accuracy", accuracy("gelu", 3));
    // As if a commit had moved the partition but not yet recorded success.
    spark.createDataFrame(List.of(RowFactory.create("silu", 4L, 0.0)), ACCURACY).write()
        .parquet(tmp.resolve("m/accuracy/run_id=running").toString());
    assertEquals(3, repo.runs().count());
    List<String> visible = repo.read("accuracy").select("run_id").distinct().collectAsList()
        .stream().map(r -> r.getString(0)).collect(Collectors.toList());
    assertEquals(List.of("done"), visible);
    // Only the raw table shows the in-progress partition.
    assertEquals(2, spark.read().parquet(tmp.resolve("m/accuracy").toString()).count());
    running.close();
    assertEquals(RunRecord.Status.FAILED,
        repo.runRecord(RunId.of("running")).orElseThrow().status());
    assertFalse(Files.exists(tmp.resolve("m/accuracy/run_id=running")));
  }

  @Test
  void readOfATableWithoutSucceededRunsIsEmptyWithRunId() {
    MetricsRepository repo = repo();
    MetricsRepository.Run run = repo.begin(record(RunId.of("x")));
    run.write("accuracy", accuracy("gelu", 1));
    spark.createDataFrame(List.of(RowFactory.create("silu", 4L, 0.0)), ACCURACY).write()
        .parquet(tmp.resolve("m/accuracy/run_id=x").toString());
    Dataset<Row> acc = repo.read("accuracy");
    assertEquals(0, acc.count());
    assertEquals(DataTypes.StringType, acc.schema().apply("run_id").dataType());
    assertTrue(List.of(acc.columns()).contains("max_abs_err"));
    run.close();
  }

  @Test
  void twoRunsWrittenConcurrentlyDoNotClash() throws Exception {
    MetricsRepository repo = repo();
    int rows = 500;
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Callable<RunRecord>> jobs = new ArrayList<>();
      for (String id : List.of("left", "right")) {
        jobs.add(() -> {
          try (MetricsRepository.Run run = repo.begin(record(RunId.of(id)))) {
            run.write("accuracy", spark.range(rows).selectExpr(
                "concat('v', cast(id as string)) as variant", "id as n",
                "cast(id as double) / 7 as max_abs_err").repartition(3));
            run.write("latency", latency("gelu", id));
            return run.commit();
          }
        });
      }
      for (Future<RunRecord> f : pool.invokeAll(jobs)) {
        assertEquals(RunRecord.Status.SUCCEEDED, f.get().status());
      }
    } finally {
      pool.shutdownNow();
    }
    Dataset<Row> acc = repo.read("accuracy");
    for (String id : List.of("left", "right")) {
      Dataset<Row> mine = acc.where("run_id = '" + id + "'");
      assertEquals(rows, mine.count());
      assertEquals((long) rows * (rows - 1) / 2, mine.selectExpr("sum(n)").first().getLong(0));
      assertEquals(1, repo.read("latency").where("run_id = '" + id + "' and impl = '" + id + "'")
          .count());
    }
    assertEquals(2, repo.runs().where("status = 'succeeded'").count());
  }

  @Test
  void badTableNamesAreBadInput() {
    MetricsRepository repo = repo();
    try (MetricsRepository.Run run = repo.begin(record(RunId.of("t")))) {
      for (String bad : List.of("Accuracy", "_staging", "a/b", "", "runs")) {
        AblateException e = assertThrows(AblateException.class,
            () -> run.write(bad, accuracy("gelu", 1)));
        assertEquals(AblateException.Kind.BAD_INPUT, e.kind());
        assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
      }
      run.commit();
    }
    AblateException missing = assertThrows(AblateException.class, () -> repo.read("nope"));
    assertEquals(AblateException.Kind.BAD_INPUT, missing.kind());
    assertTrue(missing.getMessage().contains("'nope'"), missing.getMessage());
  }

  @Test
  void emptyRepositoryHasNoRuns() {
    MetricsRepository repo = repo();
    assertEquals(0, repo.runs().count());
    assertTrue(repo.runRecords().isEmpty());
    assertTrue(repo.tables().isEmpty());
    assertNull(repo.runRecord(RunId.of("x")).orElse(null));
  }

  // ---- helpers ----

  private MetricsRepository repo() {
    return MetricsRepository.open(spark, tmp.resolve("m").toString());
  }

  private static RunRecord record(RunId id) {
    return RunRecord.start(id, "ablate", "{\"variants\":\"gelu,silu\"}", "data-samples/acts",
        "sha256:abc", spark);
  }

  private static void commit(MetricsRepository repo, RunId id, Dataset<Row> accuracy) {
    try (MetricsRepository.Run run = repo.begin(record(id))) {
      run.write("accuracy", accuracy);
      run.commit();
    }
  }

  /** Rows of accuracy: variant, n pairs. */
  private static Dataset<Row> accuracy(Object... variantAndN) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < variantAndN.length; i += 2) {
      rows.add(RowFactory.create(variantAndN[i], ((Number) variantAndN[i + 1]).longValue(), 0.5));
    }
    return spark.createDataFrame(rows, ACCURACY);
  }

  /** Rows of latency: variant, impl pairs. */
  private static Dataset<Row> latency(String... variantAndImpl) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < variantAndImpl.length; i += 2) {
      rows.add(RowFactory.create(variantAndImpl[i], variantAndImpl[i + 1], 1.5));
    }
    return spark.createDataFrame(rows, LATENCY);
  }

  private static Map<String, Long> byVariant(Dataset<Row> table, String runId) {
    Map<String, Long> out = new TreeMap<>();
    for (Row r : table.where(table.col("run_id").equalTo(runId)).collectAsList()) {
      out.put(r.getAs("variant"), r.getAs("n"));
    }
    return out;
  }

  /** Data files (not hidden, not checksums) under a directory, recursively. */
  private static List<Path> dataFiles(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile)
          .filter(p -> !p.getFileName().toString().startsWith(".")
              && !p.getFileName().toString().startsWith("_"))
          .collect(Collectors.toList());
    }
  }
}

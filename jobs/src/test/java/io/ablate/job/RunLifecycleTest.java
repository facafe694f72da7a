package io.ablate.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ablate.repository.MetricsRepository;
import io.ablate.repository.RunId;
import io.ablate.repository.RunRecord;
import io.ablate.testing.LocalSpark;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job layer's run lifecycle, arguments and phases: a run commits what its work wrote; a run
 * whose work fails is recorded failed with the error and leaves no metric rows; arguments are JSON
 * whatever the characters in them; phases name the Spark jobs they start.
 */
class RunLifecycleTest {
  private static SparkSession spark;
  private static final StructType T = new StructType().add("x", DataTypes.LongType);

  @TempDir
  Path tmp;

  @BeforeAll
  static void start() {
    spark = LocalSpark.builder("run-lifecycle").getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private RunRecord record(String id, String args) {
    return RunRecord.start(RunId.of(id), "test", args, "in", "fp", spark);
  }

  @Test
  void aRunCommitsWhatItsWorkWroteAndReturnsItsResult() {
    MetricsRepository repo = MetricsRepository.open(spark, tmp.toString());
    String result = RunLifecycle.inRun(repo, record("ok", "{}"), run -> {
      run.write("t", spark.createDataFrame(List.of(RowFactory.create(7L)), T));
      return "done";
    });
    assertEquals("done", result);
    assertEquals(7L, repo.read("t").first().<Long>getAs("x"));
    RunRecord ok = repo.runRecord(RunId.of("ok")).orElseThrow();
    assertEquals(RunRecord.Status.SUCCEEDED, ok.status());
    assertEquals(0, ok.exitCode());
    // Where it ran, read back from the table as the session says.
    RunRecord.Platform p = ok.platform();
    assertEquals(spark.sparkContext().applicationId(), p.appId());
    assertEquals("client", p.deployMode());
    assertEquals(spark.version(), p.sparkVersion());
    assertEquals(scala.util.Properties.versionNumberString(), p.scalaVersion());
    assertEquals(System.getProperty("java.runtime.version"), p.javaVersion());
    assertEquals(RunRecord.buildCommit(), p.gitCommit());
    Map<String, Object> settings = RunArgs.parse(p.settings());
    assertEquals(spark.conf().get("spark.sql.shuffle.partitions"),
        settings.get("spark.sql.shuffle.partitions"));
    assertTrue(settings.keySet().stream().allMatch(RunRecord.SETTINGS::contains), p.settings());
  }

  @Test
  void aRunRecordsTheExitCodeItsResultGivesOrItsFailureGives() {
    MetricsRepository repo = MetricsRepository.open(spark, tmp.toString());
    RunLifecycle.inRun(repo, record("gate", "{}"), run -> "alert", r -> 3);
    assertEquals(3, repo.runRecord(RunId.of("gate")).orElseThrow().exitCode());
    // Bad input raised inside a Spark task arrives wrapped; the record still says 2.
    assertThrows(RuntimeException.class, () -> RunLifecycle.inRun(repo, record("bad2", "{}"),
        run -> {
          throw new RuntimeException("task failed",
              io.ablate.AblateException.badInput("file f.parquet row 3: null vector"));
        }));
    assertEquals(2, repo.runRecord(RunId.of("bad2")).orElseThrow().exitCode());
    assertThrows(IllegalStateException.class, () -> RunLifecycle.inRun(repo,
        record("boom", "{}"), run -> {
          throw new IllegalStateException("bug");
        }));
    assertEquals(1, repo.runRecord(RunId.of("boom")).orElseThrow().exitCode());
  }

  @Test
  void aFailedRunIsRecordedWithItsErrorAndLeavesNoRows() {
    MetricsRepository repo = MetricsRepository.open(spark, tmp.toString());
    IllegalStateException boom = new IllegalStateException("the pass broke");
    IllegalStateException thrown = assertThrows(IllegalStateException.class,
        () -> RunLifecycle.inRun(repo, record("bad", "{}"), run -> {
          run.write("t", spark.createDataFrame(List.of(RowFactory.create(1L)), T));
          throw boom;
        }));
    assertSame(boom, thrown);
    RunRecord r = repo.runRecord(RunId.of("bad")).orElseThrow();
    assertEquals(RunRecord.Status.FAILED, r.status());
    assertTrue(r.error().contains("the pass broke"), r.error());
    assertFalse(repo.tables().contains("t") && repo.read("t").count() > 0, "no rows visible");
    // A checked exception is recorded too, and rethrown wrapped.
    RuntimeException wrapped = assertThrows(RuntimeException.class,
        () -> RunLifecycle.inRun(repo, record("io", "{}"), run -> {
          throw new java.io.IOException("disk gone");
        }));
    assertTrue(wrapped.getCause() instanceof java.io.IOException);
    assertTrue(repo.runRecord(RunId.of("io")).orElseThrow().error().contains("disk gone"));
  }

  @Test
  void argumentsAreJsonWhateverTheCharactersInThem() {
    String path = "C:\\data\\\"quoted\" dir\n/ünïcode";
    String json = new RunArgs().put("model", path).put("variants", "swish(beta=1.5);gelu@bf16")
        .put("bins", 10).put("epsilon", 1e-4).put("latency", true).put("nan", Double.NaN)
        .put("none", null).json();
    Map<String, Object> back = RunArgs.parse(json);
    assertEquals(path, back.get("model"));
    assertEquals("swish(beta=1.5);gelu@bf16", back.get("variants"));
    assertEquals(10, back.get("bins"));
    assertEquals(1e-4, back.get("epsilon"));
    assertEquals(true, back.get("latency"));
    assertEquals("NaN", back.get("nan"));
    assertTrue(back.containsKey("none") && back.get("none") == null);
    assertEquals(List.of("model", "variants", "bins", "epsilon", "latency", "nan", "none"),
        new ArrayList<>(back.keySet()), "the order they were put");
    // Stored as given in the runs table.
    MetricsRepository repo = MetricsRepository.open(spark, tmp.toString());
    RunLifecycle.inRun(repo, record("args", json), run -> null);
    assertEquals(json, repo.runRecord(RunId.of("args")).orElseThrow().args());
  }

  @Test
  void phasesNameTheSparkJobsTheyStartAndRestoreTheDescription() throws Exception {
    List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    spark.sparkContext().addSparkListener(new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart e) {
        seen.add(String.valueOf(e.properties().getProperty("spark.job.description")));
      }
    });
    List<String> phases = new ArrayList<>();
    JobListener listener = new JobListener() {
      @Override
      public void phase(String description) {
        phases.add(description);
      }
    };
    long n = Phases.run(spark, listener, "counting pass", () -> spark.range(10).count());
    spark.range(3).count();
    spark.sparkContext().listenerBus().waitUntilEmpty();
    assertEquals(10, n);
    assertEquals(List.of("counting pass"), phases);
    assertTrue(seen.contains("counting pass"), seen.toString());
    assertEquals("null", seen.get(seen.size() - 1), "the description is restored: " + seen);
  }
}

package io.ablate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ablate.repository.MetricsRepository;
import io.ablate.repository.RunId;
import io.ablate.repository.RunRecord;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** generate → ablate → the metrics repository, as a user runs it; a failed run leaves no metrics. */
class AblateCommandTest {
  @TempDir
  Path dir;

  @Test
  void generateThenAblateWritesOneAtomicRunAndPrintsTheTable() {
    String data = dir.resolve("acts").toString();
    String metrics = dir.resolve("metrics").toString();
    String mixed = dir.resolve("mixed").toString();
    // The CLI commands own (and stop) their sessions: make the bad input first, then run them.
    SparkSession setup = session();
    setup.sql("SELECT 1 AS layer, CAST(array(1, 2) AS ARRAY<FLOAT>) AS values UNION ALL "
        + "SELECT 1, CAST(array(1, 2, 3) AS ARRAY<FLOAT>)").write().parquet(mixed);
    setup.stop();
    CliTest.Result gen = CliTest.run("generate", "--master", "local[2]", "--out", data, "--rows",
        "40", "--dim", "32", "--layers", "2", "--sites", "ffn.pre,ffn.gate_up", "--dtype", "bf16");
    assertEquals(0, gen.code(), gen.err());
    CliTest.Result r = CliTest.run("ablate", "--master", "local[2]", "--input", data, "--metrics",
        metrics, "--run-id", "first", "--variants", "gelu_tanh;relu;swiglu@bf16");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("gelu_tanh") && r.out().contains("swiglu@bf16"), r.out());
    // Progress, on stderr: the pass's stages report their tasks and rows when they complete,
    // named after the phase; stages of Ablate's own bookkeeping (run records) are not shown.
    List<String> progress = r.err().lines().filter(l -> l.startsWith("  ")).toList();
    assertTrue(progress.stream().anyMatch(l -> l.matches("  accuracy pass \\[stage \\d+\\]: "
        + "(\\d+)/\\1 tasks, [1-9]\\d* rows, .* rows/s, .* s, done")), r.err());
    // The pass's reading stage also counts the float values: 40 rows x 2 layers x (32 + 2 x 32).
    assertTrue(progress.stream().anyMatch(l -> l.matches("  accuracy pass \\[stage \\d+\\]: "
        + "(\\d+)/\\1 tasks, .* rows/s, 7680 values, .* values/s, .* s, done")), r.err());
    assertTrue(progress.stream().allMatch(l -> l.startsWith("  accuracy pass [stage ")),
        r.err());
    assertTrue(r.out().lines().noneMatch(l -> l.contains("[stage ")), "progress is not output");
    // Quiet: the table alone.
    CliTest.Result quiet = CliTest.run("ablate", "--master", "local[2]", "--input", data,
        "--metrics", metrics, "--run-id", "quiet", "--variants", "relu", "-q");
    assertEquals(0, quiet.code(), quiet.err());
    assertTrue(quiet.out().startsWith("variant "), quiet.out());
    assertEquals(2 + 2, quiet.out().lines().count(), quiet.out()); // header, rule, 2 layers
    assertTrue(quiet.err().lines().noneMatch(l -> l.contains("[stage ")), quiet.err());
    CliTest.Result bad = CliTest.run("ablate", "--master", "local[2]", "--input", mixed,
        "--metrics", metrics, "--run-id", "second");
    assertEquals(2, bad.code(), bad.out() + bad.err());
    assertTrue(bad.err().contains("vectors of different lengths"), bad.err());

    SparkSession spark = session();
    try {
      MetricsRepository repo = MetricsRepository.open(spark, metrics);
      List<Row> rows = repo.read("accuracy").orderBy("variant", "layer").collectAsList();
      // 2 layers × (gelu_tanh, relu on ffn.pre + swiglu@bf16 on ffn.gate_up); none from "second"
      rows = rows.stream().filter(x -> x.getAs("run_id").equals("first")).toList();
      assertEquals(6, rows.size());
      Row relu = rows.stream().filter(x -> x.getAs("variant").equals("relu")).findFirst()
          .orElseThrow();
      assertEquals("gelu", relu.getAs("reference"));
      assertEquals(40L * 32, (long) relu.getAs("n"));
      assertEquals("first", relu.getAs("run_id"));
      // The printed table carries max_ulp's count of excluded elements (zero, subnormal and
      // out-of-range references), the same number as the table in Parquet.
      List<String> header = List.of(quiet.out().lines().findFirst().orElseThrow().trim().split("\\s+"));
      int excludedColumn = header.indexOf("ulp_excluded");
      assertEquals(header.indexOf("max_ulp") + 1, excludedColumn, header.toString());
      String[] layer0 = quiet.out().lines().skip(2).findFirst().orElseThrow().trim().split("\\s+");
      assertEquals(String.valueOf((long) relu.getAs("ulp_excluded")), layer0[excludedColumn],
          quiet.out());
      Row swiglu = rows.stream().filter(x -> x.getAs("variant").equals("swiglu@bf16")).findFirst()
          .orElseThrow();
      assertEquals("bf16", swiglu.getAs("precision"));
      assertEquals("swiglu", swiglu.getAs("reference"));
      assertEquals("ffn.gate_up", swiglu.getAs("site"));
      RunRecord run = repo.runRecord(RunId.of("first")).orElseThrow();
      assertEquals(RunRecord.Status.SUCCEEDED, run.status());
      assertTrue(run.args().contains("gelu_tanh"), run.args());
      assertEquals(64, run.inputFingerprint().length());
      // The bad input's run is recorded as failed, with the error, and left no metrics.
      RunRecord failed = repo.runRecord(RunId.of("second")).orElseThrow();
      assertEquals(RunRecord.Status.FAILED, failed.status());
      assertTrue(failed.error().contains("different lengths"), failed.error());
      assertEquals(0, repo.read("accuracy").where("run_id = 'second'").count());
    } finally {
      spark.stop();
    }
  }

  private static SparkSession session() {
    return io.ablate.testing.LocalSpark.builder("ablate-command").getOrCreate();
  }
}

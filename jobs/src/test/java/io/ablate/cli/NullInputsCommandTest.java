package io.ablate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ablate.repository.MetricsRepository;
import io.ablate.repository.RunId;
import io.ablate.repository.RunRecord;
import io.ablate.testing.LocalSpark;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A null vector or a null element is never read as a number nor dropped: {@code ablate} and
 * {@code profile}, with the CPU pass and with the GPU plan (on its functions' CPU forms), exit 2
 * with the same message naming the file, sample, token and layer, and leave no metrics.
 */
class NullInputsCommandTest {
  @TempDir
  static Path dir;

  /** A session for this test's own reads and writes (each command stops the one it used). */
  private static SparkSession spark() {
    return LocalSpark.builder("null-inputs").getOrCreate();
  }

  @Test
  void nullVectorsAndNullElementsAreBadInputInEveryPassAndEngine() {
    String good = "SELECT 1 AS layer, 's1' AS sample_id, 4 AS token, ";
    String bad = "SELECT 1 AS layer, 's3' AS sample_id, 5 AS token, ";
    check("null-array", good + "CAST(array(1.5, -2.0) AS ARRAY<FLOAT>) AS values UNION ALL "
        + bad + "CAST(NULL AS ARRAY<FLOAT>) AS values",
        "column 'values' is null: a missing vector is not a vector of zeros");
    check("null-element", good + "CAST(array(1.5, -2.0) AS ARRAY<FLOAT>) AS values UNION ALL "
        + bad + "CAST(array(1.5, NULL) AS ARRAY<FLOAT>) AS values",
        "column 'values' holds a null element: a missing value is not a zero");
    check("null-binary", good + "CAST(X'0000C03F' AS BINARY) AS data, 'f32' AS dtype UNION ALL "
        + bad + "CAST(NULL AS BINARY) AS data, 'f32' AS dtype",
        "column 'data' is null: a missing vector is not a vector of zeros");
  }

  private static void check(String name, String sql, String problem) {
    String data = dir.resolve(name).toString();
    spark().sql(sql).coalesce(1).write().parquet(data);
    String metrics = dir.resolve("metrics-" + name).toString();
    for (String command : List.of("ablate", "profile")) {
      for (String engine : List.of("cpu", "gpu")) {
        String id = command + "-" + engine;
        CliTest.Result r = CliTest.run(command, "--master", "local[2]", "--input", data,
            "--metrics", metrics, "--run-id", id, "--variants", "gelu_tanh;relu",
            "--engine", engine);
        String what = name + ", " + command + " --engine " + engine + ":\n" + r.err();
        assertEquals(2, r.code(), what);
        String message = r.err().lines().filter(l -> l.startsWith("ablate: ")).findFirst()
            .orElseThrow(() -> new AssertionError(what));
        assertTrue(message.matches("ablate: file:/.*/" + name + "/part-[^ ]*\\.parquet, "
            + "sample_id s3, token 5, layer 1: " + java.util.regex.Pattern.quote(problem)
            + ".*"), what);
        MetricsRepository repo = MetricsRepository.open(spark(), metrics);
        RunRecord run = repo.runRecord(RunId.of(id)).orElseThrow();
        assertEquals(RunRecord.Status.FAILED, run.status(), what);
        assertEquals(2, run.exitCode(), what);
        for (String table : repo.tables()) {
          assertEquals(0, repo.read(table).count(), what + ": no rows in " + table);
        }
      }
    }
  }
}

package io.ablate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ablate.job.RunArgs;
import io.ablate.repository.MetricsRepository;
import io.ablate.repository.RunId;
import io.ablate.repository.RunRecord;
import io.ablate.testing.LocalSpark;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ablate} and {@code profile} over a dataset partitioned as Spark's {@code partitionBy}
 * writes it, with a selection: every engine reads the selected partitions only, prints and
 * records what it read; a selection that matches nothing is bad input.
 */
class FleetInputsCommandTest {
  @TempDir
  static Path dir;

  private static SparkSession spark() {
    return LocalSpark.builder("fleet-inputs").getOrCreate();
  }

  @Test
  void aPartitionedDatasetWithASelection() {
    String data = dir.resolve("acts").toString();
    spark().sql("SELECT IF(id % 3 = 0, 'llama-8b', 'mistral-7b') AS model, CAST(id % 6 AS INT) "
        + "AS layer, CONCAT('s', id) AS sample_id, CAST(id % 5 AS INT) AS token, "
        + "transform(sequence(0, 7), i -> CAST(sin(id * 13.0 + i) * 4 AS FLOAT)) AS values "
        + "FROM range(120)").coalesce(1).write().partitionBy("model", "layer").parquet(data);
    String metrics = dir.resolve("metrics").toString();
    String where = "model = 'llama-8b' AND layer BETWEEN 0 AND 3";
    for (String command : List.of("ablate", "profile")) {
      for (String engine : List.of("cpu", "gpu")) {
        String id = command + "-" + engine;
        CliTest.Result r = CliTest.run(command, "--master", "local[2]", "--input", data,
            "--where", where, "--metrics", metrics, "--run-id", id, "--variants", "relu",
            "--engine", engine);
        String what = command + " --engine " + engine + ":\n" + r.out() + r.err();
        assertEquals(0, r.code(), what);
        // llama-8b has layers 0 and 3: 2 of 6 partitions, one file each.
        assertTrue((r.out() + r.err()).contains("read 2 of 6 files"), what);
        MetricsRepository repo = MetricsRepository.open(spark(), metrics);
        RunRecord run = repo.runRecord(RunId.of(id)).orElseThrow();
        Map<String, Object> args = RunArgs.parse(run.args());
        assertEquals(where, args.get("where"), what);
        assertEquals(2, ((Number) args.get("files_read")).intValue(), what);
        assertEquals(6, ((Number) args.get("files_listed")).intValue(), what);
        assertTrue(((Number) args.get("bytes_read")).longValue()
            < ((Number) args.get("bytes_listed")).longValue(), what);
        String table = command.equals("ablate") ? "accuracy" : "profiles";
        Set<String> keys = repo.read(table).where("run_id = '" + id + "'")
            .select("model", "layer").distinct().collectAsList().stream()
            .map(k -> k.getString(0) + "/" + k.getInt(1)).collect(Collectors.toSet());
        assertEquals(Set.of("llama-8b/0", "llama-8b/3"), keys, what);
      }
    }
    CliTest.Result none = CliTest.run("ablate", "--master", "local[2]", "--input", data,
        "--where", "model = 'gpt-2'", "--metrics", metrics, "--variants", "relu");
    assertEquals(2, none.code(), none.err());
    assertTrue(none.err().contains("matches none of the 6 Parquet files"), none.err());
  }

  @Test
  void aBigintLayerBeyondTheIntRangeIsBadInputOnEveryEngine() {
    String data = dir.resolve("wide").toString();
    spark().sql("SELECT CAST(id AS BIGINT) * 4294967296 AS layer, 12 AS sample_id, "
        + "CAST(array(1.0, -2.0) AS ARRAY<FLOAT>) AS values FROM range(2)").coalesce(1).write()
        .parquet(data);
    for (String engine : List.of("cpu", "gpu")) {
      CliTest.Result r = CliTest.run("ablate", "--master", "local[2]", "--input", data,
          "--metrics", dir.resolve("metrics-wide").toString(), "--variants", "relu",
          "--engine", engine);
      assertEquals(2, r.code(), engine + ": " + r.err());
      assertTrue(r.err().contains("column 'layer' has value 4294967296, beyond the int range")
          && r.err().contains("/wide/part-"), engine + ": " + r.err());
    }
  }
}

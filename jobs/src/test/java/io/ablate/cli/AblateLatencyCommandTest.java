package io.ablate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ablate.latency.LatencyRow;
import io.ablate.repository.MetricsRepository;
import io.ablate.repository.RunId;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ablate ablate --latency}: the latency table in the same run; absent without the flag. */
class AblateLatencyCommandTest {
  @TempDir
  Path dir;

  @Test
  void latencyRowsAreWrittenInTheRunOnlyWithTheFlag() {
    String data = dir.resolve("acts").toString();
    String metrics = dir.resolve("metrics").toString();
    CliTest.Result gen = CliTest.run("generate", "--master", "local[2]", "--out", data, "--rows",
        "40", "--dim", "32", "--layers", "2", "--sites", "ffn.pre,ffn.gate_up");
    assertEquals(0, gen.code(), gen.err());
    CliTest.Result plain = CliTest.run("ablate", "--master", "local[2]", "--input", data,
        "--metrics", metrics, "--run-id", "plain", "--variants", "relu;swiglu");
    assertEquals(0, plain.code(), plain.err());
    assertFalse(plain.out().contains("ns/elem"), plain.out());
    CliTest.Result noFlag = CliTest.run("ablate", "--master", "local[2]", "--input", data,
        "--metrics", metrics, "--run-id", "typo", "--latency-reps", "3");
    assertEquals(2, noFlag.code(), noFlag.out() + noFlag.err());
    assertTrue(noFlag.err().contains("need --latency"), noFlag.err());

    SparkSession spark = io.ablate.testing.LocalSpark.builder("ablate-latency").getOrCreate();
    try {
      assertFalse(MetricsRepository.open(spark, metrics).tables().contains("latency"));
    } finally {
      spark.stop();
    }

    CliTest.Result timed = CliTest.run("ablate", "--master", "local[2]", "--input", data,
        "--metrics", metrics, "--run-id", "timed", "--variants", "relu;swiglu", "--latency",
        "--latency-batch", "2048", "--latency-reps", "3");
    assertEquals(0, timed.code(), timed.err());
    assertTrue(timed.out().contains("ns/elem p50") && timed.out().contains("roofline_frac"),
        timed.out());
    assertTrue(timed.out().contains("tables runs, accuracy, latency"), timed.out());

    spark = io.ablate.testing.LocalSpark.builder("ablate-latency").getOrCreate();
    try {
      MetricsRepository repo = MetricsRepository.open(spark, metrics);
      List<LatencyRow> rows = repo.read("latency").collectAsList().stream()
          .map(LatencyRow::fromRow).toList();
      Set<String> keys = rows.stream().filter(r -> !r.impl().equals("gpu")) // none here
          .map(r -> r.variant() + "/" + r.impl())
          .collect(Collectors.toSet());
      assertEquals(Set.of("relu/scalar", "relu/simd", "relu/djl", "swiglu/scalar", "swiglu/simd"),
          keys);
      assertTrue(rows.stream().allMatch(r -> r.batchElems() == 2048 && r.reps() % 3 == 0
          && r.nsPerElemP50() > 0), rows.toString());
      assertEquals(Set.of("timed"), repo.read("latency").select("run_id").distinct()
          .collectAsList().stream().map(r -> r.getString(0)).collect(Collectors.toSet()));
      assertTrue(repo.runRecord(RunId.of("timed")).orElseThrow().args()
          .contains("\"latency_batch\":2048"));
      // the accuracy rows of the same run are there too
      assertEquals(4, repo.read("accuracy").where("run_id = 'timed'").count());
    } finally {
      spark.stop();
    }
  }
}

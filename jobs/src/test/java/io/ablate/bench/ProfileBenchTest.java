package io.ablate.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ablate.testing.LocalSpark;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The profile benchmark on a small dataset: three timed jobs over the same values, one table. */
class ProfileBenchTest {
  @TempDir
  Path dir;

  @Test
  void timesScanProfileAndPercentileApproxOverTheSameValues() {
    SparkSession spark = LocalSpark.builder("profile-bench").getOrCreate();
    try {
      String input = dir.resolve("v").toString();
      JobBench.prepare(spark, 1 << 20, input);
      List<JobBench.Result> results = ProfileBench.run(spark, input, 1, 1, System.out);
      assertEquals(List.of("scan", "scan", "profile", "plan", "sql"),
          results.stream().map(JobBench.Result::impl).toList());
      for (JobBench.Result r : results) {
        assertEquals(1 << 20, r.values());
        assertTrue(r.seconds() > 0);
      }
      List<Row> q = ProfileBench.percentiles(spark, input).collectAsList();
      assertEquals(4, q.size()); // 4 layers, one site
      assertEquals(12, q.get(0).getList(2).size());
      assertEquals(1.0, results.get(0).vsScan()); // the plain scan, which the others are against
      ProfileBench.record(spark, dir.resolve("m").toString(), io.ablate.repository.RunId.of("b"),
          input, results, "test-device");
      assertEquals(5, io.ablate.repository.MetricsRepository.open(spark, dir.resolve("m").toString())
          .read("latency").where("scope = 'job'").count());
    } finally {
      spark.stop();
    }
  }
}

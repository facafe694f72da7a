package io.ablate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ablate.repository.MetricsRepository;
import io.ablate.repository.RunId;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --engine} on {@code ablate} and {@code profile}, as a user runs them: the GPU plan
 * (here on its functions' CPU forms, the plugin being absent) writes the CPU pass's metrics, the
 * runs record and the accuracy rows say which form ran, and progress names the plan's phase.
 */
class EngineCommandTest {
  @TempDir
  Path dir;

  @Test
  void theGpuPlanWritesTheCpuPassMetricsAndSaysSo() {
    String data = dir.resolve("acts").toString();
    String metrics = dir.resolve("metrics").toString();
    CliTest.Result gen = CliTest.run("generate", "--master", "local[2]", "--out", data, "--rows",
        "30", "--dim", "32", "--layers", "2", "--sites", "ffn.pre,ffn.gate_up", "--dtype", "f16");
    assertEquals(0, gen.code(), gen.err());
    String variants = "gelu_tanh;relu;gelu@bf16;swiglu;swiglu@int8";
    for (String engine : List.of("cpu", "gpu")) {
      CliTest.Result a = CliTest.run("ablate", "--master", "local[2]", "--input", data,
          "--metrics", metrics, "--run-id", "ablate-" + engine, "--variants", variants,
          "--engine", engine);
      assertEquals(0, a.code(), a.err());
      String phase = engine.equals("cpu") ? "accuracy pass" : "accuracy plan";
      assertTrue(a.err().lines().anyMatch(l -> l.startsWith("  " + phase + " [stage ")),
          a.err());
      CliTest.Result p = CliTest.run("profile", "--master", "local[2]", "--input", data,
          "--metrics", metrics, "--run-id", "profile-" + engine, "--variants", variants,
          "--engine", engine);
      assertEquals(0, p.code(), p.err());
      assertTrue(p.err().lines().anyMatch(l -> l.startsWith("  profile "
          + (engine.equals("cpu") ? "pass" : "plan") + " [stage ")), p.err());
    }
    CliTest.Result bad = CliTest.run("profile", "--master", "local[2]", "--input", data,
        "--metrics", metrics, "--engine", "tpu");
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("auto, cpu, gpu"), bad.err());
    SparkSession spark = io.ablate.testing.LocalSpark.builder("engine-command").getOrCreate();
    try {
      MetricsRepository repo = MetricsRepository.open(spark, metrics);
      assertTrue(repo.runRecord(RunId.of("ablate-cpu")).orElseThrow().args()
          .contains("\"engine\":\"cpu\""));
      assertTrue(repo.runRecord(RunId.of("ablate-gpu")).orElseThrow().args()
          .contains("\"engine\":\"plan\""));
      assertTrue(repo.runRecord(RunId.of("profile-gpu")).orElseThrow().args()
          .contains("\"engine\":\"plan\""));
      String metricsColumns = "model, checkpoint, layer, site, variant, n, max_abs_err, "
          + "mean_abs_err, rmse, max_rel_err, max_ulp, ulp_excluded, cos_sim, snr_db";
      List<Row> cpu = rows(repo, "accuracy", "ablate-cpu", metricsColumns);
      assertEquals(2 * 5, cpu.size());
      assertEquals(cpu, rows(repo, "accuracy", "ablate-gpu", metricsColumns));
      assertEquals(List.of("plan"), repo.read("accuracy").where("run_id = 'ablate-gpu'")
          .select("impl").distinct().collectAsList().stream().map(r -> r.getString(0)).toList());
      String profileColumns = "model, checkpoint, layer, site, variant, n, mean, m2, m3, m4, "
          + "min, max, zeros, nans, infs, outliers";
      List<Row> cpuProfiles = rows(repo, "profiles", "profile-cpu", profileColumns);
      List<Row> gpuProfiles = rows(repo, "profiles", "profile-gpu", profileColumns);
      assertEquals(2 * 2 + 2 * 5, cpuProfiles.size()); // raw per layer and site, and variants
      assertEquals(cpuProfiles, gpuProfiles);
    } finally {
      spark.stop();
    }
  }

  private static List<Row> rows(MetricsRepository repo, String table, String run,
      String columns) {
    return repo.read(table).where("run_id = '" + run + "'").selectExpr(columns.split(", "))
        .orderBy("layer", "site", "variant").collectAsList();
  }
}

package io.ablate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ablate.eval.TaskCorpus;
import io.ablate.job.ModelFingerprint;
import io.ablate.repository.MetricsRepository;
import io.ablate.model.CharVocab;
import io.ablate.model.ModelConfig;
import io.ablate.model.ModelDir;
import io.ablate.model.Safetensors;
import io.ablate.model.ShardedCheckpoints;
import io.ablate.model.Weights;
import io.ablate.testing.LocalSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** prompts → train → eval → capture → ablate, as a user runs them; bad input exits 2. */
class ModelCommandsTest {
  @TempDir Path dir;

  @Test
  void promptsTrainEvalCaptureAblate() throws Exception {
    String prompts = dir.resolve("prompts").toString();
    CliTest.Result p = CliTest.run("prompts", "--out", prompts, "--train", "20", "--test", "2");
    assertEquals(0, p.code(), p.err());
    assertTrue(p.out().contains("Wrote 100 train and 10 test prompts"), p.out());
    CliTest.Result again = CliTest.run("prompts", "--out", dir.resolve("p2").toString(), "--train",
        "20", "--test", "2");
    assertEquals(0, again.code(), again.err());
    assertEquals(Files.readString(Path.of(prompts, "test.jsonl")),
        Files.readString(dir.resolve("p2/test.jsonl")), "seeded: the same corpus");

    String trained = dir.resolve("trained").toString();
    CliTest.Result t = CliTest.run("train", "--prompts", prompts, "--out", trained, "--hidden",
        "16", "--layers", "1", "--heads", "2", "--steps", "3", "--batch", "4");
    assertEquals(0, t.code(), t.err());
    assertTrue(t.out().contains("exact_match"), t.out());
    assertEquals(ModelConfig.Arch.GPT2, ModelDir.load(Path.of(trained)).config().arch());
    String again2 = dir.resolve("trained2").toString();
    CliTest.Result t2 = CliTest.run("train", "--prompts", prompts, "--out", again2, "--hidden",
        "16", "--layers", "1", "--heads", "2", "--steps", "3", "--batch", "4");
    assertEquals(0, t2.code(), t2.err());
    assertTrue(java.util.Arrays.equals(Files.readAllBytes(Path.of(trained, "model.safetensors")),
        Files.readAllBytes(Path.of(again2, "model.safetensors"))), "reproducible by seed");

    // A random model big enough for the variants to differ.
    Path model = dir.resolve("model");
    ModelConfig c = new ModelConfig(ModelConfig.Arch.GPT2, TaskCorpus.ALPHABET.length() + 3, 32,
        2, 2, 2, 64, 48, 1e-5, 0, "gelu", true);
    ModelDir.write(model, Weights.random(c, 2, 0.3), CharVocab.of(TaskCorpus.ALPHABET),
        Safetensors.Dtype.BF16);
    String metrics = dir.resolve("metrics").toString();
    String test = Path.of(prompts, "test.jsonl").toString();
    CliTest.Result e = CliTest.run("eval", "--master", "local[2]", "--model", model.toString(),
        "--prompts", test, "--metrics", metrics, "--variants", "baseline;gelu_tanh;*:gelu@int8",
        "--batch", "3", "--partitions", "2", "--max-new-tokens", "6", "--run-id", "e1",
        "--output-json", dir.resolve("eval.json").toString());
    assertEquals(0, e.code(), e.err());
    assertTrue(e.out().contains("variant_config") && e.out().contains("*:gelu@int8"), e.out());
    // Its results file: every prompt_eval row; prompt_results (a row per prompt) counted only.
    com.fasterxml.jackson.databind.JsonNode tables = ResultsFileTest.valid(
        dir.resolve("eval.json")).at("/runs/0/tables");
    assertEquals(18, tables.at("/prompt_eval/rows").size());
    assertEquals(30, tables.at("/prompt_results/row_count").asInt());
    assertFalse(tables.get("prompt_results").has("rows"));

    String acts = dir.resolve("acts").toString();
    CliTest.Result cap = CliTest.run("capture", "--master", "local[2]", "--model",
        model.toString(), "--prompts", test, "--out", acts, "--layers", "1", "--dtype", "bf16");
    assertEquals(0, cap.code(), cap.err());
    assertTrue(cap.out().contains("site ffn.pre, bf16"), cap.out());
    CliTest.Result abl = CliTest.run("ablate", "--master", "local[2]", "--input", acts,
        "--metrics", metrics, "--variants", "gelu_tanh;relu", "--run-id", "a1");
    assertEquals(0, abl.code(), abl.err());

    SparkSession spark = LocalSpark.builder("model-commands").getOrCreate();
    try {
      MetricsRepository repo = MetricsRepository.open(spark, metrics);
      // 3 configs × (5 tasks + "*"), 3 configs × 10 prompts
      assertEquals(18, repo.read("prompt_eval").where("run_id = 'e1'").count());
      assertEquals(30, repo.read("prompt_results").where("run_id = 'e1'").count());
      Row base = repo.read("prompt_eval").where("variant_config = 'baseline' AND task = '*'")
          .collectAsList().get(0);
      assertEquals(1.0, (double) base.getAs("top1_agreement"));
      assertEquals(0.0, (double) base.getAs("mean_kl"));
      assertEquals("model", base.getAs("model"));
      List<Row> acc = repo.read("accuracy").where("run_id = 'a1'").collectAsList();
      assertEquals(2, acc.size(), "layer 1 only, two variants");
      assertEquals(1, (int) acc.get(0).getAs("layer"));
    } finally {
      spark.stop();
    }
  }

  @Test
  void captureReadsAShardedCheckpoint() throws Exception {
    ModelConfig c = new ModelConfig(ModelConfig.Arch.LLAMA, TaskCorpus.ALPHABET.length() + 3, 16,
        2, 4, 2, 24, 48, 1e-6, 10000, "swiglu", false);
    Path model = ShardedCheckpoints.modelDir(dir.resolve("sharded"), Weights.random(c, 4, 0.3),
        CharVocab.of(TaskCorpus.ALPHABET), Safetensors.Dtype.F32, Safetensors.Dtype.BF16);
    assertFalse(Files.exists(model.resolve("model.safetensors")));
    Path prompts = dir.resolve("p.jsonl");
    Files.writeString(prompts, "{\"id\":\"a\",\"task\":\"t\",\"prompt\":\"1+1=\","
        + "\"answer\":\"2\"}\n{\"id\":\"b\",\"task\":\"t\",\"prompt\":\"12+3=\"}\n");
    String acts = dir.resolve("acts").toString();
    CliTest.Result cap = CliTest.run("capture", "--master", "local[1]", "--model",
        model.toString(), "--prompts", prompts.toString(), "--out", acts);
    assertEquals(0, cap.code(), cap.err());
    assertTrue(cap.out().contains("site ffn.gate_up"), cap.out());

    SparkSession spark = LocalSpark.builder("sharded-capture").getOrCreate();
    try {
      List<Row> rows = spark.read().parquet(acts)
          .groupBy("checkpoint", "layer").count().orderBy("layer").collectAsList();
      assertEquals(2, rows.size(), rows.toString());
      for (Row r : rows) {
        // the sharded checkpoint's fingerprint: the index and both shards, never "-"
        assertEquals(ModelFingerprint.checkpoint(model), r.getAs("checkpoint"));
        assertTrue((long) r.getAs("count") > 0, r.toString());
      }
    } finally {
      spark.stop();
    }
    // The same capture partitioned by model and layer: the directories hold what the files no
    // longer do, and the ablation job reads the same accuracy from either layout.
    String parted = dir.resolve("acts-partitioned").toString();
    CliTest.Result capParted = CliTest.run("capture", "--master", "local[1]", "--model",
        model.toString(), "--prompts", prompts.toString(), "--out", parted, "--partition-by",
        "model,layer");
    assertEquals(0, capParted.code(), capParted.err());
    assertTrue(Files.isDirectory(Path.of(parted, "model=" + model.getFileName(), "layer=1")));
    String metrics = dir.resolve("metrics-sharded").toString();
    for (String[] run : List.of(new String[] {acts, "flat"}, new String[] {parted, "parted"})) {
      CliTest.Result abl = CliTest.run("ablate", "--master", "local[1]", "--input", run[0],
          "--metrics", metrics, "--variants", "swiglu@bf16", "--run-id", run[1]);
      assertEquals(0, abl.code(), abl.err());
    }
    SparkSession again = LocalSpark.builder("sharded-capture").getOrCreate();
    try {
      MetricsRepository repo = MetricsRepository.open(again, metrics);
      List<Row> flat = repo.read("accuracy").where("run_id = 'flat'").drop("run_id")
          .orderBy("layer").collectAsList();
      assertEquals(2, flat.size(), flat.toString());
      assertEquals(flat, repo.read("accuracy").where("run_id = 'parted'").drop("run_id")
          .orderBy("layer").collectAsList());
    } finally {
      again.stop();
    }
  }

  @Test
  void badInputNamesWhatIsWrong() throws Exception {
    Path model = dir.resolve("model");
    ModelConfig c = new ModelConfig(ModelConfig.Arch.GPT2, TaskCorpus.ALPHABET.length() + 3, 16,
        2, 2, 2, 32, 48, 1e-5, 0, "gelu", true);
    ModelDir.write(model, Weights.random(c, 2, 0.3), CharVocab.of(TaskCorpus.ALPHABET),
        Safetensors.Dtype.F32);
    Path prompts = dir.resolve("p.jsonl");
    Files.writeString(prompts, "{\"id\":\"a\",\"task\":\"t\",\"prompt\":\"1+1=\"}\n");
    CliTest.Result gated = CliTest.run("eval", "--model", model.toString(), "--prompts",
        prompts.toString(), "--metrics", dir.resolve("m").toString(), "--variants",
        "baseline;swiglu");
    assertEquals(2, gated.code(), gated.err());
    assertTrue(gated.err().contains("swiglu is gated but the model's FFN (gelu) is elementwise"),
        gated.err());
    CliTest.Result layers = CliTest.run("capture", "--model", model.toString(), "--prompts",
        prompts.toString(), "--out", dir.resolve("o").toString(), "--layers", "0,5");
    assertEquals(2, layers.code(), layers.err());
    assertTrue(layers.err().contains("layers 5 out of range; the model has layers 0-1"),
        layers.err());
    CliTest.Result missing = CliTest.run("eval", "--model", dir.resolve("nope").toString(),
        "--prompts", prompts.toString(), "--metrics", dir.resolve("m").toString());
    assertEquals(2, missing.code(), missing.err());
    assertTrue(missing.err().contains("model directory " + dir.resolve("nope")
        + " does not exist"), missing.err());
    Files.writeString(prompts, "{\"id\":\"a\",\"task\":\"t\",\"prompt\":\"1+1=\"}\n");
    Files.writeString(dir.resolve("q.jsonl"), "{\"id\":\"a\",\"prompt\":\"1+1=\"}\n");
    CliTest.Result noTask = CliTest.run("eval", "--master", "local[1]", "--model",
        model.toString(), "--prompts", dir.resolve("q.jsonl").toString(), "--metrics",
        dir.resolve("m").toString());
    assertEquals(2, noTask.code(), noTask.err());
    assertTrue(noTask.err().contains("has no column 'task'"), noTask.err());
  }
}

package io.ablate.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ablate.eval.Prompt;
import io.ablate.eval.PromptFiles;
import io.ablate.eval.PromptRunner;
import io.ablate.repository.MetricsRepository;
import io.ablate.model.ModelConfig;
import io.ablate.model.ModelDir;
import io.ablate.model.Safetensors;
import io.ablate.model.TokenizerFixtures;
import io.ablate.model.Weights;
import io.ablate.testing.LocalSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ablate eval} and {@code capture} on a model directory with a Hugging Face tokenizer.json:
 * a random-weight GPT-2-style model over GPT-2's real tokenizer (vocab_size 50257, BOS and EOS
 * {@code <|endoftext|>} from config.json, as in GPT-2's own directory).
 */
class HfModelCommandsTest {
  @TempDir Path dir;

  private Path gpt2Model() throws Exception {
    Path model = TokenizerFixtures.gpt2Model(dir.resolve("hf-gpt2"), 2, 5);
    TokenizerFixtures.config(model, "bos_token_id", TokenizerFixtures.GPT2_ENDOFTEXT);
    TokenizerFixtures.config(model, "eos_token_id", TokenizerFixtures.GPT2_ENDOFTEXT);
    return model;
  }

  private Path prompts(String name, List<Prompt> prompts) throws Exception {
    Path file = dir.resolve(name);
    PromptFiles.writeJsonl(file, prompts);
    return file;
  }

  private static final List<Prompt> PROMPTS = List.of(
      new Prompt("p1", "qa", "Capital of France:", " Paris"),
      new Prompt("p2", "qa", "Hello", " world"),
      new Prompt("p3", "add", "47+185=", "232"),
      new Prompt("p4", "add", "2+2=", null));

  @Test
  void evalAndCaptureWithGpt2sTokenizer() throws Exception {
    Path model = gpt2Model();
    String metrics = dir.resolve("metrics").toString();
    CliTest.Result e = CliTest.run("eval", "--master", "local[2]", "--model", model.toString(),
        "--prompts", prompts("p.jsonl", PROMPTS).toString(), "--metrics", metrics, "--variants",
        "baseline;gelu_tanh;0:relu", "--batch", "2", "--partitions", "2", "--max-new-tokens", "4",
        "--run-id", "e1");
    assertEquals(0, e.code(), e.out() + e.err());

    // A second eval whose answers are the baseline's greedy outputs of the first, padded with
    // spaces: exact match compares text with whitespace at either end ignored, so baseline 1.
    SparkSession spark = LocalSpark.builder("hf-model").getOrCreate();
    List<Prompt> echoed;
    try {
      MetricsRepository repo = MetricsRepository.open(spark, metrics);
      assertEquals(9, repo.read("prompt_eval").count(), "3 configs × (2 tasks + *)");
      assertEquals(12, repo.read("prompt_results").count());
      for (Row all : repo.read("prompt_eval").where("task = '*'").collectAsList()) {
        // the baseline against itself: KL 0, agreement 1; a swap moves the distributions
        boolean baseline = all.getAs("variant_config").equals("baseline");
        assertEquals(baseline, (double) all.getAs("mean_kl") == 0.0, all.toString());
        assertTrue(!baseline || (double) all.getAs("top1_agreement") == 1.0, all.toString());
        assertEquals(4L, (long) all.getAs("n_prompts"));
        // a random model over 50257 tokens: the answers' NLL is about ln(50257) = 10.8 per token
        double nll = all.getAs("mean_nll");
        assertTrue(nll > 5 && nll < 20, "mean_nll " + nll);
      }
      Row unanswered = repo.read("prompt_results").where("variant_config = 'baseline' AND "
          + "prompt_id = 'p4'").first();
      assertTrue(unanswered.isNullAt(unanswered.fieldIndex("correct")), unanswered.toString());
      echoed = repo.read("prompt_results").where("variant_config = 'baseline'").orderBy(
          "prompt_id").collectAsList().stream().map(r -> new Prompt(r.getAs("prompt_id"),
          r.getAs("task"), PROMPTS.stream().filter(p -> p.id().equals(r.getAs("prompt_id")))
          .findFirst().orElseThrow().prompt(), "  " + r.<String>getAs("output") + " ")).toList();
    } finally {
      spark.stop();
    }
    String metrics2 = dir.resolve("metrics2").toString();
    CliTest.Result e2 = CliTest.run("eval", "--master", "local[2]", "--model", model.toString(),
        "--prompts", prompts("echo.jsonl", echoed).toString(), "--metrics", metrics2,
        "--variants", "baseline", "--max-new-tokens", "4", "--run-id", "e2");
    assertEquals(0, e2.code(), e2.out() + e2.err());

    // capture: per prompt, BOS + the prompt's GPT-2 tokens + the answer's, for both layers
    String acts = dir.resolve("acts").toString();
    CliTest.Result cap = CliTest.run("capture", "--master", "local[2]", "--model",
        model.toString(), "--prompts", dir.resolve("p.jsonl").toString(), "--out", acts);
    assertEquals(0, cap.code(), cap.out() + cap.err());

    spark = LocalSpark.builder("hf-model").getOrCreate();
    try {
      Row echo = MetricsRepository.open(spark, metrics2).read("prompt_eval")
          .where("task = '*'").first();
      assertEquals(1.0, (double) echo.getAs("exact_match"), echo.toString());
      // BOS, Capital| of| France|: then ĠParis; BOS, Hello then Ġworld; BOS, 47|+|185|= then 232;
      // BOS, 2|+|2|= (no answer)
      Map<String, Integer> tokens = new TreeMap<>();
      for (Row r : spark.read().parquet(acts).groupBy("sample_id").agg(
          org.apache.spark.sql.functions.max("token"), org.apache.spark.sql.functions.count("*"))
          .collectAsList()) {
        tokens.put(r.getString(0), r.getInt(1) + 1);
        assertEquals(2L * (r.getInt(1) + 1), r.getLong(2), "2 layers × tokens " + r);
      }
      assertEquals(Map.of("p1", 6, "p2", 3, "p3", 6, "p4", 5), tokens);
      assertEquals(List.of("ffn.pre"), spark.read().parquet(acts).select("site").distinct()
          .collectAsList().stream().map(r -> r.getString(0)).toList());
    } finally {
      spark.stop();
    }
  }

  @Test
  void aTokenizerWithoutBosStartsWithThePromptAndOneWithoutEosIsRefused() throws Exception {
    Path model = dir.resolve("no-bos");
    List<String> words = List.of("a", "b", "c");
    ModelConfig c = new ModelConfig(ModelConfig.Arch.LLAMA, 8, 16, 1, 2, 1, 24, 32, 1e-6, 10000,
        "swiglu", false);
    Files.createDirectories(model);
    c.write(model);
    Weights.random(c, 3, 0.3).write(model, Safetensors.Dtype.F32);
    TokenizerFixtures.wordLevel(model, List.of("</s>"), words); // </s> 0, <unk> 1, a b c 2-4
    try (PromptRunner r = new PromptRunner(ModelDir.load(model), 2)) {
      assertEquals(-1, r.modelDir().tokenizer().bos());
      assertArrayEquals(new int[] {2, 3}, r.promptTokens(new Prompt("x", "t", "a b", "c")));
      assertArrayEquals(new int[] {2, 3, 4}, r.sequence(new Prompt("x", "t", "a b", " c")));
    }
    TokenizerFixtures.wordLevel(model, List.of("<pad>"), words);
    Path p = prompts("w.jsonl", List.of(new Prompt("x", "t", "a b", "c")));
    CliTest.Result e = CliTest.run("eval", "--model", model.toString(), "--prompts",
        p.toString(), "--metrics", dir.resolve("m").toString());
    assertEquals(2, e.code(), e.out() + e.err());
    assertTrue(e.err().contains(model + ": no end-of-sequence token"), e.err());
    // a tokenizer larger than the model's vocab_size
    TokenizerFixtures.wordLevel(model, List.of("</s>"), List.of("a", "b", "c", "d", "e", "f",
        "g"));
    CliTest.Result big = CliTest.run("capture", "--model", model.toString(), "--prompts",
        p.toString(), "--out", dir.resolve("o").toString());
    assertEquals(2, big.code(), big.out() + big.err());
    assertTrue(big.err().contains("vocabulary has 9 tokens, config vocab_size 8"), big.err());
  }
}

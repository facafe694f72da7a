package io.ablate.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.ablate.model.ModelConfig;
import io.ablate.model.ModelDir;
import io.ablate.model.VariantConfig;
import io.ablate.testing.LocalSpark;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromptEvalTest {
  static SparkSession spark;
  @TempDir static Path tmp;

  @BeforeAll
  static void start() {
    spark = LocalSpark.builder("prompt-eval").getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void baselineAgainstItselfGivesKlZeroAndAgreementOne() throws Exception {
    for (ModelConfig c : List.of(EvalFixtures.gpt2(), EvalFixtures.llama())) {
      ModelDir dir = ModelDir.load(EvalFixtures.write(tmp.resolve("self-" + c.arch()), c, 4));
      VariantConfig base = VariantConfig.parse("baseline", c);
      VariantConfig other = VariantConfig.parse(c.gated() ? "*:swiglu@int8" : "*:gelu@int8", c);
      try (PromptRunner r = new PromptRunner(dir, 8);
          NDManager m = NDManager.newBaseManager("PyTorch")) {
        List<PromptRunner.Result> res = r.run(m, EvalFixtures.prompts(2),
            List.of(base, base, other));
        int n = res.size() / 3;
        double otherKl = 0;
        for (PromptRunner.Result x : res) {
          if (x.config() == 1) {
            assertEquals(0.0, x.klSum(), x.promptId());
            assertEquals(x.positions(), x.agree(), x.promptId());
            PromptRunner.Result b = res.get(res.indexOf(x) - n);
            assertEquals(b.output(), x.output());
            assertEquals(b.nllSum(), x.nllSum());
          }
          if (x.config() == 2) {
            otherKl += x.klSum();
          }
          if (x.promptId().endsWith("2")) {
            assertNull(x.correct(), "no answer: no exact match");
          }
        }
        assertTrue(otherKl > 0, "int8 activations move the distributions: " + otherKl);
      }
    }
  }

  @Test
  void resultsDoNotDependOnBatchSizeOrPartitioning() throws Exception {
    for (ModelConfig c : List.of(EvalFixtures.gpt2(), EvalFixtures.llama())) {
      Path dir = EvalFixtures.write(tmp.resolve("part-" + c.arch()), c, 9);
      Path file = tmp.resolve("prompts-" + c.arch() + ".jsonl");
      PromptFiles.writeJsonl(file, EvalFixtures.prompts(2));
      List<String> configs = List.of("baseline", c.gated() ? "geglu" : "gelu_tanh",
          c.gated() ? "*:swiglu@int8" : "0:relu");
      List<PromptRunner.Result> one = new PromptEval(dir.toString(), configs, 1, 1, 6)
          .run(PromptData.read(spark, file.toString()));
      List<PromptRunner.Result> many = new PromptEval(dir.toString(), configs, 4, 3, 6)
          .run(PromptData.read(spark, file.toString()));
      List<PromptRunner.Result> odd = new PromptEval(dir.toString(), configs, 7, 2, 6)
          .run(PromptData.read(spark, file.toString()));
      assertEquals(30, one.size());
      for (List<PromptRunner.Result> other : List.of(many, odd)) {
        for (int i = 0; i < one.size(); i++) {
          PromptRunner.Result a = one.get(i);
          PromptRunner.Result b = other.get(i);
          String at = c.arch() + " " + a.config() + " " + a.promptId();
          assertEquals(a.promptId(), b.promptId(), at);
          assertEquals(a.output(), b.output(), at);
          assertEquals(a.correct(), b.correct(), at);
          assertEquals(a.agree(), b.agree(), at);
          assertEquals(a.nllSum(), b.nllSum(), at); // bit for bit
          assertEquals(a.klSum(), b.klSum(), at);
          assertEquals(a.maxKl(), b.maxKl(), at);
        }
      }
      assertEquals(1, ExecutorModels.loaded() - (c.gated() ? 1 : 0),
          "one model load per executor JVM, whatever the partitions");
    }
  }
}

package io.ablate.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.ablate.dataset.ActivationDataset;
import io.ablate.encoding.Dtype;
import io.ablate.model.CatalogueFfn;
import io.ablate.model.ModelConfig;
import io.ablate.model.ModelDir;
import io.ablate.model.ReferenceForward;
import io.ablate.model.VariantConfig;
import io.ablate.testing.LocalSpark;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Captured activations are the values the forward pass feeds its FFN activation: bit for bit
 * against the DJL pass's own hook, and within 1e-3 (relative to the largest) of the independent
 * float64 pass; the dataset passes the activation dataset reader's checks.
 */
class CaptureTest {
  static SparkSession spark;
  @TempDir static Path tmp;

  @BeforeAll
  static void start() {
    spark = LocalSpark.builder("capture").getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void capturedVectorsEqualWhatTheForwardPassFeedsItsActivation() throws Exception {
    for (ModelConfig c : List.of(EvalFixtures.gpt2(), EvalFixtures.llama())) {
      Path dir = EvalFixtures.write(tmp.resolve("m-" + c.arch()), c, 21);
      Path file = tmp.resolve("p-" + c.arch() + ".jsonl");
      List<Prompt> prompts = EvalFixtures.prompts(1).subList(0, 3);
      PromptFiles.writeJsonl(file, prompts);
      String out = tmp.resolve("acts-" + c.arch()).toString();
      new Capture(dir.toString(), "tiny", "ck", new int[0], Dtype.F32, 2)
          .run(PromptData.read(spark, file.toString())).write().parquet(out);
      ActivationDataset.open(spark, out, ActivationDataset.OnBadFile.FAIL); // the reader's checks
      Map<String, float[]> got = new HashMap<>();
      for (Row r : spark.read().parquet(out).collectAsList()) {
        assertEquals(Capture.site(c), r.getAs("site"));
        got.put(r.getAs("sample_id") + "/" + r.getAs("layer") + "/" + r.getAs("token"),
            Dtype.F32.decode(r.getAs("data")));
      }
      ModelDir md = ModelDir.load(dir);
      VariantConfig base = VariantConfig.parse("baseline", c);
      ReferenceForward ref = new ReferenceForward(md.weights());
      int expected = 0;
      try (PromptRunner runner = new PromptRunner(md, 1);
          NDManager m = NDManager.newBaseManager("PyTorch")) {
        for (Prompt p : prompts) {
          int[] seq = runner.sequence(p);
          expected += seq.length * c.layers();
          Map<String, float[]> direct = new HashMap<>();
          runner.decoder().score(m, new int[][] {seq}, new int[][] {{0}}, new CatalogueFfn(base,
              (layer, row, gate, up, off, len) -> {
                float[] v = new float[up == null ? len : 2 * len];
                System.arraycopy(gate, off, v, 0, len);
                if (up != null) {
                  System.arraycopy(up, off, v, len, len);
                }
                direct.put(p.id() + "/" + layer + "/" + row, v);
              }));
          direct.forEach((k, v) -> assertArrayEquals(v, got.get(k), k));
          double[] worst = new double[2];
          ref.logits(seq, base, (layer, t, in) -> {
            float[] v = got.get(p.id() + "/" + layer + "/" + t);
            assertEquals(in.length, v.length);
            for (int i = 0; i < in.length; i++) {
              worst[0] = Math.max(worst[0], Math.abs(in[i] - v[i]));
              worst[1] = Math.max(worst[1], Math.abs(in[i]));
            }
          });
          assertTrue(worst[0] <= 1e-3 * worst[1], c.arch() + " " + p.id() + ": " + worst[0]
              + " of " + worst[1]);
        }
      }
      assertEquals(expected, got.size(), "one vector per layer and token");
    }
  }
}

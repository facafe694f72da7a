package io.ablate.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The DJL forward pass against the independent float64 one, on random weights of both
 * architectures (and a LLaMA model that mixes FFN kinds per layer); the KV cache and padding
 * against full recomputation.
 */
class ForwardAgreementTest {
  private static final int[][] SEQS = {
      {1, 5, 6, 7, 8, 9, 3, 4}, {1, 12, 4}, {1, 3, 3, 3, 17, 18, 19, 4, 11, 10, 6}};

  @Test
  void djlLogitsAgreeWithTheFloat64ForwardForBothArchitectures() {
    for (ModelConfig c : List.of(TinyModels.gpt2(), TinyModels.llama(),
        TinyModels.llamaElementwise(), TinyModels.llamaMixed())) {
      Weights w = Weights.random(c, 11, 0.3);
      ReferenceForward ref = new ReferenceForward(w);
      String swap = c.mixedKinds() ? "0:geglu_tanh,1:relu"
          : c.gated() ? "geglu_tanh" : "0:gelu_tanh,1:relu";
      for (String vc : List.of("baseline", swap)) {
        VariantConfig variants = VariantConfig.parse(vc, c);
        try (DjlModel m = DjlModel.load(w); NDManager scope = NDManager.newBaseManager("PyTorch")) {
          int[][] want = new int[SEQS.length][];
          for (int b = 0; b < SEQS.length; b++) {
            want[b] = java.util.stream.IntStream.range(0, SEQS[b].length).toArray();
          }
          float[][] got = new Decoder(m).score(scope, SEQS, want, new CatalogueFfn(variants));
          for (int b = 0; b < SEQS.length; b++) {
            double[][] expect = ref.logits(SEQS[b], variants);
            double maxAbs = 0;
            double maxDiff = 0;
            for (int t = 0; t < expect.length; t++) {
              for (int v = 0; v < c.vocabSize(); v++) {
                maxAbs = Math.max(maxAbs, Math.abs(expect[t][v]));
                maxDiff = Math.max(maxDiff,
                    Math.abs(expect[t][v] - got[b][t * c.vocabSize() + v]));
              }
            }
            assertTrue(maxAbs > 0.5, "logits too small to be a test: " + maxAbs);
            assertTrue(maxDiff <= 1e-3 * maxAbs, c.arch() + " " + vc + " row " + b + ": max diff "
                + maxDiff + " of max |logit| " + maxAbs);
          }
        }
      }
    }
  }

  @Test
  void cachedBatchedGreedyDecodingEqualsRecomputationOneByOne() {
    for (ModelConfig c : List.of(TinyModels.gpt2(), TinyModels.llama())) {
      Weights w = Weights.random(c, 5, 0.4);
      VariantConfig base = VariantConfig.parse("baseline", c);
      try (DjlModel m = DjlModel.load(w); NDManager scope = NDManager.newBaseManager("PyTorch")) {
        Decoder d = new Decoder(m);
        int eos = 2;
        Decoder.Generated batch = d.generate(scope, SEQS, 12, eos, new CatalogueFfn(base));
        for (int b = 0; b < SEQS.length; b++) {
          Decoder.Generated alone = d.generate(scope, new int[][] {SEQS[b]}, 12, eos,
              new CatalogueFfn(base));
          assertArrayEquals(alone.tokens()[0], batch.tokens()[b], c.arch() + " row " + b);
          // Without a cache: the argmax of a full forward pass, token by token.
          int[] seq = SEQS[b].clone();
          int[] expect = new int[0];
          for (int s = 0; s < 12; s++) {
            float[] logits = d.score(scope, new int[][] {seq}, new int[][] {{seq.length - 1}},
                new CatalogueFfn(base))[0];
            int next = Decoder.argmax(logits, 1)[0];
            if (next == eos) {
              break;
            }
            expect = java.util.Arrays.copyOf(expect, expect.length + 1);
            expect[expect.length - 1] = next;
            seq = java.util.Arrays.copyOf(seq, seq.length + 1);
            seq[seq.length - 1] = next;
          }
          assertArrayEquals(expect, batch.tokens()[b], c.arch() + " row " + b);
        }
      }
    }
  }
}

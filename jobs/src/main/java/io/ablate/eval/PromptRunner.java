package io.ablate.eval;

import ai.djl.ndarray.NDManager;
import io.ablate.model.CatalogueFfn;
import io.ablate.model.Decoder;
import io.ablate.model.DjlModel;
import io.ablate.model.ModelDir;
import io.ablate.model.Tokenizer;
import io.ablate.model.VariantConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs variant configs over a batch of prompts: for each config, batched greedy answers (with their
 * timings) and the teacher-forced next-token distributions over the reference answer (the dataset's
 * answer, or the baseline's greedy output when there is none), compared with the baseline's. The
 * baseline is always computed first. Everything a prompt's metrics use is computed from that prompt
 * alone; the batch only shares the work.
 *
 * <p>Tokens: BOS (when the model has one), then the prompt tokenised alone — the context greedy
 * decoding continues — then the reference answer's tokens as {@link Tokenizer#continuation} gives
 * them, then EOS. Without a dataset answer the reference is the baseline's generated tokens
 * themselves (not re-tokenised text). Exact match compares the greedy output's text with the
 * answer, whitespace at either end ignored: a subword tokenizer may carry the space between prompt
 * and answer on either side.
 *
 * <p>The runner owns the {@link ModelDir} it is given: {@link #close()} closes it.
 */
public final class PromptRunner implements AutoCloseable {
  private final ModelDir dir;
  private final DjlModel model;
  private final Decoder decoder;
  private final Tokenizer tok;
  private final int maxNew;

  public PromptRunner(ModelDir dir, int maxNew) {
    this.dir = dir;
    this.model = DjlModel.load(dir.weights());
    this.decoder = new Decoder(model);
    this.tok = dir.tokenizer();
    this.maxNew = maxNew;
  }

  public ModelDir modelDir() {
    return dir;
  }

  public Decoder decoder() {
    return decoder;
  }

  /** Per prompt and config. {@code nll} is per answer token; NaN where there is no answer. */
  public record Result(int config, String promptId, String task, String output, Boolean correct,
      double nllSum, int nllTokens, double klSum, double maxKl, int agree, int positions,
      double prefillMs, double decodeMsPerToken, int generated, double batchMs, int batchSize,
      double scoreMs, double loadMs) {
    /** The same result with the time its partition spent loading the model. */
    Result withLoadMs(double ms) {
      return new Result(config, promptId, task, output, correct, nllSum, nllTokens, klSum, maxKl,
          agree, positions, prefillMs, decodeMsPerToken, generated, batchMs, batchSize, scoreMs,
          ms);
    }
  }

  /** BOS (when the model has one) + the prompt's tokens. */
  public int[] promptTokens(Prompt p) {
    int[] t = tok.encode(p.prompt());
    if (tok.bos() < 0) {
      return t;
    }
    int[] out = new int[t.length + 1];
    out[0] = tok.bos();
    System.arraycopy(t, 0, out, 1, t.length);
    return out;
  }

  /** The answer's tokens as they follow the prompt ({@link Tokenizer#continuation}). */
  private int[] answerTokens(Prompt p, int[] promptTokens) {
    int skip = tok.bos() < 0 ? 0 : 1;
    return tok.continuation(Arrays.copyOfRange(promptTokens, skip, promptTokens.length),
        p.prompt(), p.answer());
  }

  /** BOS, the prompt and, when the prompt has one, its answer (what capture runs). */
  public int[] sequence(Prompt p) {
    int[] head = promptTokens(p);
    if (p.answer() == null) {
      return head;
    }
    int[] a = answerTokens(p, head);
    int[] s = Arrays.copyOf(head, head.length + a.length);
    System.arraycopy(a, 0, s, head.length, a.length);
    return s;
  }

  /** {@code configs.get(0)} must be the baseline. */
  public List<Result> run(NDManager parent, List<Prompt> batch, List<VariantConfig> configs) {
    int n = batch.size();
    int[][] prompts = new int[n][];
    for (int b = 0; b < n; b++) {
      prompts[b] = promptTokens(batch.get(b));
    }
    List<Result> out = new ArrayList<>();
    double[][][] baseLogp = null;
    int[][] seqs = null;
    int[][] want = null;
    for (int c = 0; c < configs.size(); c++) {
      CatalogueFfn ffn = new CatalogueFfn(configs.get(c));
      Decoder.Generated g = decoder.generate(parent, prompts, maxNew, tok.eos(), ffn);
      if (c == 0) {
        seqs = new int[n][];
        want = new int[n][];
        for (int b = 0; b < n; b++) {
          int[] a = batch.get(b).answer() != null ? answerTokens(batch.get(b), prompts[b])
              : g.tokens()[b];
          int[] s = Arrays.copyOf(prompts[b], prompts[b].length + a.length + 1);
          System.arraycopy(a, 0, s, prompts[b].length, a.length);
          s[s.length - 1] = tok.eos();
          seqs[b] = s;
          // position i predicts s[i + 1]: the answer's tokens and the EOS
          want[b] = java.util.stream.IntStream.range(prompts[b].length - 1, s.length - 1).toArray();
        }
      }
      // Scoring runs one prompt at a time: PyTorch's CPU matmul rounds differently for different
      // shapes (batch 1 vs 4 moved an NLL by 1.4e-8 relative), and a prompt's metrics must not
      // depend on which prompts share its batch. Greedy decoding above is batched.
      float[][] logits = new float[n][];
      double[] scoreMs = new double[n];
      for (int b = 0; b < n; b++) {
        long s0 = System.nanoTime();
        logits[b] = decoder.score(parent, new int[][] {seqs[b]}, new int[][] {want[b]}, ffn)[0];
        scoreMs[b] = (System.nanoTime() - s0) / 1e6;
      }
      double[][][] logp = new double[n][][];
      int v = model.config().vocabSize();
      double batchMs = (g.prefillNanos() + g.decodeNanos()) / 1e6;
      for (int b = 0; b < n; b++) {
        Prompt p = batch.get(b);
        logp[b] = logSoftmax(logits[b], v);
        double nll = 0;
        double kl = 0;
        double maxKl = 0;
        int agree = 0;
        for (int k = 0; k < want[b].length; k++) {
          nll -= logp[b][k][seqs[b][want[b][k] + 1]];
          if (baseLogp != null) {
            double d = kl(baseLogp[b][k], logp[b][k]);
            kl += d;
            maxKl = Math.max(maxKl, d);
            agree += argmax(baseLogp[b][k]) == argmax(logp[b][k]) ? 1 : 0;
          } else {
            agree++;
          }
        }
        String output = tok.decode(g.tokens()[b], 0, g.tokens()[b].length);
        out.add(new Result(c, p.id(), p.task(), output,
            p.answer() == null ? null : output.strip().equals(p.answer().strip()),
            p.answer() == null ? Double.NaN : nll, want[b].length, kl, maxKl, agree,
            want[b].length, g.prefillNanos() / 1e6,
            g.decodeNanos() / 1e6 / Math.max(1, g.steps() - 1), g.tokens()[b].length, batchMs, n,
            scoreMs[b], 0));
      }
      if (c == 0) {
        baseLogp = logp;
      }
    }
    return out;
  }

  static double[][] logSoftmax(float[] logits, int v) {
    int rows = logits.length / v;
    double[][] out = new double[rows][v];
    for (int r = 0; r < rows; r++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < v; i++) {
        max = Math.max(max, logits[r * v + i]);
      }
      double sum = 0;
      for (int i = 0; i < v; i++) {
        sum += Math.exp(logits[r * v + i] - max);
      }
      double lse = max + Math.log(sum);
      for (int i = 0; i < v; i++) {
        out[r][i] = logits[r * v + i] - lse;
      }
    }
    return out;
  }

  /** KL(p ‖ q) of two log-distributions; terms with p = 0 contribute 0. */
  static double kl(double[] logP, double[] logQ) {
    double s = 0;
    for (int i = 0; i < logP.length; i++) {
      double p = Math.exp(logP[i]);
      if (p > 0) {
        s += p * (logP[i] - logQ[i]);
      }
    }
    return Math.max(0, s);
  }

  static int argmax(double[] x) {
    int best = 0;
    for (int i = 1; i < x.length; i++) {
      if (x[i] > x[best]) {
        best = i;
      }
    }
    return best;
  }

  /** Baseline exact match per task (fraction, count), in task order; for {@code train}. */
  public static Map<String, double[]> exactMatch(ModelDir dir, List<Prompt> prompts, int batch) {
    Map<String, double[]> acc = new TreeMap<>();
    VariantConfig base = VariantConfig.parse("baseline", dir.config());
    try (PromptRunner r = new PromptRunner(dir, 16);
        NDManager m = NDManager.newBaseManager("PyTorch")) {
      for (int i = 0; i < prompts.size(); i += batch) {
        List<Prompt> chunk = prompts.subList(i, Math.min(prompts.size(), i + batch));
        for (Result res : r.run(m, chunk, List.of(base))) {
          double[] a = acc.computeIfAbsent(res.task(), k -> new double[2]);
          a[0] += Boolean.TRUE.equals(res.correct()) ? 1 : 0;
          a[1]++;
        }
      }
    }
    acc.values().forEach(a -> a[0] /= a[1]);
    return acc;
  }

  @Override
  public void close() {
    try (ModelDir d = dir) {
      model.close();
    }
  }
}

package io.ablate.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.Arrays;

/**
 * Batched teacher-forced scoring and greedy decoding over a {@link DjlModel}. Rows are right-padded
 * to the longest; padding never influences a real token: in scoring, a real query only sees earlier
 * slots; in decoding, row {@code b}'s new tokens go to shared slots after the prompt block, at
 * positions {@code len_b, len_b + 1, ...}, and its mask hides its padding slots. One NDManager per
 * call (closed before returning); each decoding step has its own sub-manager, the cache is moved
 * to the call's.
 */
public final class Decoder {
  private static final float NEG_INF = Float.NEGATIVE_INFINITY;
  private final DjlModel model;

  public Decoder(DjlModel model) {
    this.model = model;
  }

  public DjlModel model() {
    return model;
  }

  /**
   * Logits at chosen positions of each sequence: {@code want[b]} lists positions of {@code seqs[b]};
   * the result {@code [b]} holds {@code want[b].length · V} floats, position by position.
   */
  public float[][] score(NDManager parent, int[][] seqs, int[][] want, Ffn ffn) {
    int batch = seqs.length;
    int t = Arrays.stream(seqs).mapToInt(s -> s.length).max().orElse(0);
    long[] tokens = new long[batch * t];
    long[] positions = new long[batch * t];
    for (int b = 0; b < batch; b++) {
      for (int i = 0; i < t; i++) {
        tokens[b * t + i] = i < seqs[b].length ? seqs[b][i] : CharVocab.PAD;
        positions[b * t + i] = i;
      }
    }
    float[] mask = new float[batch * t * t];
    for (int b = 0; b < batch; b++) {
      for (int i = 0; i < t; i++) {
        for (int j = 0; j < t; j++) {
          mask[(b * t + i) * t + j] = j <= i ? 0f : NEG_INF;
        }
      }
    }
    int total = Arrays.stream(want).mapToInt(w -> w.length).sum();
    long[] rows = new long[total];
    for (int b = 0, k = 0; b < batch; b++) {
      for (int pos : want[b]) {
        rows[k++] = (long) b * t + pos;
      }
    }
    try (NDManager scope = parent.newSubManager()) {
      NDArray h = model.forward(scope, tokens, positions, batch, t, mask, null, ffn);
      float[] all = select(scope, h, rows).toFloatArray();
      int v = model.config().vocabSize();
      float[][] out = new float[batch][];
      for (int b = 0, off = 0; b < batch; b++) {
        out[b] = Arrays.copyOfRange(all, off, off + want[b].length * v);
        off += want[b].length * v;
      }
      return out;
    }
  }

  private NDArray select(NDManager scope, NDArray hidden, long[] rows) {
    long d = hidden.getShape().tail();
    NDArray flat = hidden.reshape(-1, d);
    return model.logits(flat.get(new NDIndex("{}", scope.create(rows))));
  }

  /** Greedy continuations and how long the two phases took. */
  public record Generated(int[][] tokens, long prefillNanos, long decodeNanos, int steps) {}

  /**
   * Greedy decoding of each prompt (already tokenised, with its BOS) until {@code eos} or {@code
   * maxNew} tokens; {@code tokens[b]} excludes the EOS.
   */
  public Generated generate(NDManager parent, int[][] prompts, int maxNew, int eos, Ffn ffn) {
    int batch = prompts.length;
    int[] len = Arrays.stream(prompts).mapToInt(p -> p.length).toArray();
    int tp = Arrays.stream(len).max().orElse(0);
    int limit = model.config().maxPositions();
    int steps = Math.min(maxNew, limit - tp);
    int[][] out = new int[batch][steps];
    int[] produced = new int[batch];
    boolean[] done = new boolean[batch];
    try (NDManager scope = parent.newSubManager()) {
      DjlModel.Cache cache = new DjlModel.Cache(model.config().layers());
      long t0 = System.nanoTime();
      long[] tokens = new long[batch * tp];
      long[] positions = new long[batch * tp];
      float[] mask = new float[batch * tp * tp];
      for (int b = 0; b < batch; b++) {
        for (int i = 0; i < tp; i++) {
          tokens[b * tp + i] = i < len[b] ? prompts[b][i] : CharVocab.PAD;
          positions[b * tp + i] = i;
          for (int j = 0; j < tp; j++) {
            mask[(b * tp + i) * tp + j] = j <= i && (j < len[b] || i >= len[b]) ? 0f : NEG_INF;
          }
        }
      }
      long[] last = new long[batch];
      for (int b = 0; b < batch; b++) {
        last[b] = (long) b * tp + len[b] - 1;
      }
      int[] next;
      try (NDManager step = scope.newSubManager()) {
        NDArray h = model.forward(step, tokens, positions, batch, tp, mask, cache, ffn);
        next = argmax(select(step, h, last).toFloatArray(), batch);
        keep(cache, scope);
      }
      long prefill = System.nanoTime() - t0;
      int taken = 0;
      for (int s = 0; s < steps; s++) {
        boolean all = true;
        for (int b = 0; b < batch; b++) {
          if (!done[b]) {
            if (next[b] == eos) {
              done[b] = true;
            } else {
              out[b][produced[b]++] = next[b];
            }
          }
          all &= done[b];
        }
        taken = s + 1;
        if (all || s == steps - 1) {
          break;
        }
        int tk = tp + s + 1;
        long[] tok = new long[batch];
        long[] pos = new long[batch];
        float[] m = new float[batch * tk];
        for (int b = 0; b < batch; b++) {
          tok[b] = next[b];
          pos[b] = len[b] + s;
          for (int j = 0; j < tk; j++) {
            m[b * tk + j] = j < len[b] || j >= tp ? 0f : NEG_INF;
          }
        }
        try (NDManager step = scope.newSubManager()) {
          NDArray h = model.forward(step, tok, pos, batch, 1, m, cache, ffn);
          next = argmax(model.logits(h.reshape(batch, -1)).toFloatArray(), batch);
          keep(cache, scope);
        }
      }
      long decode = System.nanoTime() - t0 - prefill;
      int[][] trimmed = new int[batch][];
      for (int b = 0; b < batch; b++) {
        trimmed[b] = Arrays.copyOf(out[b], produced[b]);
      }
      return new Generated(trimmed, prefill, decode, taken);
    }
  }

  private static void keep(DjlModel.Cache cache, NDManager scope) {
    for (int l = 0; l < cache.k.length; l++) {
      cache.k[l].attach(scope);
      cache.v[l].attach(scope);
    }
  }

  /** Index of the largest logit per row; ties go to the lowest index. */
  static int[] argmax(float[] logits, int rows) {
    int v = logits.length / rows;
    int[] out = new int[rows];
    for (int r = 0; r < rows; r++) {
      int best = 0;
      for (int i = 1; i < v; i++) {
        if (logits[r * v + i] > logits[r * v + best]) {
          best = i;
        }
      }
      out[r] = best;
    }
    return out;
  }
}

package io.ablate.model;

import io.ablate.activation.Variant;
import io.ablate.expr.Interpreter;

/**
 * An independent forward pass in plain Java and float64, without DJL: the same architectures
 * written out loop by loop, one sequence at a time, each activation the float64 interpretation of
 * its catalogue definition (its precision rounding included where the variant has a fixed
 * expression; dynamically calibrated int8 runs at full precision). Slow; it checks {@link DjlModel}.
 */
public final class ReferenceForward {
  private final ModelConfig c;
  private final Weights w;
  /** Each layer's own activation (its kind says whether the FFN is gated). */
  private final Variant[] own;

  public ReferenceForward(Weights weights) {
    this.c = weights.config();
    this.w = weights;
    this.own = c.layerActivations();
  }

  /** Sees the FFN activation input of each layer and token (gated: gate then up, one vector). */
  @FunctionalInterface
  public interface Probe {
    void accept(int layer, int token, double[] input);
  }

  /** Logits {@code [T][V]} of every position of {@code tokens} under {@code variants}. */
  public double[][] logits(int[] tokens, VariantConfig variants) {
    return logits(tokens, variants, null);
  }

  /** The same, showing each FFN activation input to {@code probe} (may be null). */
  public double[][] logits(int[] tokens, VariantConfig variants, Probe probe) {
    int n = tokens.length;
    int d = c.hidden();
    double[][] x = new double[n][d];
    boolean gpt2 = c.arch() == ModelConfig.Arch.GPT2;
    float[] emb = w.get(gpt2 ? "wte.weight" : "model.embed_tokens.weight").data();
    for (int t = 0; t < n; t++) {
      for (int i = 0; i < d; i++) {
        x[t][i] = emb[tokens[t] * d + i];
        if (gpt2) {
          x[t][i] += w.get("wpe.weight").data()[t * d + i];
        }
      }
    }
    for (int l = 0; l < c.layers(); l++) {
      Interpreter.Compiled act = activation(variants.layer(l));
      if (gpt2) {
        String p = "h." + l + ".";
        double[][] a = layerNorm(x, p + "ln_1");
        double[][] qkv = conv1d(a, p + "attn.c_attn");
        double[][] q = cols(qkv, 0, d);
        double[][] k = cols(qkv, d, d);
        double[][] v = cols(qkv, 2 * d, d);
        add(x, conv1d(attention(q, k, v), p + "attn.c_proj"));
        double[][] h = conv1d(layerNorm(x, p + "ln_2"), p + "mlp.c_fc");
        for (int t = 0; probe != null && t < n; t++) {
          probe.accept(l, t, h[t].clone());
        }
        for (double[] row : h) {
          for (int i = 0; i < row.length; i++) {
            row[i] = act.eval(row[i]);
          }
        }
        add(x, conv1d(h, p + "mlp.c_proj"));
      } else {
        String p = "model.layers." + l + ".";
        double[][] a = rmsNorm(x, p + "input_layernorm.weight");
        double[][] q = linear(a, p + "self_attn.q_proj.weight");
        double[][] k = linear(a, p + "self_attn.k_proj.weight");
        double[][] v = linear(a, p + "self_attn.v_proj.weight");
        rope(q, c.heads());
        rope(k, c.kvHeads());
        add(x, linear(attention(q, k, v), p + "self_attn.o_proj.weight"));
        double[][] m = rmsNorm(x, p + "post_attention_layernorm.weight");
        if (!own[l].gated()) {
          double[][] h = linear(m, p + "mlp.up_proj.weight");
          for (int t = 0; probe != null && t < n; t++) {
            probe.accept(l, t, h[t].clone());
          }
          for (double[] row : h) {
            for (int i = 0; i < row.length; i++) {
              row[i] = act.eval(row[i]);
            }
          }
          add(x, linear(h, p + "mlp.down_proj.weight"));
          continue;
        }
        double[][] g = linear(m, p + "mlp.gate_proj.weight");
        double[][] u = linear(m, p + "mlp.up_proj.weight");
        double[] in = new double[2];
        for (int t = 0; probe != null && t < n; t++) {
          double[] gu = java.util.Arrays.copyOf(g[t], 2 * g[t].length);
          System.arraycopy(u[t], 0, gu, g[t].length, u[t].length);
          probe.accept(l, t, gu);
        }
        for (int t = 0; t < n; t++) {
          for (int i = 0; i < g[t].length; i++) {
            in[0] = g[t][i];
            in[1] = u[t][i];
            g[t][i] = act.eval(in);
          }
        }
        add(x, linear(g, p + "mlp.down_proj.weight"));
      }
    }
    double[][] f = gpt2 ? layerNorm(x, "ln_f") : rmsNorm(x, "model.norm.weight");
    String head = gpt2 || c.tiedEmbeddings()
        ? (gpt2 ? "wte.weight" : "model.embed_tokens.weight") : "lm_head.weight";
    return linear(f, head);
  }

  private static Interpreter.Compiled activation(Variant v) {
    return Interpreter.compile(v.expression().orElse(v.definition()));
  }

  private double[][] attention(double[][] q, double[][] k, double[][] v) {
    int n = q.length;
    int hd = c.headDim();
    int group = c.heads() / c.kvHeads();
    double[][] out = new double[n][c.heads() * hd];
    double scale = 1 / Math.sqrt(hd);
    double[] s = new double[n];
    for (int h = 0; h < c.heads(); h++) {
      int qo = h * hd;
      int ko = (h / group) * hd;
      for (int i = 0; i < n; i++) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j <= i; j++) {
          double dot = 0;
          for (int e = 0; e < hd; e++) {
            dot += q[i][qo + e] * k[j][ko + e];
          }
          s[j] = dot * scale;
          max = Math.max(max, s[j]);
        }
        double sum = 0;
        for (int j = 0; j <= i; j++) {
          s[j] = Math.exp(s[j] - max);
          sum += s[j];
        }
        for (int j = 0; j <= i; j++) {
          double p = s[j] / sum;
          for (int e = 0; e < hd; e++) {
            out[i][qo + e] += p * v[j][ko + e];
          }
        }
      }
    }
    return out;
  }

  /** Rotary positions, Hugging Face's rotate-half form, position = row index. */
  private void rope(double[][] x, int heads) {
    int hd = c.headDim();
    int half = hd / 2;
    for (int t = 0; t < x.length; t++) {
      for (int h = 0; h < heads; h++) {
        int o = h * hd;
        for (int i = 0; i < half; i++) {
          double inv = Math.pow(c.ropeTheta(), -2.0 * i / hd);
          double cos = Math.cos(t * inv);
          double sin = Math.sin(t * inv);
          double a = x[t][o + i];
          double b = x[t][o + half + i];
          x[t][o + i] = a * cos - b * sin;
          x[t][o + half + i] = b * cos + a * sin;
        }
      }
    }
  }

  private double[][] layerNorm(double[][] x, String name) {
    float[] g = w.get(name + ".weight").data();
    float[] b = w.get(name + ".bias").data();
    double[][] out = new double[x.length][];
    for (int t = 0; t < x.length; t++) {
      int d = x[t].length;
      double mean = 0;
      for (double v : x[t]) {
        mean += v;
      }
      mean /= d;
      double var = 0;
      for (double v : x[t]) {
        var += (v - mean) * (v - mean);
      }
      var /= d;
      double inv = 1 / Math.sqrt(var + c.normEps());
      out[t] = new double[d];
      for (int i = 0; i < d; i++) {
        out[t][i] = (x[t][i] - mean) * inv * g[i] + b[i];
      }
    }
    return out;
  }

  private double[][] rmsNorm(double[][] x, String name) {
    float[] g = w.get(name).data();
    double[][] out = new double[x.length][];
    for (int t = 0; t < x.length; t++) {
      int d = x[t].length;
      double ms = 0;
      for (double v : x[t]) {
        ms += v * v;
      }
      double inv = 1 / Math.sqrt(ms / d + c.normEps());
      out[t] = new double[d];
      for (int i = 0; i < d; i++) {
        out[t][i] = x[t][i] * inv * g[i];
      }
    }
    return out;
  }

  /** GPT-2's Conv1D: {@code x · W + b}, W {@code [in, out]}. */
  private double[][] conv1d(double[][] x, String name) {
    Tensor wt = w.get(name + ".weight");
    float[] b = w.get(name + ".bias").data();
    int in = wt.dim(0);
    int out = wt.dim(1);
    double[][] y = new double[x.length][out];
    for (int t = 0; t < x.length; t++) {
      for (int o = 0; o < out; o++) {
        double s = b[o];
        for (int i = 0; i < in; i++) {
          s += x[t][i] * wt.data()[i * out + o];
        }
        y[t][o] = s;
      }
    }
    return y;
  }

  /** A Linear layer without bias: {@code x · Wᵀ}, W {@code [out, in]}. */
  private double[][] linear(double[][] x, String name) {
    Tensor wt = w.get(name);
    int out = wt.dim(0);
    int in = wt.dim(1);
    double[][] y = new double[x.length][out];
    for (int t = 0; t < x.length; t++) {
      for (int o = 0; o < out; o++) {
        double s = 0;
        for (int i = 0; i < in; i++) {
          s += x[t][i] * wt.data()[o * in + i];
        }
        y[t][o] = s;
      }
    }
    return y;
  }

  private static double[][] cols(double[][] x, int from, int len) {
    double[][] y = new double[x.length][];
    for (int t = 0; t < x.length; t++) {
      y[t] = java.util.Arrays.copyOfRange(x[t], from, from + len);
    }
    return y;
  }

  private static void add(double[][] x, double[][] y) {
    for (int t = 0; t < x.length; t++) {
      for (int i = 0; i < x[t].length; i++) {
        x[t][i] += y[t][i];
      }
    }
  }
}

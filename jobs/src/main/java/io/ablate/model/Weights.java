package io.ablate.model;

import io.ablate.AblateException;
import io.ablate.activation.Variant;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A model's parameters by their Hugging Face names, checked against its config: every tensor the
 * architecture needs is present with the shape the config implies. GPT-2 names may carry the {@code
 * transformer.} prefix of {@code GPT2LMHeadModel} checkpoints. Layouts are the checkpoints' own:
 * GPT-2's {@code Conv1D} weights are {@code [in, out]}, LLaMA's {@code Linear} weights {@code [out,
 * in]}.
 */
public final class Weights {
  /** A single-file checkpoint's name. */
  public static final String FILE = "model.safetensors";

  private final ModelConfig config;
  private final Map<String, Tensor> tensors;

  private Weights(ModelConfig config, Map<String, Tensor> tensors) {
    this.config = config;
    this.tensors = tensors;
  }

  public ModelConfig config() {
    return config;
  }

  /** The tensor of a (canonical, unprefixed) name. */
  public Tensor get(String name) {
    Tensor t = tensors.get(name);
    if (t == null) {
      throw new IllegalArgumentException("no tensor " + name);
    }
    return t;
  }

  /** Every tensor, in the canonical order of {@link #expected}. */
  public List<Tensor> all() {
    return new ArrayList<>(tensors.values());
  }

  /** The tensor names and shapes the config implies, in a fixed order. */
  public static Map<String, int[]> expected(ModelConfig c) {
    Map<String, int[]> m = new LinkedHashMap<>();
    int d = c.hidden();
    int inner = c.intermediate();
    if (c.arch() == ModelConfig.Arch.GPT2) {
      m.put("wte.weight", new int[] {c.vocabSize(), d});
      m.put("wpe.weight", new int[] {c.maxPositions(), d});
      for (int l = 0; l < c.layers(); l++) {
        String p = "h." + l + ".";
        m.put(p + "ln_1.weight", new int[] {d});
        m.put(p + "ln_1.bias", new int[] {d});
        m.put(p + "attn.c_attn.weight", new int[] {d, 3 * d});
        m.put(p + "attn.c_attn.bias", new int[] {3 * d});
        m.put(p + "attn.c_proj.weight", new int[] {d, d});
        m.put(p + "attn.c_proj.bias", new int[] {d});
        m.put(p + "ln_2.weight", new int[] {d});
        m.put(p + "ln_2.bias", new int[] {d});
        m.put(p + "mlp.c_fc.weight", new int[] {d, inner});
        m.put(p + "mlp.c_fc.bias", new int[] {inner});
        m.put(p + "mlp.c_proj.weight", new int[] {inner, d});
        m.put(p + "mlp.c_proj.bias", new int[] {d});
      }
      m.put("ln_f.weight", new int[] {d});
      m.put("ln_f.bias", new int[] {d});
    } else {
      int hd = c.headDim();
      Variant[] own = c.layerActivations();
      int[] widths = c.widths();
      m.put("model.embed_tokens.weight", new int[] {c.vocabSize(), d});
      for (int l = 0; l < c.layers(); l++) {
        String p = "model.layers." + l + ".";
        m.put(p + "input_layernorm.weight", new int[] {d});
        m.put(p + "self_attn.q_proj.weight", new int[] {c.heads() * hd, d});
        m.put(p + "self_attn.k_proj.weight", new int[] {c.kvHeads() * hd, d});
        m.put(p + "self_attn.v_proj.weight", new int[] {c.kvHeads() * hd, d});
        m.put(p + "self_attn.o_proj.weight", new int[] {d, c.heads() * hd});
        m.put(p + "post_attention_layernorm.weight", new int[] {d});
        int width = widths[l];
        if (own[l].gated()) {
          m.put(p + "mlp.gate_proj.weight", new int[] {width, d});
        }
        m.put(p + "mlp.up_proj.weight", new int[] {width, d});
        m.put(p + "mlp.down_proj.weight", new int[] {d, width});
      }
      m.put("model.norm.weight", new int[] {d});
      if (!c.tiedEmbeddings()) {
        m.put("lm_head.weight", new int[] {c.vocabSize(), d});
      }
    }
    return m;
  }

  /**
   * Checks {@code found} (from {@code source}) against the config: a missing tensor or a shape
   * mismatch is bad input naming the tensor and both shapes. Extra tensors (e.g. GPT-2's tied
   * {@code lm_head.weight}, attention bias buffers) are ignored.
   */
  public static Weights of(ModelConfig config, Map<String, Tensor> found, String source) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (Map.Entry<String, int[]> e : expected(config).entrySet()) {
      String name = e.getKey();
      Tensor t = found.get(name);
      if (t == null && config.arch() == ModelConfig.Arch.GPT2) {
        t = found.get("transformer." + name);
      }
      if (t == null) {
        throw AblateException.badInput("%s: missing tensor %s (expected shape %s from config: %s)",
            source, name, Arrays.toString(e.getValue()), config);
      }
      if (!Arrays.equals(t.shape(), e.getValue())) {
        throw AblateException.badInput("%s: tensor %s has shape %s, config implies %s (%s)", source,
            name, t.shapeText(), Arrays.toString(e.getValue()), config);
      }
      out.put(name, new Tensor(name, t.shape(), t.data()));
    }
    return new Weights(config, out);
  }

  /**
   * Reads the weights of model directory {@code dir} and checks them against {@code config}: {@code
   * model.safetensors}, else the shards that {@code model.safetensors.index.json} names.
   */
  public static Weights read(Path dir, ModelConfig config) {
    SafetensorsIndex index = shardedIndex(dir);
    if (index == null) {
      Path file = dir.resolve(FILE);
      return of(config, Safetensors.read(file), file.toString());
    }
    return of(config, index.tensors(), index.file().toString());
  }

  /**
   * The files {@link #read} takes the weights of {@code dir} from, in a fixed order: {@code
   * model.safetensors} alone, or the index followed by its shards sorted by name. What a model's
   * fingerprint covers.
   */
  public static List<Path> files(Path dir) {
    SafetensorsIndex index = shardedIndex(dir);
    return index == null ? List.of(dir.resolve(FILE)) : index.files();
  }

  /**
   * The index of {@code dir}'s sharded checkpoint, or null when {@code dir} has {@code
   * model.safetensors}: a single file wins over an index beside it because it is the file Ablate
   * writes ({@link #write}), so weights written into a directory that held a sharded checkpoint are
   * the ones read.
   */
  private static SafetensorsIndex shardedIndex(Path dir) {
    if (Files.isRegularFile(dir.resolve(FILE))) {
      return null;
    }
    Path index = dir.resolve(SafetensorsIndex.FILE);
    if (!Files.isRegularFile(index)) {
      throw AblateException.badInput("model directory %s has neither %s nor %s", dir, FILE,
          SafetensorsIndex.FILE);
    }
    return SafetensorsIndex.read(index);
  }

  /**
   * Random weights (seeded): matrices and embeddings normal with standard deviation {@code std},
   * norm gains 1 plus a small perturbation, biases small. For tests and as training's start.
   */
  public static Weights random(ModelConfig config, long seed, double std) {
    SplittableRandom rnd = new SplittableRandom(seed);
    Map<String, Tensor> m = new LinkedHashMap<>();
    for (Map.Entry<String, int[]> e : expected(config).entrySet()) {
      String name = e.getKey();
      int[] shape = e.getValue();
      int n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
      float[] v = new float[n];
      boolean norm = name.contains("ln_") || name.contains("layernorm") || name.endsWith("norm.weight");
      for (int i = 0; i < n; i++) {
        double g = gaussian(rnd);
        if (norm && name.endsWith("weight")) {
          v[i] = (float) (1 + 0.1 * g);
        } else if (shape.length == 1) {
          v[i] = (float) (0.02 * g);
        } else {
          v[i] = (float) (std * g);
        }
      }
      m.put(name, new Tensor(name, shape, v));
    }
    return new Weights(config, m);
  }

  private static double gaussian(SplittableRandom r) {
    double u = r.nextDouble();
    double w = r.nextDouble();
    return Math.sqrt(-2 * Math.log1p(-u)) * Math.cos(2 * Math.PI * w);
  }

  /** Writes {@code dir/model.safetensors} in {@code dtype} (always one file, never shards). */
  public void write(Path dir, Safetensors.Dtype dtype) throws IOException {
    Safetensors.write(dir.resolve(FILE), tensors.values(), dtype);
  }

  /**
   * The same tensors under {@code other}, a configuration of the same shapes (e.g. the same
   * architecture with learned activation parameters).
   */
  public Weights reconfigured(ModelConfig other) {
    return of(other, tensors, "reconfigured");
  }

  /** These weights with some tensors replaced (same names and shapes). */
  public Weights with(Map<String, Tensor> replaced) {
    Map<String, Tensor> m = new LinkedHashMap<>(tensors);
    m.putAll(replaced);
    return of(config, m, "replacement");
  }
}

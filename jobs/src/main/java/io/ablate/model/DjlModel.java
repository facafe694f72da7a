package io.ablate.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.ablate.activation.Variant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The DJL (PyTorch) forward pass of a {@link Weights} set: GPT-2 (learned positions, LayerNorm,
 * Conv1D layers, elementwise FFN) or LLaMA (RMSNorm, rotary positions, grouped-query attention,
 * gated FFN), over a batch of right-padded sequences, with a KV {@link Cache} for decoding. The
 * parameters live in this model's own {@link NDManager}; every call's intermediates live in the
 * caller's scope manager.
 *
 * <p>Slots and masks: a batch holds {@code B} rows of {@code Tq} query slots; the additive mask
 * {@code [B, Tq, Tk]} says which cache slots each query sees (0 or −∞), and each query slot has its
 * own position id, so rows of different lengths can share a cache (see {@link Decoder}).
 */
public final class DjlModel implements AutoCloseable {
  private final ModelConfig c;
  private final NDManager manager;
  private final Map<String, NDArray> p = new LinkedHashMap<>();
  private final NDArray ropeCos;
  private final NDArray ropeSin;
  private final NDArray normEps;
  private final NDArray attentionScale;
  /** Whether each layer's FFN is gated. */
  private final boolean[] gated;

  private DjlModel(Weights w, NDManager manager, boolean trainable) {
    this.c = w.config();
    Variant[] acts = c.layerActivations();
    this.gated = new boolean[acts.length];
    for (int l = 0; l < acts.length; l++) {
      gated[l] = acts[l].gated();
    }
    this.manager = manager;
    this.normEps = constant(manager, (float) c.normEps());
    this.attentionScale = constant(manager, (float) (1 / Math.sqrt(c.headDim())));
    for (Tensor t : w.all()) {
      NDArray a = owned(manager, t.data(), new Shape(toLong(t.shape())));
      if (trainable) {
        a.setRequiresGradient(true);
      }
      p.put(t.name(), a);
    }
    if (c.arch() == ModelConfig.Arch.LLAMA) {
      int hd = c.headDim();
      int half = hd / 2;
      float[] cos = new float[c.maxPositions() * hd];
      float[] sin = new float[c.maxPositions() * hd];
      for (int pos = 0; pos < c.maxPositions(); pos++) {
        for (int i = 0; i < half; i++) {
          double angle = pos * Math.pow(c.ropeTheta(), -2.0 * i / hd);
          cos[pos * hd + i] = cos[pos * hd + half + i] = (float) Math.cos(angle);
          sin[pos * hd + i] = sin[pos * hd + half + i] = (float) Math.sin(angle);
        }
      }
      ropeCos = owned(manager, cos, new Shape(c.maxPositions(), hd));
      ropeSin = owned(manager, sin, new Shape(c.maxPositions(), hd));
    } else {
      ropeCos = null;
      ropeSin = null;
    }
  }

  /** Loads {@code w} into a new PyTorch manager for inference. */
  public static DjlModel load(Weights w) {
    return new DjlModel(w, Engines.pytorch().newBaseManager(), false);
  }

  /** Parameters that require gradients, in {@code manager} (training). */
  static DjlModel trainable(Weights w, NDManager manager) {
    return new DjlModel(w, manager, true);
  }

  public ModelConfig config() {
    return c;
  }

  /** The parameters by name (training updates them in place). */
  Map<String, NDArray> parameters() {
    return p;
  }

  /** The keys and values of every layer so far: {@code [B, kvHeads, Tk, headDim]}. */
  public static final class Cache {
    final NDArray[] k;
    final NDArray[] v;

    public Cache(int layers) {
      k = new NDArray[layers];
      v = new NDArray[layers];
    }

    public long slots() {
      return k[0] == null ? 0 : k[0].getShape().get(2);
    }
  }

  /**
   * Runs {@code tokens} ({@code B·Tq}, row-major) through every layer; returns the final-norm hidden
   * states {@code [B, Tq, d]}. With a cache, keys and values are appended to it (and the mask must
   * cover the cached slots plus these); without, the mask is {@code [B, Tq, Tq]}.
   */
  public NDArray forward(NDManager scope, long[] tokens, long[] positions, int batch, int tq,
      float[] mask, Cache cache, Ffn ffn) {
    Engines.pinThreads();
    int d = c.hidden();
    boolean gpt2 = c.arch() == ModelConfig.Arch.GPT2;
    NDArray tok = scope.create(tokens);
    NDArray pos = scope.create(positions);
    // Results of an op attach to its first operand's manager: lookups into the parameters name
    // the scope explicitly, so nothing of a call outlives it.
    NDArray x = p.get(gpt2 ? "wte.weight" : "model.embed_tokens.weight")
        .get(scope, new NDIndex("{}", tok)).reshape(batch, tq, d);
    if (gpt2) {
      x = x.add(p.get("wpe.weight").get(scope, new NDIndex("{}", pos)).reshape(batch, tq, d));
    }
    long tk = mask.length / ((long) batch * tq);
    NDArray m = owned(scope, mask, new Shape(batch, 1, tq, tk));
    NDArray cos = null;
    NDArray sin = null;
    if (!gpt2) {
      cos = ropeCos.get(scope, new NDIndex("{}", pos)).reshape(batch, tq, 1, c.headDim());
      sin = ropeSin.get(scope, new NDIndex("{}", pos)).reshape(batch, tq, 1, c.headDim());
    }
    for (int l = 0; l < c.layers(); l++) {
      if (gpt2) {
        String pre = "h." + l + ".";
        NDArray a = layerNorm(x, pre + "ln_1");
        NDArray qkv = a.matMul(p.get(pre + "attn.c_attn.weight")).add(p.get(pre + "attn.c_attn.bias"));
        NDList parts = qkv.split(3, 2);
        NDArray att = attention(parts.get(0), parts.get(1), parts.get(2), m, l, cache, null, null);
        x = x.add(att.matMul(p.get(pre + "attn.c_proj.weight")).add(p.get(pre + "attn.c_proj.bias")));
        NDArray h = layerNorm(x, pre + "ln_2").matMul(p.get(pre + "mlp.c_fc.weight"))
            .add(p.get(pre + "mlp.c_fc.bias"));
        h = ffn.elementwise(l, h);
        x = x.add(h.matMul(p.get(pre + "mlp.c_proj.weight")).add(p.get(pre + "mlp.c_proj.bias")));
      } else {
        String pre = "model.layers." + l + ".";
        NDArray a = rmsNorm(x, pre + "input_layernorm.weight");
        NDArray q = linear(a, pre + "self_attn.q_proj.weight");
        NDArray k = linear(a, pre + "self_attn.k_proj.weight");
        NDArray v = linear(a, pre + "self_attn.v_proj.weight");
        NDArray att = attention(q, k, v, m, l, cache, cos, sin);
        x = x.add(linear(att, pre + "self_attn.o_proj.weight"));
        NDArray n = rmsNorm(x, pre + "post_attention_layernorm.weight");
        NDArray g = gated[l]
            ? ffn.gated(l, linear(n, pre + "mlp.gate_proj.weight"),
                linear(n, pre + "mlp.up_proj.weight"))
            : ffn.elementwise(l, linear(n, pre + "mlp.up_proj.weight"));
        x = x.add(linear(g, pre + "mlp.down_proj.weight"));
      }
    }
    return gpt2 ? layerNorm(x, "ln_f") : rmsNorm(x, "model.norm.weight");
  }

  /** Logits {@code [N, V]} of hidden states {@code [N, d]}. */
  public NDArray logits(NDArray hidden) {
    boolean gpt2 = c.arch() == ModelConfig.Arch.GPT2;
    String head = gpt2 ? "wte.weight"
        : c.tiedEmbeddings() ? "model.embed_tokens.weight" : "lm_head.weight";
    return hidden.matMul(transposed(head, hidden));
  }

  /** The transpose (a view) of a parameter, owned by {@code x}'s manager (the call's scope). */
  private NDArray transposed(String name, NDArray x) {
    NDArray t = p.get(name).transpose();
    t.attach(x.getManager());
    return t;
  }

  private NDArray attention(NDArray q, NDArray k, NDArray v, NDArray mask, int layer, Cache cache,
      NDArray cos, NDArray sin) {
    Shape s = q.getShape();
    long b = s.get(0);
    long tq = s.get(1);
    int hd = c.headDim();
    NDArray qh = q.reshape(b, tq, c.heads(), hd);
    NDArray kh = k.reshape(b, tq, c.kvHeads(), hd);
    if (cos != null) {
      qh = rope(qh, cos, sin);
      kh = rope(kh, cos, sin);
    }
    qh = qh.transpose(0, 2, 1, 3);
    kh = kh.transpose(0, 2, 1, 3);
    NDArray vh = v.reshape(b, tq, c.kvHeads(), hd).transpose(0, 2, 1, 3);
    if (cache != null) {
      if (cache.k[layer] != null) {
        NDArray oldK = cache.k[layer];
        NDArray oldV = cache.v[layer];
        kh = oldK.concat(kh, 2);
        vh = oldV.concat(vh, 2);
        oldK.close(); // the previous step's cache, superseded
        oldV.close();
      }
      cache.k[layer] = kh;
      cache.v[layer] = vh;
    }
    int group = c.heads() / c.kvHeads();
    if (group > 1) {
      kh = kh.repeat(1, group);
      vh = vh.repeat(1, group);
    }
    NDArray scores = qh.matMul(kh.transpose(0, 1, 3, 2)).mul(attentionScale).add(mask);
    NDArray out = scores.softmax(-1).matMul(vh);
    return out.transpose(0, 2, 1, 3).reshape(b, tq, (long) c.heads() * hd);
  }

  /** Hugging Face's rotate-half RoPE on {@code [B, T, H, hd]}. */
  private NDArray rope(NDArray x, NDArray cos, NDArray sin) {
    int half = c.headDim() / 2;
    NDArray x1 = x.get("..., :" + half);
    NDArray x2 = x.get("..., " + half + ":");
    NDArray rotated = x2.neg().concat(x1, -1);
    return x.mul(cos).add(rotated.mul(sin));
  }

  private NDArray layerNorm(NDArray x, String name) {
    NDArray mean = x.mean(new int[] {-1}, true);
    NDArray xc = x.sub(mean);
    NDArray var = xc.square().mean(new int[] {-1}, true);
    return xc.div(var.add(normEps).sqrt()).mul(p.get(name + ".weight"))
        .add(p.get(name + ".bias"));
  }

  private NDArray rmsNorm(NDArray x, String name) {
    NDArray ms = x.square().mean(new int[] {-1}, true);
    return x.div(ms.add(normEps).sqrt()).mul(p.get(name));
  }

  private NDArray linear(NDArray x, String name) {
    return x.matMul(transposed(name, x));
  }

  private static long[] toLong(int[] s) {
    long[] l = new long[s.length];
    for (int i = 0; i < s.length; i++) {
      l[i] = s[i];
    }
    return l;
  }

  @Override
  public void close() {
    manager.close();
  }

  /**
   * Java floats as a tensor in PyTorch's own memory. DJL's {@code create} wraps the direct buffer it
   * copies them into ({@code torch::from_blob}) without copying: that memory is Java's to free, so a
   * tensor that autograd or a view keeps after its DJL handle is closed would read freed memory. A
   * clone is owned, and freed, by PyTorch.
   */
  static NDArray owned(NDManager manager, float[] data, Shape shape) {
    try (NDArray wrapped = manager.create(data, shape)) {
      return wrapped.duplicate();
    }
  }

  /** {@link #owned(NDManager, float[], Shape)} for doubles. */
  static NDArray owned(NDManager manager, double[] data, Shape shape) {
    try (NDArray wrapped = manager.create(data, shape)) {
      return wrapped.duplicate();
    }
  }

  /**
   * A float as a 0-d tensor in PyTorch's own memory, for arithmetic in code that training
   * differentiates: never pass a Number to an op there. DJL's {@code mul(Number)} and the like wrap
   * the number in a Java direct buffer and close it after the call, but autograd keeps the operand
   * for the backward pass; when the garbage collector freed that buffer first, the backward pass read
   * whatever was there (seen: gradients that differed between runs of the same seed from a random
   * step on, and once NaN).
   */
  static NDArray constant(NDManager manager, float c) {
    return owned(manager, new float[] {c}, new Shape());
  }

  /** The PyTorch engine, offline and one thread per task unless configured otherwise. */
  static final class Engines {
    private Engines() {}

    static Engine pytorch() {
      setIfAbsent("ai.djl.offline", "true");
      setIfAbsent("ai.djl.pytorch.num_threads", "1");
      setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
      return Engine.getEngine("PyTorch");
    }

    /**
     * Sets PyTorch's intra-op thread count for the calling thread. PyTorch applies {@code
     * ai.djl.pytorch.num_threads} only to the thread that loaded the engine; a Spark task thread
     * would otherwise run with one thread per core, and a matmul split over a different number of
     * threads rounds differently (seen: captured values off in the last bit).
     */
    static void pinThreads() {
      int n = Integer.getInteger("ai.djl.pytorch.num_threads", 1);
      if (ai.djl.pytorch.jni.JniUtils.getNumThreads() != n) {
        ai.djl.pytorch.jni.JniUtils.setNumThreads(n);
      }
    }

    private static void setIfAbsent(String key, String value) {
      if (System.getProperty(key) == null) {
        System.setProperty(key, value);
      }
    }
  }
}

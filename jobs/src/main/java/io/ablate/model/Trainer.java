package io.ablate.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Trains a decoder with DJL on (prompt, answer) pairs: teacher forcing, cross-entropy on the answer
 * tokens and the EOS only, {@link Adam} (each gradient element clipped to ±1) with linear warm-up
 * and cosine decay, the model's own activation as differentiable PyTorch ops ({@link TorchFfn}).
 * Reproducible by seed, across JVMs: the initial weights and the batch order come from it, PyTorch
 * runs the forward and backward passes deterministically for a fixed thread count on tensors it
 * owns ({@link DjlModel#owned}, {@link DjlModel#constant}), and the update is computed on the JVM.
 * One gradient collector at a time (the PyTorch engine allows one per JVM).
 */
public final class Trainer {
  /** Hyper-parameters. */
  public record Settings(long seed, int steps, int batch, double lr, double initStd) {}

  /** A training pair already tokenised: {@code [BOS] prompt answer [EOS]} and where the answer starts. */
  public record Example(int[] tokens, int answerStart) {}

  /** Each gradient element is clipped to [−CLIP, CLIP] before Adam sees it. */
  static final float CLIP = 1f;

  private Trainer() {}

  /** Tokenises a prompt and its answer. */
  public static Example example(Tokenizer tok, String prompt, String answer) {
    int[] p = tok.encode(prompt);
    int[] a = tok.encode(answer);
    int[] t = new int[p.length + a.length + 2];
    t[0] = tok.bos();
    System.arraycopy(p, 0, t, 1, p.length);
    System.arraycopy(a, 0, t, 1 + p.length, a.length);
    t[t.length - 1] = tok.eos();
    return new Example(t, 1 + p.length);
  }

  /** Trains from seeded random weights; {@code onStep} hears each step's index (progress). */
  public static Weights train(ModelConfig config, List<Example> data, Settings s,
      java.util.function.ObjIntConsumer<Float> onLoss) {
    Weights init = Weights.random(config, s.seed(), s.initStd());
    SplittableRandom order = new SplittableRandom(s.seed() ^ 0x5DEECE66DL);
    Engine engine = DjlModel.Engines.pytorch();
    try (NDManager base = engine.newBaseManager()) {
      DjlModel model = DjlModel.trainable(init, base);
      Map<String, Adam> adam = new LinkedHashMap<>();
      for (Map.Entry<String, NDArray> e : model.parameters().entrySet()) {
        adam.put(e.getKey(), new Adam(Math.toIntExact(e.getValue().size()), CLIP));
      }
      Ffn ffn = new TorchFfn(config);
      int v = config.vocabSize();
      for (int step = 0; step < s.steps(); step++) {
        List<Example> batch = new ArrayList<>(s.batch());
        for (int i = 0; i < s.batch(); i++) {
          batch.add(data.get(order.nextInt(data.size())));
        }
        float loss = step(base, engine, model, ffn, batch, v);
        double lr = learningRate(s, step);
        for (Map.Entry<String, NDArray> e : model.parameters().entrySet()) {
          update(base, e.getValue(), adam.get(e.getKey()), lr);
        }
        if (onLoss != null) {
          onLoss.accept(loss, step);
        }
      }
      Map<String, Tensor> out = new LinkedHashMap<>();
      for (Map.Entry<String, NDArray> e : model.parameters().entrySet()) {
        Tensor t = init.get(e.getKey());
        out.put(e.getKey(), new Tensor(t.name(), t.shape(), e.getValue().toFloatArray()));
      }
      return init.with(out);
    }
  }

  /** Linear warm-up over the first 5% of the steps, then cosine decay to 0. */
  static double learningRate(Settings s, int step) {
    int warm = Math.max(1, s.steps() / 20);
    if (step < warm) {
      return s.lr() * (step + 1) / warm;
    }
    return s.lr() * 0.5
        * (1 + StrictMath.cos(Math.PI * (step - warm) / Math.max(1, s.steps() - warm)));
  }

  /** Applies one Adam step to {@code param} from its gradient, then clears the gradient. */
  static void update(NDManager base, NDArray param, Adam adam, double lr) {
    float[] g;
    try (NDArray grad = param.getGradient()) {
      g = grad.toFloatArray();
    }
    // PyTorch adds each backward's gradient to what is there: clear it for the next step
    JniUtils.zeroGrad((PtNDArray) param);
    // An in-place change of a parameter must not be recorded: PyTorch's grad mode is per thread
    // and on by default in threads other than the one that loaded the engine.
    boolean recording = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try (NDManager scope = base.newSubManager();
        NDArray delta = DjlModel.owned(scope, adam.step(g, lr), param.getShape())) {
      param.subi(delta);
    } finally {
      JniUtils.setGradMode(recording);
    }
  }

  private static float step(NDManager base, Engine engine, DjlModel model, Ffn ffn,
      List<Example> batch, int v) {
    int b = batch.size();
    int t = batch.stream().mapToInt(e -> e.tokens().length - 1).max().orElse(1);
    long[] tokens = new long[b * t];
    long[] positions = new long[b * t];
    float[] mask = new float[b * t * t];
    int targets = 0;
    for (Example e : batch) {
      targets += e.tokens().length - e.answerStart();
    }
    float[] weight = new float[b * t * v];
    for (int r = 0; r < b; r++) {
      int[] seq = batch.get(r).tokens();
      for (int i = 0; i < t; i++) {
        tokens[r * t + i] = i < seq.length - 1 ? seq[i] : CharVocab.PAD;
        positions[r * t + i] = i;
        for (int j = 0; j < t; j++) {
          mask[(r * t + i) * t + j] = j <= i ? 0f : Float.NEGATIVE_INFINITY;
        }
        // position i predicts seq[i + 1]; the loss covers the answer and the EOS
        if (i + 1 >= batch.get(r).answerStart() && i + 1 < seq.length) {
          weight[(r * t + i) * v + seq[i + 1]] = 1f / targets;
        }
      }
    }
    try (NDManager scope = base.newSubManager();
        GradientCollector gc = engine.newGradientCollector()) {
      NDArray h = model.forward(scope, tokens, positions, b, t, mask, null, ffn);
      NDArray logp = model.logits(h.reshape(b * t, -1)).logSoftmax(1);
      NDArray loss = logp.mul(DjlModel.owned(scope, weight, new Shape(b * t, v))).sum().neg();
      gc.backward(loss);
      return loss.getFloat();
    }
  }
}

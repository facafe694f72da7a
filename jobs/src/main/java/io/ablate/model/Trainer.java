package io.ablate.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
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
 * and cosine decay, the model's own activation as differentiable PyTorch ops ({@link TorchFfn}),
 * or one whose own parameters learn with the weights ({@link LearnableFfn}).
 * Reproducible by seed, across JVMs: the initial weights and the batch order come from it, PyTorch
 * runs the forward and backward passes deterministically for a fixed thread count on tensors it
 * owns ({@link DjlModel#owned}, {@link DjlModel#constant}), and the update is computed on the JVM.
 * Trainings can run concurrently, one per thread: autograd is this thread's grad mode and an
 * explicit backward pass, not DJL's gradient collector (one per JVM).
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

  /** Trains from seeded random weights; {@code onLoss} hears each step's loss (progress). */
  public static Weights train(ModelConfig config, List<Example> data, Settings s,
      java.util.function.ObjIntConsumer<Float> onLoss) {
    return train(config, data, s, new TorchFfn(config), stats -> {
      if (onLoss != null) {
        onLoss.accept((float) stats.loss(), stats.step());
      }
    }, step -> false).weights();
  }

  /**
   * One step's figures.
   *
   * @param loss mean cross-entropy per target token (nats)
   * @param gradNorm the L2 norm of the whole gradient, before clipping
   * @param lr the learning rate the update used
   * @param tokens target tokens of the batch
   * @param seconds since the training began
   * @param layers the FFN activations' statistics, on the steps the caller asked for (else empty)
   */
  public record StepStats(int step, double loss, double gradNorm, double lr, long tokens,
      double seconds, List<ObservedFfn.LayerStats> layers) {}

  /**
   * How a training ended.
   *
   * @param activationParameters the learned values of the activation's own parameters ({@link
   *     Ffn#parameters}), by name; empty when it has none
   * @param divergedAt the step whose loss diverged (not finite, or above twice the first step's),
   *     where training stopped; -1 if it did not
   */
  public record Outcome(Weights weights, Map<String, float[]> activationParameters, int stepsRun,
      int divergedAt) {
    public boolean diverged() {
      return divergedAt >= 0;
    }
  }

  /**
   * Trains from seeded random weights with {@code ffn}'s activation; {@code observer} hears every
   * step, with the FFN statistics on the steps {@code statsAt} selects. Stops at a diverged step.
   * Trainings may run concurrently in one JVM (each in its own thread): autograd is switched on
   * per thread rather than through DJL's gradient collector, of which a JVM may have one.
   */
  public static Outcome train(ModelConfig config, List<Example> data, Settings s, Ffn ffn,
      java.util.function.Consumer<StepStats> observer,
      java.util.function.IntPredicate statsAt) {
    Weights init = Weights.random(config, s.seed(), s.initStd());
    SplittableRandom order = new SplittableRandom(s.seed() ^ 0x5DEECE66DL);
    Engine engine = DjlModel.Engines.pytorch();
    long t0 = System.nanoTime();
    try (NDManager base = engine.newBaseManager()) {
      DjlModel model = DjlModel.trainable(init, base);
      ObservedFfn observed = new ObservedFfn(ffn);
      Map<String, NDArray> learned = observed.parameters(base);
      Map<String, NDArray> trained = new LinkedHashMap<>(model.parameters());
      trained.putAll(learned);
      Map<String, Adam> adam = new LinkedHashMap<>();
      for (Map.Entry<String, NDArray> e : trained.entrySet()) {
        adam.put(e.getKey(), new Adam(Math.toIntExact(e.getValue().size()), CLIP));
      }
      int v = config.vocabSize();
      double first = Double.NaN;
      int divergedAt = -1;
      int step = 0;
      for (; step < s.steps(); step++) {
        List<Example> batch = new ArrayList<>(s.batch());
        for (int i = 0; i < s.batch(); i++) {
          batch.add(data.get(order.nextInt(data.size())));
        }
        observed.record(statsAt.test(step));
        float loss = step(base, model, observed, batch, v, true);
        double lr = learningRate(s, step);
        double squares = 0;
        for (Map.Entry<String, NDArray> e : trained.entrySet()) {
          squares += update(base, e.getValue(), adam.get(e.getKey()), lr);
        }
        first = step == 0 ? loss : first;
        observer.accept(new StepStats(step, loss, Math.sqrt(squares), lr, targets(batch),
            (System.nanoTime() - t0) / 1e9, observed.take()));
        if (!Float.isFinite(loss) || loss > 2 * first) {
          divergedAt = step;
          step++;
          break;
        }
      }
      Map<String, Tensor> out = new LinkedHashMap<>();
      for (Map.Entry<String, NDArray> e : model.parameters().entrySet()) {
        Tensor t = init.get(e.getKey());
        out.put(e.getKey(), new Tensor(t.name(), t.shape(), e.getValue().toFloatArray()));
      }
      Map<String, float[]> values = new LinkedHashMap<>();
      learned.forEach((name, t) -> values.put(name, t.toFloatArray()));
      return new Outcome(init.with(out), values, step, divergedAt);
    }
  }

  /**
   * The mean cross-entropy per target token of {@code weights} over {@code data} (answers and
   * their EOS, teacher-forced), in batches of {@code batch}, without gradients.
   */
  public static double meanLoss(Weights weights, List<Example> data, int batch, Ffn ffn) {
    Engine engine = DjlModel.Engines.pytorch();
    double sum = 0;
    long targets = 0;
    try (NDManager base = engine.newBaseManager()) {
      DjlModel model = DjlModel.trainable(weights, base);
      for (int i = 0; i < data.size(); i += batch) {
        List<Example> part = data.subList(i, Math.min(data.size(), i + batch));
        long n = targets(part);
        sum += (double) step(base, model, ffn, part, weights.config().vocabSize(), false) * n;
        targets += n;
      }
    }
    return sum / targets;
  }

  private static long targets(List<Example> batch) {
    long n = 0;
    for (Example e : batch) {
      n += e.tokens().length - e.answerStart();
    }
    return n;
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

  /**
   * Applies one Adam step to {@code param} from its gradient, then clears the gradient; returns
   * the sum of the squared gradient elements (before clipping).
   */
  static double update(NDManager base, NDArray param, Adam adam, double lr) {
    float[] g;
    try (NDArray grad = param.getGradient()) {
      g = grad.toFloatArray();
    }
    double squares = 0;
    for (float x : g) {
      squares += (double) x * x;
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
    return squares;
  }

  /**
   * The batch's mean cross-entropy per target token; with {@code backward}, its gradient lands in
   * the parameters. Grad mode is this thread's, on only while the step records.
   */
  private static float step(NDManager base, DjlModel model, Ffn ffn, List<Example> batch, int v,
      boolean backward) {
    int b = batch.size();
    int t = batch.stream().mapToInt(e -> e.tokens().length - 1).max().orElse(1);
    long[] tokens = new long[b * t];
    long[] positions = new long[b * t];
    float[] mask = new float[b * t * t];
    long targets = targets(batch);
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
    boolean recording = JniUtils.isGradMode();
    JniUtils.setGradMode(backward);
    try (NDManager scope = base.newSubManager()) {
      NDArray h = model.forward(scope, tokens, positions, b, t, mask, null, ffn);
      NDArray logp = model.logits(h.reshape(b * t, -1)).logSoftmax(1);
      NDArray loss = logp.mul(DjlModel.owned(scope, weight, new Shape(b * t, v))).sum().neg();
      if (backward) {
        JniUtils.backward((PtNDArray) loss,
            (PtNDArray) scope.ones(loss.getShape(), loss.getDataType()), false, false);
      }
      return loss.getFloat();
    } finally {
      JniUtils.setGradMode(recording);
    }
  }
}

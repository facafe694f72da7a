package io.ablate.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One FFN layer of a given {@link FfnShape} on the PyTorch engine (through DJL), float32: its
 * weights and its forward pass, stage by stage. A dense block computes
 * {@code y = act(x·W_gate)·(x·W_up)·W_down} (gated) or {@code y = act(x·W_up)·W_down}; the products
 * are PyTorch's {@code matmul}, the middle step an {@link FfnAct}.
 *
 * <p>A mixture of experts has a router {@code W_r [H, E]}: per token, the logits {@code x·W_r}, the
 * top-k experts, their weights (a softmax over the k logits, in double), then each expert's dense
 * block on the tokens routed to it, and {@code y = Σ weight·expert(x)}. Routing (top-k, gathering
 * each expert's rows, the weighted scatter back) is done in Java on the token batch and timed as
 * stage {@code route}. Experts' weights are created when the router first sends a token to them, so
 * a decode step (one token, top-2) only ever allocates two of them; with a prefill batch every
 * expert is used and allocated.
 *
 * <p>Weights are N(0, 1/fan_in) so that the products of N(0, 1) inputs are about N(0, 1), the scale
 * at which activations are applied in trained models. Everything lives in the block's
 * {@link NDManager}; {@link #close()} frees it.
 */
final class FfnBlock implements AutoCloseable {
  /** One dense FFN's three (or two) weight matrices. */
  record Weights(NDArray up, NDArray gate, NDArray down) {}

  private final FfnShape shape;
  private final NDManager manager;
  private final Weights[] experts;
  private final NDArray router;
  private final float[] routerHost;
  private final long seed;

  private FfnBlock(FfnShape shape, NDManager manager, Weights[] experts, NDArray router,
      long seed) {
    this.shape = shape;
    this.manager = manager;
    this.experts = experts;
    this.router = router;
    this.routerHost = router == null ? null : router.toFloatArray();
    this.seed = seed;
  }

  /** A block with N(0, 1/fan_in) weights from {@code seed}, in a new sub-manager of {@code parent}. */
  static FfnBlock random(NDManager parent, FfnShape shape, long seed) {
    NDManager m = parent.newSubManager();
    Weights[] experts = new Weights[shape.experts()];
    NDArray router = null;
    if (shape.moe()) {
      router = m.create(gaussian(seed ^ 0x5EEDL, shape.hidden() * shape.experts(),
          1 / Math.sqrt(shape.hidden())), new Shape(shape.hidden(), shape.experts()));
    }
    FfnBlock b = new FfnBlock(shape, m, experts, router, seed);
    if (!shape.moe()) {
      b.expert(0);
    }
    return b;
  }

  /** A block with the given weights, row-major ({@code [H,I]}, {@code [H,I]}, {@code [I,H]}, per
   *  expert; the router {@code [H,E]}), for the reference check. */
  static FfnBlock of(NDManager parent, FfnShape shape, float[][] up, float[][] gate,
      float[][] down, float[] router) {
    NDManager m = parent.newSubManager();
    Weights[] experts = new Weights[shape.experts()];
    int h = shape.hidden();
    int i = shape.intermediate();
    for (int e = 0; e < experts.length; e++) {
      experts[e] = new Weights(m.create(up[e], new Shape(h, i)),
          shape.gated() ? m.create(gate[e], new Shape(h, i)) : null,
          m.create(down[e], new Shape(i, h)));
    }
    NDArray r = shape.moe() ? m.create(router, new Shape(h, shape.experts())) : null;
    return new FfnBlock(shape, m, experts, r, 0);
  }

  FfnShape shape() {
    return shape;
  }

  NDManager manager() {
    return manager;
  }

  /** Expert {@code e}'s weights, created on first use (on the engine, seeded per expert). */
  Weights expert(int e) {
    if (experts[e] == null) {
      int h = shape.hidden();
      int i = shape.intermediate();
      NDManager m = manager;
      ai.djl.engine.Engine.getEngine("PyTorch").setRandomSeed((int) (seed * 31 + e));
      NDArray up = m.randomNormal(0f, (float) (1 / Math.sqrt(h)), new Shape(h, i),
          DataType.FLOAT32);
      NDArray gate = shape.gated() ? m.randomNormal(0f, (float) (1 / Math.sqrt(h)),
          new Shape(h, i), DataType.FLOAT32) : null;
      NDArray down = m.randomNormal(0f, (float) (1 / Math.sqrt(i)), new Shape(i, h),
          DataType.FLOAT32);
      experts[e] = new Weights(up, gate, down);
    }
    return experts[e];
  }

  /** How many experts' weights exist now. */
  int allocatedExperts() {
    return (int) Arrays.stream(experts).filter(w -> w != null).count();
  }

  /** N(0, std²) floats from a seeded stream (for inputs and the small router). */
  static float[] gaussian(long seed, int n, double std) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] a = new float[n];
    for (int k = 0; k < n; k++) {
      a[k] = (float) (nextGaussian(r) * std);
    }
    return a;
  }

  private static double nextGaussian(SplittableRandom r) {
    // Marsaglia polar method: SplittableRandom has no nextGaussian on Java 17.
    while (true) {
      double u = 2 * r.nextDouble() - 1;
      double v = 2 * r.nextDouble() - 1;
      double s = u * u + v * v;
      if (s > 0 && s < 1) {
        return u * Math.sqrt(-2 * Math.log(s) / s);
      }
    }
  }

  /**
   * The block's output for {@code x} ({@code [tokens, H]} floats, row-major), as a tensor of the
   * caller's (close it); stage times are added to {@code clock}, the whole block as
   * {@link FfnStage#BLOCK}.
   */
  NDArray forward(float[] x, int tokens, FfnAct act, FfnStage.Clock clock) {
    long t0 = System.nanoTime();
    NDArray y;
    if (!shape.moe()) {
      NDArray in = manager.create(x, new Shape(tokens, shape.hidden()));
      y = dense(expert(0), in, act, clock);
      in.close();
    } else {
      y = moe(x, tokens, act, clock);
    }
    clock.add(FfnStage.BLOCK, System.nanoTime() - t0);
    return y;
  }

  private NDArray dense(Weights w, NDArray in, FfnAct act, FfnStage.Clock clock) {
    long t0 = System.nanoTime();
    NDArray up = in.matMul(w.up());
    NDArray gate = w.gate() == null ? null : in.matMul(w.gate());
    clock.add(FfnStage.UP, System.nanoTime() - t0);
    NDArray h = act.apply(gate, up, clock);
    long t1 = System.nanoTime();
    NDArray y = h.matMul(w.down());
    clock.add(FfnStage.DOWN, System.nanoTime() - t1);
    h.close();
    if (h != up) {
      up.close();
    }
    if (gate != null) {
      gate.close();
    }
    return y;
  }

  /** Expert choices of one token batch: per expert, its tokens and their weights. */
  record Routing(int[][] tokens, double[][] weights) {}

  /** Top-k of the logits per token (ties to the lower index), softmax over the k in double. */
  Routing route(float[] logits, int tokenCount) {
    int e = shape.experts();
    int k = shape.topK();
    List<List<Integer>> tok = new ArrayList<>();
    List<List<Double>> wt = new ArrayList<>();
    for (int j = 0; j < e; j++) {
      tok.add(new ArrayList<>());
      wt.add(new ArrayList<>());
    }
    int[] best = new int[k];
    for (int t = 0; t < tokenCount; t++) {
      int off = t * e;
      boolean[] taken = new boolean[e];
      for (int r = 0; r < k; r++) {
        int arg = -1;
        for (int j = 0; j < e; j++) {
          if (!taken[j] && (arg < 0 || logits[off + j] > logits[off + arg])) {
            arg = j;
          }
        }
        taken[arg] = true;
        best[r] = arg;
      }
      double max = logits[off + best[0]];
      double sum = 0;
      for (int r = 0; r < k; r++) {
        sum += Math.exp(logits[off + best[r]] - max);
      }
      for (int r = 0; r < k; r++) {
        tok.get(best[r]).add(t);
        wt.get(best[r]).add(Math.exp(logits[off + best[r]] - max) / sum);
      }
    }
    int[][] tokens = new int[e][];
    double[][] weights = new double[e][];
    for (int j = 0; j < e; j++) {
      tokens[j] = tok.get(j).stream().mapToInt(Integer::intValue).toArray();
      weights[j] = wt.get(j).stream().mapToDouble(Double::doubleValue).toArray();
    }
    return new Routing(tokens, weights);
  }

  /** The router's logits {@code x·W_r} as PyTorch computes them. */
  float[] logits(float[] x, int tokens) {
    try (NDManager m = manager.newSubManager()) {
      NDArray in = m.create(x, new Shape(tokens, shape.hidden()));
      return in.matMul(router).toFloatArray();
    }
  }

  private NDArray moe(float[] x, int tokens, FfnAct act, FfnStage.Clock clock) {
    int h = shape.hidden();
    long t0 = System.nanoTime();
    Routing routing = route(logits(x, tokens), tokens);
    double[] acc = new double[tokens * h];
    long route = System.nanoTime() - t0;
    for (int e = 0; e < shape.experts(); e++) {
      int[] rows = routing.tokens()[e];
      if (rows.length == 0) {
        continue;
      }
      Weights w = expert(e); // first use: in the benchmark's warm-up pass
      long t1 = System.nanoTime();
      float[] xe = new float[rows.length * h];
      for (int r = 0; r < rows.length; r++) {
        System.arraycopy(x, rows[r] * h, xe, r * h, h);
      }
      NDArray in = manager.create(xe, new Shape(rows.length, h));
      route += System.nanoTime() - t1;
      NDArray ye = dense(w, in, act, clock);
      long t2 = System.nanoTime();
      in.close();
      float[] out = ye.toFloatArray();
      ye.close();
      double[] wts = routing.weights()[e];
      for (int r = 0; r < rows.length; r++) {
        int base = rows[r] * h;
        for (int c = 0; c < h; c++) {
          acc[base + c] += wts[r] * out[r * h + c];
        }
      }
      route += System.nanoTime() - t2;
    }
    long t3 = System.nanoTime();
    float[] y = new float[acc.length];
    for (int c = 0; c < y.length; c++) {
      y[c] = (float) acc[c];
    }
    NDArray out = manager.create(y, new Shape(tokens, h));
    clock.add(FfnStage.ROUTE, route + System.nanoTime() - t3);
    return out;
  }

  /**
   * The products the activation step gets for {@code x}: {@code {gate or null, up}}, each
   * {@code [rows, I]}, of the dense block or of the first expert the tokens reach.
   */
  float[][] products(float[] x, int tokens) {
    int h = shape.hidden();
    float[] in = x;
    int rows = tokens;
    Weights w = shape.moe() ? null : expert(0);
    if (shape.moe()) {
      Routing r = route(logits(x, tokens), tokens);
      int e = 0;
      while (r.tokens()[e].length == 0) {
        e++;
      }
      w = expert(e);
      rows = r.tokens()[e].length;
      in = new float[rows * h];
      for (int k = 0; k < rows; k++) {
        System.arraycopy(x, r.tokens()[e][k] * h, in, k * h, h);
      }
    }
    try (NDManager m = manager.newSubManager()) {
      NDArray t = m.create(in, new Shape(rows, h));
      float[] up = t.matMul(w.up()).toFloatArray();
      float[] gate = w.gate() == null ? null : t.matMul(w.gate()).toFloatArray();
      return new float[][] {gate, up};
    }
  }

  /** Experts that a token batch reaches (for counting the weights a pass reads). */
  int expertsUsed(float[] x, int tokens) {
    if (!shape.moe()) {
      return 1;
    }
    Routing r = route(logits(x, tokens), tokens);
    return (int) Arrays.stream(r.tokens()).filter(t -> t.length > 0).count();
  }

  @Override
  public void close() {
    manager.close();
  }
}

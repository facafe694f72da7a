package io.ablate.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The gradients training computes: right after the garbage collector has freed and reused Java's
 * native memory between the forward and the backward pass, and cleared between steps.
 */
class TrainingGradientTest {
  private static final double C = Math.sqrt(2 / Math.PI);

  /**
   * Frees what the garbage collector can free, then fills new native allocations of a few bytes
   * with NaN: memory DJL wrapped for a Number operand and released is likely reused by these, so a
   * backward pass that still reads it sees NaN.
   */
  private static List<ByteBuffer> scribbleOverFreedNativeMemory() throws InterruptedException {
    List<ByteBuffer> keep = new ArrayList<>();
    for (int round = 0; round < 4; round++) {
      System.gc();
      Thread.sleep(50); // the cleaner thread frees direct buffers after a collection
      for (int i = 0; i < 20_000; i++) {
        ByteBuffer b = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder());
        b.putFloat(0, Float.NaN);
        keep.add(b);
      }
    }
    return keep;
  }

  /** d/dx of 0.5·x·(1 + tanh(√(2/π)(x + 0.044715x³))), in float64. */
  private static double geluTanhDerivative(double x) {
    double u = C * (x + 0.044715 * x * x * x);
    double t = Math.tanh(u);
    return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * C * (1 + 3 * 0.044715 * x * x);
  }

  @Test
  void geluTanhGradientSurvivesACollectionBetweenForwardAndBackward() throws Exception {
    long seed = new SplittableRandom().nextLong();
    SplittableRandom rnd = new SplittableRandom(seed);
    float[] x = new float[4096];
    for (int i = 0; i < x.length; i++) {
      x[i] = i < 4 ? new float[] {0f, -0f, 6f, -6f}[i] : (float) rnd.nextDouble(-5, 5);
    }
    ModelConfig config = new ModelConfig(ModelConfig.Arch.GPT2, 20, 16, 1, 2, 2, 32, 40, 1e-5, 0,
        "gelu_tanh", true);
    Engine engine = DjlModel.Engines.pytorch();
    try (NDManager scope = engine.newBaseManager()) {
      NDArray h = DjlModel.owned(scope, x, new Shape(x.length));
      h.setRequiresGradient(true);
      List<ByteBuffer> scribbled;
      try (GradientCollector gc = engine.newGradientCollector()) {
        NDArray y = new TorchFfn(config).elementwise(0, h).sum();
        scribbled = scribbleOverFreedNativeMemory();
        gc.backward(y);
      }
      float[] g = h.getGradient().toFloatArray();
      assertTrue(scribbled.size() > 0);
      for (int i = 0; i < x.length; i++) {
        double want = geluTanhDerivative(x[i]);
        // float32 evaluation of a smooth function whose derivative is at most about 1.13
        assertEquals(want, g[i], 2e-6, "seed " + seed + ", x = " + x[i]);
      }
    }
  }

  @Test
  void eachStepSeesOnlyItsOwnGradient() {
    Engine engine = DjlModel.Engines.pytorch();
    float[] w = {0.5f, -2f, 3f};
    float[] c = {1f, 2f, -0.25f};
    try (NDManager base = engine.newBaseManager()) {
      NDArray param = DjlModel.owned(base, w, new Shape(3));
      param.setRequiresGradient(true);
      Adam adam = new Adam(3, Trainer.CLIP);
      Adam expected = new Adam(3, Trainer.CLIP);
      float[] want = w.clone();
      for (int step = 0; step < 3; step++) {
        try (NDManager scope = base.newSubManager();
            GradientCollector gc = engine.newGradientCollector()) {
          // loss = Σ c·w: its gradient is c at every step, whatever came before
          gc.backward(param.mul(DjlModel.owned(scope, c, new Shape(3))).sum());
        }
        Trainer.update(base, param, adam, 0.1);
        float[] delta = expected.step(c, 0.1);
        for (int i = 0; i < 3; i++) {
          want[i] -= delta[i];
        }
        assertArrayEquals(want, param.toFloatArray(), "step " + step);
        try (NDArray g = param.getGradient()) {
          assertArrayEquals(new float[3], g.toFloatArray(), "cleared after the update");
        }
      }
    }
  }
}

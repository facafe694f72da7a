package io.ablate.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link Adam} against a float64 Adam written out from the paper (Kingma and Ba, Algorithm 1). */
class AdamTest {
  private static final float CLIP = 1f;

  /** Float64 Adam: moments and bias correction as in the paper, gradients clipped to ±clip. */
  private static final class Reference {
    final double[] m;
    final double[] v;
    int t;

    Reference(int n) {
      m = new double[n];
      v = new double[n];
    }

    double[] step(float[] g, double lr) {
      t++;
      double[] delta = new double[g.length];
      for (int i = 0; i < g.length; i++) {
        double gi = Math.max(-CLIP, Math.min(CLIP, g[i]));
        m[i] = 0.9 * m[i] + 0.1 * gi;
        v[i] = 0.999 * v[i] + 0.001 * gi * gi;
        double mHat = m[i] / (1 - Math.pow(0.9, t));
        double vHat = v[i] / (1 - Math.pow(0.999, t));
        // The paper's ε sits beside √v̂; Adam folds the correction into the step size, which
        // moves ε by the factor √(1 − β2^t): the same update up to that scaling of ε.
        delta[i] = lr * mHat / (Math.sqrt(vHat) + 1e-8 / Math.sqrt(1 - Math.pow(0.999, t)));
      }
      return delta;
    }
  }

  @Test
  void matchesTheFloat64ReferenceOverManySteps() {
    long seed = new SplittableRandom().nextLong();
    SplittableRandom rnd = new SplittableRandom(seed);
    int n = 257;
    Adam adam = new Adam(n, CLIP);
    Reference ref = new Reference(n);
    for (int step = 0; step < 200; step++) {
      float[] g = new float[n];
      for (int i = 0; i < n; i++) {
        // mostly small gradients, some beyond the clip, some exactly 0 and ±0
        double u = rnd.nextDouble();
        g[i] = u < 0.05 ? 0f : u < 0.1 ? -0f : u < 0.2 ? (float) (rnd.nextDouble(-50, 50))
            : (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(-8, 1)));
      }
      double lr = rnd.nextDouble(1e-4, 1e-2);
      float[] got = adam.step(g, lr);
      double[] want = ref.step(g, lr);
      for (int i = 0; i < n; i++) {
        double err = Math.abs(got[i] - want[i]);
        // Adam's step is at most about lr whatever the gradient's scale; the float32 moments
        // carry a few roundings of 2^-24 each, so the step is within about 1e-6 · lr of float64
        assertTrue(err <= 1e-6 * lr,
            "seed " + seed + " step " + step + " i " + i + ": " + got[i] + " vs " + want[i]);
      }
    }
  }

  @Test
  void theFirstStepMovesEachWeightByTheLearningRateTimesTheSignOfItsClippedGradient() {
    Adam adam = new Adam(6, CLIP);
    float[] g = {3f, -3f, 0.5f, -1e-3f, 0f, Float.MIN_NORMAL};
    float[] d = adam.step(g, 0.01);
    // m̂ = ĝ, v̂ = ĝ² (ĝ clipped): the step is lr · ĝ / (|ĝ| + ε'), ε' = ε / √(1 − β2)
    double eps = 1e-8 / Math.sqrt(0.001);
    assertEquals(0.01 / (1 + eps), d[0], 1e-9);
    assertEquals(-0.01 / (1 + eps), d[1], 1e-9);
    assertEquals(0.01 * 0.5 / (0.5 + eps), d[2], 1e-9);
    assertEquals(-0.01 * 1e-3 / (1e-3 + eps), d[3], 1e-9);
    assertEquals(0f, d[4]);
    assertTrue(d[5] > 0 && d[5] < 1e-20, "a tiny gradient moves by about lr · g / ε: " + d[5]);
  }

  @Test
  void clipsFromBothSidesAndPropagatesNaN() {
    Adam a = new Adam(3, CLIP);
    Adam b = new Adam(3, CLIP);
    float[] da = a.step(new float[] {1e6f, -1e6f, Float.NaN}, 0.1);
    float[] db = b.step(new float[] {1f, -1f, 0f}, 0.1);
    assertEquals(db[0], da[0]);
    assertEquals(db[1], da[1], "a huge negative gradient is clipped to −1, not passed through");
    assertTrue(Float.isNaN(da[2]), "NaN is not clipped into a number");
    float[] again = a.step(new float[] {1f, -1f, 0f}, 0.1);
    assertTrue(Float.isNaN(again[2]), "and it stays in the moments, as in PyTorch");
  }

  @Test
  void isDeterministicAndChecksTheSize() {
    float[] g = {0.3f, -0.2f, 1e-6f};
    Adam a = new Adam(3, CLIP);
    Adam b = new Adam(3, CLIP);
    for (int i = 0; i < 5; i++) {
      assertArrayEquals(a.step(g, 1e-3), b.step(g, 1e-3));
    }
    assertThrows(IllegalArgumentException.class, () -> a.step(new float[2], 1e-3));
  }
}

package io.ablate.kernel;

import java.util.Random;

/** Inputs of the accuracy suite: a dense grid, fresh random draws and the edge cases. */
public final class Inputs {
  public static final float[] EDGES = {
    0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
    Float.MIN_VALUE, -Float.MIN_VALUE, 1e-40f, -1e-40f, Float.MIN_NORMAL, -Float.MIN_NORMAL,
    Float.MAX_VALUE, -Float.MAX_VALUE, 1e30f, -1e30f, 1e10f, -1e10f, 1e-30f, -1e-30f,
    1e-7f, -1e-7f, 3f, -3f, 88.7f, -88.7f, 89f, -89f, 104f, -104f, 20f, -20f, 40f, -40f,
    Float.intBitsToFloat(0x7fc00001), Float.intBitsToFloat(0xffc00000), // other NaN payloads
  };

  private Inputs() {}

  /** {@code n + 1} evenly spaced float32 values from {@code lo} to {@code hi}. */
  public static float[] grid(float lo, float hi, int n) {
    float[] g = new float[n + 1];
    for (int i = 0; i <= n; i++) {
      g[i] = (float) (lo + (hi - lo) * (double) i / n);
    }
    return g;
  }

  /** Normal(0, 3) draws, uniform draws in [-30, 30], and random bit patterns (every exponent). */
  public static float[] random(Random rnd, int n) {
    float[] r = new float[n];
    for (int i = 0; i < n; i++) {
      switch (i % 3) {
        case 0: r[i] = (float) (rnd.nextGaussian() * 3); break;
        case 1: r[i] = (float) (rnd.nextDouble() * 60 - 30); break;
        default: r[i] = Float.intBitsToFloat(rnd.nextInt()); break;
      }
    }
    return r;
  }

  /** Grid, random draws and edges in one array. */
  public static float[] all(Random rnd, int gridPoints, int randomDraws) {
    float[] g = grid(-30f, 30f, gridPoints);
    float[] r = random(rnd, randomDraws);
    float[] out = new float[g.length + r.length + EDGES.length];
    System.arraycopy(g, 0, out, 0, g.length);
    System.arraycopy(r, 0, out, g.length, r.length);
    System.arraycopy(EDGES, 0, out, g.length + r.length, EDGES.length);
    return out;
  }
}

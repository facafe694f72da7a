package io.ablate.kernel;

import java.util.Random;

/** Inputs of the accuracy suite: a dense grid, fresh random draws and the edge cases. */
public final class Inputs {
  public static final float[] EDGES = {
    0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
    Float.MIN_VALUE, -Float.MIN_VALUE, 1e-40f, -1e-40f, Float.MIN_NORMAL, -Float.MIN_NORMAL,
    Float.MAX_VALUE, -Float.MAX_VALUE, 1e30f, -1e30f, 1e10f, -1e10f, 1e-30f, -1e-30f,
    1e-7f, -1e-7f, 3f, -3f, 88.7f, -88.7f, 89f, -89f, 104f, -104f, 20f, -20f, 40f, -40f,
    // Where float32 forms of gelu, gelu_tanh, gelu_sigmoid and swish(β=1.5) were seen far off.
    -12.8f, -9.4f, -38f, -26f,
    Float.intBitsToFloat(0x7fc00001), Float.intBitsToFloat(0xffc00000), // other NaN payloads
  };

  /** The rational variant the suites check (a Padé fit of GELU). */
  public static final String RATIONAL =
      "rational(p=[0.0218,0.5,1.5957,1.1915,0.5,0.0218],q=[2.383,0,1,0])";

  private Inputs() {}

  /**
   * The variants the accuracy suites check: the catalogue with its defaults, plus non-default
   * parameters and {@link #RATIONAL}.
   */
  public static java.util.List<String> suiteVariants() {
    java.util.List<String> v = new java.util.ArrayList<>();
    for (io.ablate.activation.Activation a : io.ablate.activation.Catalogue.all()) {
      if (!a.name().equals("rational")) {
        v.add(a.name());
      }
    }
    v.addAll(java.util.List.of("leaky_relu(alpha=0.2)", "swish(beta=1.5)", "swish(beta=0.25)",
        "softplus(beta=2)", "elu(alpha=0.5)", RATIONAL));
    return v;
  }

  /** {@code n + 1} evenly spaced float32 values from {@code lo} to {@code hi}. */
  public static float[] grid(float lo, float hi, int n) {
    float[] g = new float[n + 1];
    for (int i = 0; i <= n; i++) {
      g[i] = (float) (lo + (hi - lo) * (double) i / n);
    }
    return g;
  }

  /**
   * Normal(0, 3) draws, uniform draws in [-30, 30], uniform draws in the left tails [-110, -30]
   * (where the exponentials' outputs are still normal floats for large |x|), and random bit
   * patterns (every exponent).
   */
  public static float[] random(Random rnd, int n) {
    float[] r = new float[n];
    for (int i = 0; i < n; i++) {
      switch (i % 4) {
        case 0: r[i] = (float) (rnd.nextGaussian() * 3); break;
        case 1: r[i] = (float) (rnd.nextDouble() * 60 - 30); break;
        case 2: r[i] = (float) (-30 - rnd.nextDouble() * 80); break;
        default: r[i] = Float.intBitsToFloat(rnd.nextInt()); break;
      }
    }
    return r;
  }

  /**
   * Grid, random draws and edges in one array; the grid is [-30, 30] with {@code gridPoints}
   * intervals plus the left tails [-110, -30] with an eighth as many.
   */
  public static float[] all(Random rnd, int gridPoints, int randomDraws) {
    float[] g = concat(grid(-30f, 30f, gridPoints), grid(-110f, -30f, gridPoints / 8));
    float[] r = random(rnd, randomDraws);
    return concat(concat(g, r), EDGES);
  }

  private static float[] concat(float[] a, float[] b) {
    float[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}

package io.ablate.model;

/**
 * Adam (Kingma and Ba, 2015) for one parameter tensor, computed on the JVM: each gradient element
 * clipped to [−clip, clip], moments kept in float32 as PyTorch keeps them, bias correction folded
 * into the step size, and the step size from {@link StrictMath} so that it is the same on every
 * JVM.
 *
 * <p>Why not DJL's {@code Adam}: its native update clips only from above ({@code clamp_max}) and
 * leaves the gradient in place, so that PyTorch adds the next step's gradient to it. This update is
 * plain IEEE arithmetic on Java arrays, the same bits on every JVM.
 */
final class Adam {
  static final double BETA1 = 0.9;
  static final double BETA2 = 0.999;
  static final double EPS = 1e-8;

  private final float[] m;
  private final float[] v;
  private final float clip;
  private int t;

  Adam(int size, float clip) {
    this.m = new float[size];
    this.v = new float[size];
    this.clip = clip;
  }

  /**
   * One step: returns the change to subtract from the weights, {@code lr · m̂ / (√v̂ + ε)}, for
   * gradient {@code g} (left unchanged). NaN gradients propagate into the weights, as they would in
   * PyTorch, rather than being clipped into numbers.
   */
  float[] step(float[] g, double lr) {
    if (g.length != m.length) {
      throw new IllegalArgumentException("gradient of " + g.length + " values for a parameter of "
          + m.length);
    }
    t++;
    double stepSize = lr * StrictMath.sqrt(1 - StrictMath.pow(BETA2, t))
        / (1 - StrictMath.pow(BETA1, t));
    float[] delta = new float[g.length];
    for (int i = 0; i < g.length; i++) {
      float gi = g[i] > clip ? clip : g[i] < -clip ? -clip : g[i];
      m[i] = (float) (BETA1 * m[i] + (1 - BETA1) * gi);
      v[i] = (float) (BETA2 * v[i] + (1 - BETA2) * gi * gi);
      delta[i] = (float) (stepSize * m[i] / (Math.sqrt(v[i]) + EPS));
    }
    return delta;
  }
}

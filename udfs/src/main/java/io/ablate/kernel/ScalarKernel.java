package io.ablate.kernel;

/** The scalar form: a plain loop over a {@link ScalarFn}. */
public final class ScalarKernel implements Kernel {
  private final ScalarFn fn;
  private final boolean zeroOnlyAtZero;

  public ScalarKernel(ScalarFn fn) {
    this(fn, false);
  }

  /** @param zeroOnlyAtZero see {@link io.ablate.activation.Activation#zeroOnlyAtZero()} */
  public ScalarKernel(ScalarFn fn, boolean zeroOnlyAtZero) {
    this.fn = fn;
    this.zeroOnlyAtZero = zeroOnlyAtZero;
  }

  /**
   * f(gate)·up for an f that is zero only at zero: a 0 from a finite non-zero gate underflowed, and
   * times ±∞ it is ±∞ (as in float64) rather than 0·∞ = NaN.
   */
  public static float gatedProduct(float f, float gate, float up) {
    boolean underflowed = f == 0f && gate != 0f && Float.isFinite(gate) && Float.isInfinite(up);
    return underflowed ? Math.copySign(1f, f) * up : f * up;
  }

  @Override
  public void apply(float[] in, int inOff, float[] out, int outOff, int len) {
    for (int i = 0; i < len; i++) {
      out[outOff + i] = fn.apply(in[inOff + i]);
    }
  }

  @Override
  public void applyGated(float[] gate, int gateOff, float[] up, int upOff, float[] out, int outOff,
      int len) {
    for (int i = 0; i < len; i++) {
      float g = gate[gateOff + i];
      float f = fn.apply(g);
      out[outOff + i] = zeroOnlyAtZero ? gatedProduct(f, g, up[upOff + i]) : f * up[upOff + i];
    }
  }

  @Override
  public String impl() {
    return "scalar";
  }
}

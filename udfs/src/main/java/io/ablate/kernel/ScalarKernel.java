package io.ablate.kernel;

/** The scalar form: a plain loop over a {@link ScalarFn}. */
public final class ScalarKernel implements Kernel {
  private final ScalarFn fn;

  public ScalarKernel(ScalarFn fn) {
    this.fn = fn;
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
      out[outOff + i] = fn.apply(gate[gateOff + i]) * up[upOff + i];
    }
  }

  @Override
  public String impl() {
    return "scalar";
  }
}

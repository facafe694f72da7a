package io.ablate.kernel;

import io.ablate.expr.Expr;
import io.ablate.expr.Interpreter;

/** The float64 reference as a kernel: each value evaluated in double, then rounded to float32. */
public final class ReferenceKernel implements Kernel {
  private final Interpreter.Compiled f;

  public ReferenceKernel(Expr definition) {
    this.f = Interpreter.compile(definition);
  }

  @Override
  public void apply(float[] in, int inOff, float[] out, int outOff, int len) {
    double[] args = new double[1];
    for (int i = 0; i < len; i++) {
      args[0] = in[inOff + i];
      out[outOff + i] = (float) f.eval(args);
    }
  }

  @Override
  public void applyGated(float[] gate, int gateOff, float[] up, int upOff, float[] out, int outOff,
      int len) {
    double[] args = new double[2];
    for (int i = 0; i < len; i++) {
      args[0] = gate[gateOff + i];
      args[1] = up[upOff + i];
      out[outOff + i] = (float) f.eval(args);
    }
  }

  @Override
  public String impl() {
    return "reference";
  }
}

package io.ablate.kernel;

/**
 * A float32 activation kernel over primitive arrays. Implementations never allocate per element,
 * never box, and never throw on any float value (NaN in gives NaN out). {@code in} and {@code out}
 * may be the same array (in place).
 */
public interface Kernel {
  /** {@code out[outOff + i] = f(in[inOff + i])} for {@code i < len}. */
  void apply(float[] in, int inOff, float[] out, int outOff, int len);

  /** {@code out[outOff + i] = f(gate[gateOff + i]) · up[upOff + i]} in one pass. */
  void applyGated(float[] gate, int gateOff, float[] up, int upOff, float[] out, int outOff, int len);

  /** Which implementation this is ({@code scalar} or {@code simd}), as recorded in metrics. */
  String impl();
}

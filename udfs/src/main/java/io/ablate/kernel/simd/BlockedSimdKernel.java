package io.ablate.kernel.simd;

import jdk.incubator.vector.VectorMask;

/**
 * A SIMD kernel whose function needs {@link VectorExp}: its loop ({@link #compute}) writes a block's
 * results to scratch, rare lanes that need another formula are then fixed in scalar code
 * ({@link #fixUp}), and the block is copied (or, gated, multiplied) out. Going through scratch lets
 * the fix-up read the inputs after the loop, and lets {@code out} be any of the input arrays.
 * Blocks stay in L1, so memory is still read and written once.
 *
 * <p>Why the rare lanes are not handled in the loop: a loop body holding a second vector formula
 * (a deep-tail exp and log) outgrows what C2 compiles into one method, and its vectors then become
 * heap objects (5–10× slower).
 */
abstract class BlockedSimdKernel extends SimdKernel {
  /** Elements per block: its scratch (2 KiB) stays in L1 beside the data. */
  static final int BLOCK = 512;

  /**
   * Writes f(x) for {@code x = in[off..off+n)} to {@code f[0..n)}; returns true when some lanes need
   * {@link #fixUp}.
   */
  abstract boolean compute(float[] in, int off, float[] f, int n);

  /** Rewrites the lanes of {@code f} that {@link #compute} could not form (none by default). */
  void fixUp(float[] in, int off, float[] f, int n) {}

  @Override
  public final void apply(float[] in, int inOff, float[] out, int outOff, int len) {
    float[] f = new float[Math.min(len, BLOCK)];
    for (int b = 0; b < len; b += BLOCK) {
      int n = Math.min(BLOCK, len - b);
      block(in, inOff + b, f, n);
      System.arraycopy(f, 0, out, outOff + b, n);
    }
  }

  @Override
  public final void applyGated(float[] gate, int gateOff, float[] up, int upOff, float[] out,
      int outOff, int len) {
    float[] f = new float[Math.min(len, BLOCK)];
    for (int b = 0; b < len; b += BLOCK) {
      int n = Math.min(BLOCK, len - b);
      block(gate, gateOff + b, f, n);
      multiply(f, up, upOff + b, out, outOff + b, n);
    }
  }

  private void block(float[] in, int off, float[] f, int n) {
    if (compute(in, off, f, n)) {
      fixUp(in, off, f, n);
    }
  }

  private static void multiply(float[] f, float[] up, int upOff, float[] out, int outOff, int n) {
    int i = 0;
    for (int b = S.loopBound(n); i < b; i += L) {
      load(f, i).mul(load(up, upOff + i)).intoArray(out, outOff + i);
    }
    if (i < n) {
      VectorMask<Float> m = tail(i, n);
      load(f, i, m).mul(load(up, upOff + i, m)).intoArray(out, outOff + i, m);
    }
  }
}

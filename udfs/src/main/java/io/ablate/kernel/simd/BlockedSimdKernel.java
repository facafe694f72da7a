package io.ablate.kernel.simd;

import io.ablate.PerThread;
import io.ablate.kernel.ScalarKernel;
import jdk.incubator.vector.VectorMask;

/**
 * A SIMD kernel whose function needs {@link VectorExp}. A block is copied to scratch padded to whole
 * vectors, {@link #compute} runs one loop over it with no tail (rare lanes that need another
 * formula are then fixed in scalar code, only in the vectors that have them), and the block is
 * copied (or, gated, multiplied) out. Scratch lets a fix-up read the inputs and lets {@code out} be any of the input
 * arrays; blocks stay in L1, so memory is still read and written once.
 *
 * <p>Why one tail-free loop, and the rare lanes fixed in scalar code after it: C2 compiles a Vector
 * API loop into vector instructions only if everything in it inlines, and it stops inlining at a
 * budget of nodes per compilation (each Vector API call brings many). A loop body with the
 * exponential's twenty operations fits once, not twice (a masked tail copy) nor with a second
 * vector formula; past the budget every vector becomes a heap object and the kernel runs 5–10×
 * slower. The loop only records which vectors need fixing.
 */
abstract class BlockedSimdKernel extends SimdKernel {
  /** Elements per block: the two scratch arrays (4 KiB) stay in L1 beside the data. */
  static final int BLOCK = 512;
  /**
   * Per thread, the two block buffers (inputs, outputs): kernels may be shared between threads, and
   * a fresh pair per call was the job's largest allocation (4 KiB a vector per variant, zeroed by
   * the JVM and collected again: more than the kernel's own work on a 1024-float vector). Lanes
   * past a short block's end keep earlier values: computed, never used.
   */
  private static final PerThread<float[][]> SCRATCH =
      new PerThread<>(() -> new float[][] {new float[BLOCK], new float[BLOCK]});

  /** Writes f(x) for {@code x[0..n)} to {@code f[0..n)}, n a multiple of the vector length. */
  abstract void compute(float[] x, float[] f, int n);

  @Override
  public final void apply(float[] in, int inOff, float[] out, int outOff, int len) {
    float[][] scratch = SCRATCH.get();
    float[] x = scratch[0];
    float[] f = scratch[1];
    for (int b = 0; b < len; b += BLOCK) {
      int n = Math.min(BLOCK, len - b);
      block(in, inOff + b, x, f, n);
      System.arraycopy(f, 0, out, outOff + b, n);
    }
  }

  @Override
  public final void applyGated(float[] gate, int gateOff, float[] up, int upOff, float[] out,
      int outOff, int len) {
    float[][] scratch = SCRATCH.get();
    float[] x = scratch[0];
    float[] f = scratch[1];
    for (int b = 0; b < len; b += BLOCK) {
      int n = Math.min(BLOCK, len - b);
      block(gate, gateOff + b, x, f, n);
      if (anyInfinite(up, upOff + b, n)) {
        multiplyUnderflowed(f, x, up, upOff + b, out, outOff + b, n);
      } else {
        multiply(f, up, upOff + b, out, outOff + b, n);
      }
    }
  }

  private void block(float[] in, int off, float[] x, float[] f, int n) {
    System.arraycopy(in, off, x, 0, n);
    compute(x, f, (n + L - 1) / L * L);
  }

  private static boolean anyInfinite(float[] a, int off, int n) {
    for (int i = 0; i < n; i++) {
      if (Float.isInfinite(a[off + i])) {
        return true;
      }
    }
    return false;
  }

  /**
   * f(gate)·up where some up is ±∞ (rare: an overflowed input): these activations are 0 only at a
   * zero gate, so a 0 from a finite non-zero gate is a value that underflowed float32, and its
   * product with ±∞ is ±∞ (as in float64), not the NaN of 0·∞.
   */
  private static void multiplyUnderflowed(float[] f, float[] gate, float[] up, int upOff,
      float[] out, int outOff, int n) {
    for (int i = 0; i < n; i++) {
      out[outOff + i] = ScalarKernel.gatedProduct(f[i], gate[i], up[upOff + i]);
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

package io.ablate.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Locale;

/**
 * The machine's limits an FFN block is held to, measured in the same run and on the same single
 * thread as the blocks: the memory-copy bandwidth ({@code System.arraycopy}, bytes read + written,
 * at a given working-set size, see {@link KernelTimer#copyBytesPerSec}) and the rate of a large
 * square float32 matrix product through DJL (PyTorch {@code matmul}, 2·N³ FLOP per product).
 *
 * @param matmulN N of the square product
 * @param matmulFlopsPerSec the product's rate at the median, FLOP/s
 * @param matmulSamples seconds of each timed product
 */
record FfnLimits(int matmulN, double matmulFlopsPerSec, double[] matmulSamples) {

  /** Floats of the largest copy measured (64 MiB per array: beyond the caches). */
  static final int DRAM_COPY_FLOATS = 1 << 24;

  /** Times {@code reps} products of two N×N float32 matrices after {@code warmups}. */
  static FfnLimits measure(NDManager parent, int n, int warmups, int reps) {
    try (NDManager m = parent.newSubManager()) {
      NDArray a = m.randomNormal(0f, 1f, new Shape(n, n), DataType.FLOAT32);
      NDArray b = m.randomNormal(0f, 1f, new Shape(n, n), DataType.FLOAT32);
      for (int w = 0; w < warmups; w++) {
        a.matMul(b).close();
      }
      double[] s = new double[Math.max(1, reps)];
      for (int r = 0; r < s.length; r++) {
        long t0 = System.nanoTime();
        NDArray c = a.matMul(b);
        s[r] = (System.nanoTime() - t0) / 1e9;
        c.close();
      }
      double p50 = Timing.Stats.of(s).p50();
      return new FfnLimits(n, 2.0 * n * n * n / p50, s);
    }
  }

  /**
   * Copy bandwidth (bytes read + written per second) for a working set of {@code bytes}: a copy
   * of {@code bytes / 8} floats (read 4, write 4 bytes each), at most {@link #DRAM_COPY_FLOATS}.
   */
  static double copyBytesPerSec(double bytes) {
    int floats = (int) Math.max(1024, Math.min(DRAM_COPY_FLOATS, bytes / 8));
    return KernelTimer.copyBytesPerSec(floats);
  }

  /** The shortest time the limits allow for {@code flops} and {@code bytes}: the slower of both. */
  double minSeconds(double flops, double bytes) {
    return Math.max(flops / matmulFlopsPerSec, bytes / copyBytesPerSec(bytes));
  }

  /** Which limit binds for {@code flops} and {@code bytes}: {@code matmul} or {@code copy}. */
  String binding(double flops, double bytes) {
    return flops / matmulFlopsPerSec >= bytes / copyBytesPerSec(bytes) ? "matmul" : "copy";
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "matmul %dx%d: %.1f GFLOP/s", matmulN, matmulN,
        matmulFlopsPerSec / 1e9);
  }
}

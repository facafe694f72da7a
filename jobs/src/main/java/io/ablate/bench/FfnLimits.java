package io.ablate.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.ablate.latency.MemoryBandwidth;
import io.ablate.latency.Timing;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The machine's limits an FFN block is held to, measured in the same run and on the same single
 * thread as the blocks: the memory-copy bandwidth ({@link MemoryBandwidth}: the fastest of several
 * streaming copy forms, bytes read + written) at each working-set size a stage has (so that both
 * sit in the same level of the memory hierarchy), and the rate of a large square float32 matrix
 * product through DJL (PyTorch {@code matmul}, 2·N³ FLOP per product). Each is a median over
 * repetitions.
 *
 * <p>Measured at the start of the run and again at the end ({@link #again}); the higher of the two
 * is kept: on a shared machine a limit measured while something else runs understates what the
 * hardware does, and a stage measured in a quieter moment would then seem to beat it.
 *
 * @param matmulN N of the square product
 * @param matmulFlopsPerSec the product's rate at the median, FLOP/s
 * @param matmulSamples seconds of each timed product (of the measurement kept)
 * @param copyBytesPerSec copy bandwidth by copy size in floats (filled as stages ask)
 */
record FfnLimits(int matmulN, double matmulFlopsPerSec, double[] matmulSamples,
    Map<Integer, Double> copyBytesPerSec) {

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
      return new FfnLimits(n, 2.0 * n * n * n / p50, s, new TreeMap<>());
    }
  }

  /**
   * Both limits measured again (the product and every copy size asked for so far); each kept at
   * the higher of the two measurements.
   */
  FfnLimits again(NDManager parent) {
    FfnLimits now = measure(parent, matmulN, 1, matmulSamples.length);
    Map<Integer, Double> copy = new TreeMap<>();
    for (Map.Entry<Integer, Double> e : copyBytesPerSec.entrySet()) {
      copy.put(e.getKey(), Math.max(e.getValue(), copy(e.getKey())));
    }
    boolean mine = matmulFlopsPerSec >= now.matmulFlopsPerSec;
    return new FfnLimits(matmulN, Math.max(matmulFlopsPerSec, now.matmulFlopsPerSec),
        mine ? matmulSamples : now.matmulSamples, copy);
  }

  /** The copy bandwidth of {@code floats}-float arrays, bytes read + written per second. */
  private static double copy(int floats) {
    return MemoryBandwidth.measure(floats).bytesPerSec();
  }

  /**
   * Copy bandwidth (bytes read + written per second) for a working set of {@code bytes}: a copy
   * of {@code bytes / 8} floats (read 4, write 4 bytes each), at least 1024 and at most
   * {@link #DRAM_COPY_FLOATS}, rounded to a power of two so that sizes share measurements.
   */
  double copyBytesPerSec(double bytes) {
    int floats = (int) Math.max(1024, Math.min(DRAM_COPY_FLOATS, bytes / 8));
    int size = Integer.highestOneBit(floats);
    return copyBytesPerSec.computeIfAbsent(size, FfnLimits::copy);
  }

  /** The DRAM copy bandwidth (64 MiB arrays). */
  double dramCopyBytesPerSec() {
    return copyBytesPerSec(8.0 * DRAM_COPY_FLOATS);
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

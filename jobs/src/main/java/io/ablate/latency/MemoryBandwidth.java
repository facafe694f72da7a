package io.ablate.latency;

/**
 * Single-threaded memory-copy bandwidth: {@link System#arraycopy} of a {@code float[]}, counting the
 * bytes read plus the bytes written (8 per float). This is the roofline the elementwise kernels are
 * compared with: a kernel that reads one array and writes another cannot beat a copy of it.
 */
public final class MemoryBandwidth {
  private MemoryBandwidth() {}

  /** Median-based result of copying {@code src} into {@code dst} (same length). */
  public static KernelResult measure(float[] src, float[] dst, int warmups, int reps) {
    if (src.length != dst.length) {
      throw new IllegalArgumentException("src and dst differ in length");
    }
    int n = src.length;
    double[] ns = Timing.samples(() -> System.arraycopy(src, 0, dst, 0, n), warmups, reps, n);
    Timing.Stats s = Timing.Stats.of(ns);
    double elemsPerSec = 1e9 / s.p50();
    double bytesPerSec = elemsPerSec * 8;
    return new KernelResult("copy", "memcpy", s.p50(), s.p10(), s.p90(), elemsPerSec, bytesPerSec, 1.0,
        Double.NaN, String.format(java.util.Locale.ROOT,
            "System.arraycopy of %d floats (%.0f MiB), read+written", n, n * 4.0 / (1 << 20)), ns, n);
  }
}

package io.ablate.latency;

/**
 * One row of the kernel benchmark: one variant run by one implementation over the whole input.
 *
 * @param variant canonical variant name (parameters spelled out), or {@code copy} for the memcpy row
 * @param impl {@code scalar}, {@code simd}, {@code djl} (PyTorch through DJL) or {@code memcpy}
 * @param nsPerElemP50 median over repetitions of nanoseconds per element
 * @param nsPerElemP10 10th percentile (the faster end of the spread)
 * @param nsPerElemP90 90th percentile (the slower end)
 * @param elemsPerSec elements per second at the median
 * @param bytesPerSec bytes read plus written per second at the median (8 per element elementwise, 12
 *     gated, 8 for the copy)
 * @param rooflineFrac {@code bytesPerSec} as a fraction of the copy bandwidth
 * @param maxAbsDiff largest absolute difference from the float64 reference kernel on the first
 *     elements (NaN when not checked, e.g. the copy row)
 * @param note free text: speed-ups, how a PyTorch row is computed, thread counts
 * @param samples ns per element of every timed pass
 * @param elems elements per pass
 */
public record KernelResult(
    String variant,
    String impl,
    double nsPerElemP50,
    double nsPerElemP10,
    double nsPerElemP90,
    double elemsPerSec,
    double bytesPerSec,
    double rooflineFrac,
    double maxAbsDiff,
    String note,
    double[] samples,
    long elems) {

  /** This result with its roofline fraction against a copy bandwidth of {@code copyBps}. */
  public KernelResult againstLimit(double copyBps) {
    return new KernelResult(variant, impl, nsPerElemP50, nsPerElemP10, nsPerElemP90, elemsPerSec,
        bytesPerSec, bytesPerSec / copyBps, maxAbsDiff, note, samples, elems);
  }

  /**
   * As a row of the {@code latency} table (scope {@code kernel}, on the driver, precision from the
   * variant name); the copy row's roofline is itself.
   */
  public io.ablate.latency.LatencyRow toLatencyRow(String host, String device, double copyBps) {
    int at = variant.indexOf('@');
    String precision = at < 0 ? "fp32" : variant.substring(at + 1).replaceAll("\\(.*", "");
    int bytes = (int) Math.round(bytesPerSec / elemsPerSec);
    return io.ablate.latency.LatencyRow.of(variant, precision, impl, elems, host, "driver", device,
        null, bytes, io.ablate.latency.LatencySamples.of(samples, elems), copyBps);
  }

  /** The activation's name: the variant name without parameters or precision. */
  public String activation() {
    int cut = variant.length();
    for (char c : new char[] {'(', '@'}) {
      int k = variant.indexOf(c);
      if (k >= 0 && k < cut) {
        cut = k;
      }
    }
    return variant.substring(0, cut);
  }

  @Override
  public String toString() {
    return String.format(java.util.Locale.ROOT,
        "%-12s %-7s p50 %8.3f ns/el (p10 %8.3f, p90 %8.3f)  %9.1f M el/s  %6.2f GB/s  %5.1f%% of copy"
            + "  maxAbsDiff %s  %s",
        activation(), impl, nsPerElemP50, nsPerElemP10, nsPerElemP90, elemsPerSec / 1e6,
        bytesPerSec / 1e9, rooflineFrac * 100,
        Double.isNaN(maxAbsDiff) ? "-" : String.format(java.util.Locale.ROOT, "%.2e", maxAbsDiff),
        note);
  }

  /** Largest |a − b| over the first n elements; NaN in both counts as equal, in one as infinite. */
  public static double maxAbsDiff(float[] a, float[] b, int n) {
    double max = 0;
    for (int i = 0; i < n; i++) {
      boolean na = Float.isNaN(a[i]);
      boolean nb = Float.isNaN(b[i]);
      if (na || nb) {
        if (na != nb) {
          return Double.POSITIVE_INFINITY;
        }
        continue;
      }
      if (a[i] != b[i]) { // also covers equal infinities
        max = Math.max(max, Math.abs((double) a[i] - b[i]));
      }
    }
    return max;
  }
}

package io.ablate.latency;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The latency accumulator for one key (variant, impl, executor, ...): the nanoseconds per element
 * of every timed repetition, and the elements they covered. Merging keeps every sample, so the
 * percentiles of a merge are those of all repetitions together (a few dozen per partition: small).
 * Immutable; the samples are kept sorted.
 *
 * <p>Percentiles are nearest-rank: the {@code q}-quantile of N samples is the ⌈q·N⌉-th smallest
 * (the smallest for q = 0), always one of the samples, so p50 ≤ p95 ≤ p99 ≤ the maximum.
 */
public final class LatencySamples implements Serializable {
  private static final long serialVersionUID = 1L;

  private final double[] sorted;
  private final long elems;

  private LatencySamples(double[] sorted, long elems) {
    this.sorted = sorted;
    this.elems = elems;
  }

  /** Repetitions of one batch of {@code batchElems} elements, each as ns per element. */
  public static LatencySamples of(double[] nsPerElem, long batchElems) {
    if (nsPerElem.length == 0 || batchElems <= 0) {
      throw new IllegalArgumentException("need at least one sample of a non-empty batch");
    }
    for (double v : nsPerElem) {
      if (!(v >= 0) || Double.isInfinite(v)) {
        throw new IllegalArgumentException("not a duration: " + v + " ns per element");
      }
    }
    double[] s = nsPerElem.clone();
    Arrays.sort(s);
    return new LatencySamples(s, batchElems * s.length);
  }

  /** Both sets of samples; order does not matter. */
  public LatencySamples merge(LatencySamples other) {
    double[] s = new double[sorted.length + other.sorted.length];
    int i = 0;
    int j = 0;
    int k = 0;
    while (i < sorted.length && j < other.sorted.length) {
      s[k++] = sorted[i] <= other.sorted[j] ? sorted[i++] : other.sorted[j++];
    }
    while (i < sorted.length) {
      s[k++] = sorted[i++];
    }
    while (j < other.sorted.length) {
      s[k++] = other.sorted[j++];
    }
    return new LatencySamples(s, elems + other.elems);
  }

  /** Timed repetitions. */
  public int reps() {
    return sorted.length;
  }

  /** Elements processed by the timed repetitions (batch size × repetitions, summed). */
  public long elems() {
    return elems;
  }

  /** Nearest-rank percentile, {@code 0 <= q <= 1}. */
  public double percentile(double q) {
    if (!(q >= 0 && q <= 1)) {
      throw new IllegalArgumentException("quantile " + q + " not in [0, 1]");
    }
    int rank = (int) Math.ceil(q * sorted.length); // 1-based
    return sorted[Math.max(rank, 1) - 1];
  }
}

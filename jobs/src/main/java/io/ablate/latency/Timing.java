package io.ablate.latency;

import java.util.Arrays;

/** Wall-clock timing of whole passes: warm-ups, then repetitions, summarised as percentiles. */
public final class Timing {
  private Timing() {}

  /** Nanoseconds per element over repetitions: p10, p50, p90 (linear interpolation). */
  public record Stats(double p10, double p50, double p90) {
    public static Stats of(double[] nsPerElem) {
      double[] s = nsPerElem.clone();
      Arrays.sort(s);
      return new Stats(pct(s, 0.10), pct(s, 0.50), pct(s, 0.90));
    }

    private static double pct(double[] sorted, double q) {
      if (sorted.length == 1) {
        return sorted[0];
      }
      double pos = q * (sorted.length - 1);
      int lo = (int) Math.floor(pos);
      int hi = Math.min(lo + 1, sorted.length - 1);
      return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
  }

  /** Elements per call while warming the JIT up: small enough to stay in the L1/L2 caches. */
  public static final int JIT_CHUNK = 4096;

  /**
   * Gets a kernel compiled by C2 before it is timed: calls {@code chunk} (one small call) at least
   * 2000 times and for at least {@code minMillis} (at most 10 times that); nothing when
   * {@code minMillis} is 0. Whole passes alone are a poor warm-up: a
   * kernel called a handful of times runs its first passes interpreted or OSR-compiled, and Vector
   * API code outside C2 allocates an object per vector, hundreds of times slower.
   */
  public static void warmJit(Runnable chunk, long minMillis) {
    if (minMillis <= 0) {
      return;
    }
    long start = System.nanoTime();
    long min = minMillis * 1_000_000L;
    long max = 10 * min;
    for (int calls = 0; ; calls++) {
      long t = System.nanoTime() - start;
      if ((calls >= 2000 && t >= min) || t >= max) {
        return;
      }
      chunk.run();
    }
  }

  /** Runs {@code pass} {@code warmups} times untimed, then {@code reps} times timed. */
  public static Stats time(Runnable pass, int warmups, int reps, long elems) {
    return Stats.of(samples(pass, warmups, reps, elems));
  }

  /**
   * Runs {@code pass} {@code warmups} times untimed, then {@code reps} (at least 1) times timed:
   * nanoseconds per element of each timed run.
   */
  public static double[] samples(Runnable pass, int warmups, int reps, long elems) {
    for (int w = 0; w < warmups; w++) {
      pass.run();
    }
    double[] ns = new double[Math.max(1, reps)];
    for (int r = 0; r < ns.length; r++) {
      long t0 = System.nanoTime();
      pass.run();
      ns[r] = (double) (System.nanoTime() - t0) / elems;
    }
    return ns;
  }
}

package io.ablate.bench;

import java.util.Arrays;

/** Wall-clock timing of whole passes: warm-ups, then repetitions, summarised as percentiles. */
final class Timing {
  private Timing() {}

  /** Nanoseconds per element over repetitions: p10, p50, p90 (linear interpolation). */
  record Stats(double p10, double p50, double p90) {
    static Stats of(double[] nsPerElem) {
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

  /** Runs {@code pass} {@code warmups} times untimed, then {@code reps} times timed. */
  static Stats time(Runnable pass, int warmups, int reps, long elems) {
    for (int w = 0; w < warmups; w++) {
      pass.run();
    }
    double[] ns = new double[Math.max(1, reps)];
    for (int r = 0; r < ns.length; r++) {
      long t0 = System.nanoTime();
      pass.run();
      ns[r] = (double) (System.nanoTime() - t0) / elems;
    }
    return Stats.of(ns);
  }
}

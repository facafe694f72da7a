package io.ablate.sketch;

import io.ablate.AblateException;
import org.apache.datasketches.kll.KllFloatsSketch;
import org.apache.datasketches.memory.Memory;
import org.apache.datasketches.quantilescommon.FloatsSortedView;

/**
 * Reads the compact KLL floats sketches of Apache DataSketches 6 (the format of the {@code sketch}
 * column in profiles of Ablate 0.1 repositories that predate {@link QuantileSketch}'s own form)
 * through DataSketches' public API: its sorted view gives every retained item with its weight, a
 * sum of powers of two (one per level it stands in for).
 */
final class LegacyKll {
  private LegacyKll() {}

  static QuantileSketch read(byte[] bytes, String what) {
    KllFloatsSketch s;
    try {
      s = KllFloatsSketch.heapify(Memory.wrap(bytes));
    } catch (RuntimeException e) {
      throw AblateException.badInput("%s: not a sketch Ablate reads (%s)", what, e.getMessage());
    }
    if (s.isEmpty()) {
      return QuantileSketch.empty(s.getK());
    }
    FloatsSortedView v = s.getSortedView();
    float[] items = v.getQuantiles();
    long[] cumulative = v.getCumulativeWeights();
    long[] weights = new long[items.length];
    for (int i = 0; i < items.length; i++) {
      weights[i] = cumulative[i] - (i == 0 ? 0 : cumulative[i - 1]);
    }
    return QuantileSketch.ofWeighted(s.getK(), s.getN(), s.getMinItem(), s.getMaxItem(), items,
        weights);
  }
}

package io.ablate.latency;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * A float copy with the Vector API: the loads and stores of the SIMD kernels' loops with no
 * arithmetic between them, so the copy limit moves data the way the kernels do. A loop of its own
 * rather than the identity kernel's: the instrument stays apart from what it measures. Loaded only
 * when {@code jdk.incubator.vector} is present.
 */
final class VectorCopy {
  /** The kernels' float shape: a second one would make C2 compile their vector calls for two. */
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  private VectorCopy() {}

  /** Copies {@code src[0, n)} into {@code dst[0, n)}; the tail with a masked load and store. */
  static void copy(float[] src, float[] dst, int n) {
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += L) {
      FloatVector.fromArray(S, src, i).intoArray(dst, i);
    }
    if (i < n) {
      VectorMask<Float> m = S.indexInRange(i, n);
      FloatVector.fromArray(S, src, i, m).intoArray(dst, i, m);
    }
  }
}

package io.ablate.profile;

import io.ablate.kernel.simd.Species;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The power sums of {@link ValueStats} with the Vector API: the same operations, lane
 * for lane, as its scalar lanes, so the same bits. A vector of Ablate's one double shape
 * ({@link Species}) holds {@link #WIDTH} consecutive lanes of the fixed {@link ValueStats#LANES}: one
 * sweep of a vector's values on 512-bit hardware, two on 256-bit. Loaded only when
 * {@code jdk.incubator.vector} is present; values arrive converted to double (a second float shape
 * to load them would make C2 compile the kernels' float operations for two classes).
 */
final class PowerSumsSimd {
  private static final VectorSpecies<Double> S = Species.DOUBLE;

  /** Lanes of one vector: a sweep of {@link #sums} adds to this many lanes. */
  static final int WIDTH = S.length();

  /** Worth using: vectors of at least 256 bits that tile the lanes (else the scalar lanes). */
  static final boolean USEFUL = WIDTH >= 4 && ValueStats.LANES % WIDTH == 0;

  private PowerSumsSimd() {}

  /**
   * Adds lanes [{@code lane}, {@code lane} + {@link #WIDTH}) of {@code x[0, n)} (finite values, n a
   * multiple of {@link ValueStats#LANES}) to the lane sums {@code s} (power p's lane l at
   * p·LANES + l, powers 1 to 4).
   */
  static void sums(double[] x, int n, int lane, double[] s) {
    int lanes = ValueStats.LANES;
    DoubleVector s1 = DoubleVector.fromArray(S, s, lane);
    DoubleVector s2 = DoubleVector.fromArray(S, s, lanes + lane);
    DoubleVector s3 = DoubleVector.fromArray(S, s, 2 * lanes + lane);
    DoubleVector s4 = DoubleVector.fromArray(S, s, 3 * lanes + lane);
    // Loop-carried vectors are only ever arguments, never receivers (see GroupSumsSimd): d + s is
    // s + d in IEEE arithmetic.
    for (int k = lane; k < n; k += lanes) {
      DoubleVector d = DoubleVector.fromArray(S, x, k);
      DoubleVector d2 = d.mul(d);
      s1 = d.add(s1);
      s2 = d2.add(s2);
      s3 = d2.mul(d).add(s3);
      s4 = d2.mul(d2).add(s4);
    }
    s1.intoArray(s, lane);
    s2.intoArray(s, lanes + lane);
    s3.intoArray(s, 2 * lanes + lane);
    s4.intoArray(s, 3 * lanes + lane);
  }
}

package io.ablate.expr;

/**
 * erfc at the speed a job's reference pass needs (nanoseconds, not the microseconds of the continued
 * fraction near 0.5), to 2e-14 relative (tested; about 1e-15 measured): erfc(x) = erfcx(x)·e^(−x²)
 * for x ≥ 0, with erfcx = e^(x²)·erfc(x) from one Chebyshev series over all of [0, 26), and e^(−x²)
 * from an exact split of x² (one exponential, {@link DoubleExp}'s). Beyond 26, erfc(x) &lt; 1e-295
 * and {@link Erf#erfc} (a few continued-fraction steps) is used; for x &lt; 0, erfc(x) = 2 − erfc(−x),
 * which is exactly 2 below −26.
 *
 * <p>erfcx in the variable t = (a − K)/(a + K), which maps [0, ∞) onto [−1, 1): erfcx is smooth
 * there, even at the far end where it decays like 1/(a√π), so one polynomial of degree
 * {@value #DEGREE} covers the whole range (Weideman's idea, 1994). It is of erfcx(a)/(1 − t), which
 * varies only between 0.5 and 0.08 (1 − t = 2K/(a + K) carries the 1/a decay), fitted at Chebyshev
 * nodes. No table
 * lookup: the vector form ({@link FastErfSimd}) is the same operations lane by lane, so
 * {@link #erfc(double[], double[], int)} gives the bits of {@link #erfc(double)}, several times
 * faster (an earlier form looked its polynomial up in a table of 416 intervals, which the Vector
 * API can only gather).
 */
public final class FastErf {
  /** Degree of the series: 1e-15 relative in float64 arithmetic (K = 4; 18 gives about 1e-14). */
  static final int DEGREE = 20;
  /** The centre of the map t = (a − K)/(a + K): a = K is t = 0. */
  static final double K = 4.0;
  static final double LIMIT = 26.0;
  /** t ∈ [−1, T_MAX] for a ∈ [0, LIMIT]; the series' variable u = (t − MID)·INV_HALF ∈ [−1, 1]. */
  private static final double T_MAX = (LIMIT - K) / (LIMIT + K);
  static final double MID = (T_MAX - 1) / 2;
  static final double INV_HALF = 2 / (T_MAX + 1);
  /**
   * The series' coefficients in powers of u, a_0 … a_DEGREE: the Chebyshev interpolant of
   * erfcx(a)/(1 − t) at the DEGREE + 1 nodes u_j = cos(π(j + ½)/(DEGREE + 1)) (c_k = (2 − δ_k0)/
   * (DEGREE + 1)·Σ_j f(u_j)·cos(πk(j + ½)/(DEGREE + 1))), expanded to powers, all in 50-digit
   * arithmetic (mpmath's erfc), then rounded. Powers let Estrin's scheme evaluate the series in a
   * tree of depth 5 (Clenshaw's recurrence is 20 dependent steps, which left the vector units
   * waiting: 9 ns a value); Σ|a_p| is 0.5, so the expansion loses nothing (8e-16 worst measured).
   * Fitted in float64 from {@link Erf#erfcx} instead, each coefficient comes out about 1e-16 off,
   * which the sum turns into 2e-14 relative error near a = 26 (measured).
   */
  static final double[] COEFFS = {
      0.1551678077961506,
      -0.13162668823476087,
      0.09664473267363378,
      -0.06120439618925291,
      0.033113210997757596,
      -0.015021517658702108,
      0.005511874998509189,
      -0.0015113164977695822,
      0.00023937197035911874,
      1.710072198456166e-05,
      -2.1055559605257926e-05,
      3.9672625961512305e-06,
      7.780322179659516e-07,
      -4.654962148401379e-07,
      4.6270699518217774e-09,
      4.082921846888427e-08,
      -4.48752536768534e-09,
      -3.3501990750975717e-09,
      5.898548107722404e-10,
      2.0790566990427396e-10,
      -4.3616956126165905e-11};
  /** Whether {@link FastErfSimd} can run (its class is only loaded then). */
  private static final boolean VECTOR = io.ablate.kernel.Simd.available();

  private FastErf() {}

  public static double erfc(double x) {
    double a = Math.abs(x);
    if (!(a < LIMIT)) { // NaN, or the far tail: rare
      return farTail(x);
    }
    // erfc(x) = 2 − erfc(−x) for x < 0, without a branch (half of a job's arguments are negative,
    // at random): with s = ±1 the sign of x, (1 − s) + s·erfc(|x|) is exactly 2.0 − erfc(|x|) or
    // erfc(|x|). (x = −0 gives 2 − 1 = 1 = erfc(0).)
    return fromErfcx(x, erfcx(a));
  }

  /**
   * erfc(x) for NaN or |x| ≥ {@value #LIMIT}: 2 for x ≤ −{@value #LIMIT} (2 − erfc(−x) rounds to 2:
   * erfc(26) &lt; 1e-295 is far below half an ulp of 2), else {@link Erf#erfc} (0 beyond 27.3, where
   * it underflows; a few continued-fraction steps before).
   */
  static double farTail(double x) {
    return x < 0 ? 2.0 : Erf.erfc(x);
  }

  /** erfc(x) from erfcx(|x|), for |x| &lt; {@value #LIMIT}: the one formula of both forms. */
  private static double fromErfcx(double x, double erfcx) {
    double s = Math.copySign(1.0, x);
    return (1.0 - s) + s * (erfcx * DoubleExp.expMinusSquare(Math.abs(x)));
  }

  /**
   * {@code out[k] = erfc(x[k])} for k in [0, n): the same bits as {@link #erfc(double)}, faster
   * (the job's float64 reference spends most of its time here).
   */
  public static void erfc(double[] x, double[] out, int n) {
    int done = VECTOR ? FastErfSimd.erfc(x, out, n) : 0;
    for (int k = done; k < n; k++) {
      out[k] = erfc(x[k]);
    }
  }


  /** erfcx(a) = e^(a²)·erfc(a) for 0 ≤ a &lt; {@value #LIMIT}: the series in t, by Estrin. */
  static double erfcx(double a) {
    double t = (a - K) / (a + K);
    double u = (t - MID) * INV_HALF;
    double[] c = COEFFS;
    double u2 = u * u;
    double u4 = u2 * u2;
    double u8 = u4 * u4;
    double u16 = u8 * u8;
    double q0 = c[0] + c[1] * u;
    double q1 = c[2] + c[3] * u;
    double q2 = c[4] + c[5] * u;
    double q3 = c[6] + c[7] * u;
    double q4 = c[8] + c[9] * u;
    double q5 = c[10] + c[11] * u;
    double q6 = c[12] + c[13] * u;
    double q7 = c[14] + c[15] * u;
    double q8 = c[16] + c[17] * u;
    double q9 = c[18] + c[19] * u;
    double r0 = q0 + q1 * u2;
    double r1 = q2 + q3 * u2;
    double r2 = q4 + q5 * u2;
    double r3 = q6 + q7 * u2;
    double r4 = q8 + q9 * u2;
    double s0 = r0 + r1 * u4;
    double s1 = r2 + r3 * u4;
    double s2 = r4 + c[20] * u4;
    return (s0 + s1 * u8 + s2 * u16) * (1.0 - t);
  }
}

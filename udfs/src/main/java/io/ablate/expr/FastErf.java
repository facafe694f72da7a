package io.ablate.expr;

/**
 * erfc at the speed a job's reference pass needs (nanoseconds, not the microseconds of the continued
 * fraction near 0.5), to 2e-14 relative (tested; about 1e-14 measured): erfc(x) = erfcx(x)·e^(−x²)
 * for x ≥ 0, with erfcx = e^(x²)·erfc(x) tabulated as piecewise polynomials (degree 9 on intervals
 * of 1/16 over [0, 26], fitted at Chebyshev nodes and evaluated in powers by Estrin's scheme) built
 * at class load from {@link Erf}'s accurate erfcx, and e^(−x²) from an exact split of x² (one
 * exponential, {@link DoubleExp}'s). Beyond 26, erfc(x) &lt; 1e-295 and {@link Erf#erfc} (a few
 * continued-fraction steps) is used; for x &lt; 0, erfc(x) = 2 − erfc(−x).
 *
 * <p>{@link #erfc(double[], double[], int)} computes whole arrays (the reference of the ablation
 * job): the polynomial in a scalar loop (its coefficients are a table lookup), the rest with the
 * Vector API when it is there ({@link FastErfSimd}); the same operations in the same order as
 * {@link #erfc(double)}, so the same bits.
 */
public final class FastErf {
  private static final int DEGREE = 9;
  private static final double STEP = 1.0 / 16;
  static final double LIMIT = 26.0;
  private static final int INTERVALS = (int) (LIMIT / STEP);
  /**
   * Per interval i (covering [i·STEP, (i+1)·STEP]), DEGREE + 1 coefficients of the interpolant in
   * powers of t ∈ [−1, 1]: fitted at Chebyshev nodes, then expanded to powers (on an interval this
   * short the coefficients fall fast, so evaluating powers loses nothing and parallelises).
   */
  private static final double[] COEFFS = build();
  /** Whether {@link FastErfSimd} can run (its class is only loaded then). */
  private static final boolean VECTOR = io.ablate.kernel.Simd.available();

  private FastErf() {}

  public static double erfc(double x) {
    double a = Math.abs(x);
    if (!(a < LIMIT)) { // NaN, or the far tail: rare
      return Double.isNaN(x) ? x : x < 0 ? 2.0 - Erf.erfc(a) : Erf.erfc(a);
    }
    // erfc(x) = 2 − erfc(−x) for x < 0, without a branch (half of a job's arguments are negative,
    // at random): with s = ±1 the sign of x, (1 − s) + s·erfc(|x|) is exactly 2.0 − erfc(|x|) or
    // erfc(|x|). (x = −0 gives 2 − 1 = 1 = erfc(0).)
    return fromErfcx(x, erfcx(a));
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
    boolean tail = false;
    for (int k = 0; k < n; k++) {
      double a = Math.abs(x[k]);
      if (a < LIMIT) {
        out[k] = erfcx(a);
      } else {
        tail = true;
      }
    }
    int done = VECTOR ? FastErfSimd.finish(x, out, n) : 0;
    for (int k = done; k < n; k++) {
      out[k] = fromErfcx(x[k], out[k]); // the tail's elements are overwritten below
    }
    if (tail) { // NaN or |x| ≥ LIMIT: rare
      for (int k = 0; k < n; k++) {
        if (!(Math.abs(x[k]) < LIMIT)) {
          out[k] = erfc(x[k]);
        }
      }
    }
  }

  /** erfcx(x) = e^(x²)·erfc(x) for 0 ≤ x &lt; {@value #LIMIT}, from the table. */
  static double erfcx(double x) {
    int i = (int) (x * (1 / STEP)); // STEP is a power of two: multiplying is exact
    double t = 2.0 * (x - i * STEP) * (1 / STEP) - 1.0; // in [-1, 1]
    int b = i * (DEGREE + 1);
    double[] a = COEFFS;
    // Estrin's scheme: a depth-4 tree of multiply-adds instead of Clenshaw's 9 dependent steps.
    double t2 = t * t;
    double t4 = t2 * t2;
    double p01 = a[b] + a[b + 1] * t;
    double p23 = a[b + 2] + a[b + 3] * t;
    double p45 = a[b + 4] + a[b + 5] * t;
    double p67 = a[b + 6] + a[b + 7] * t;
    double p89 = a[b + 8] + a[b + 9] * t;
    return (p01 + p23 * t2) + t4 * ((p45 + p67 * t2) + t4 * p89);
  }

  private static double[] build() {
    double[] c = new double[INTERVALS * (DEGREE + 1)];
    int n = DEGREE + 1;
    double[] f = new double[n];
    for (int i = 0; i < INTERVALS; i++) {
      double lo = i * STEP;
      for (int j = 0; j < n; j++) {
        double node = Math.cos(Math.PI * (j + 0.5) / n);
        f[j] = Erf.erfcx(lo + (node + 1) * STEP / 2);
      }
      double[] cheb = new double[n];
      for (int k = 0; k < n; k++) {
        double sum = 0;
        for (int j = 0; j < n; j++) {
          sum += f[j] * Math.cos(Math.PI * k * (j + 0.5) / n);
        }
        cheb[k] = (k == 0 ? 1.0 : 2.0) * sum / n;
      }
      // Σ cheb_k T_k(t) in powers of t, with T_{k+1} = 2t·T_k − T_{k−1}.
      double[] prev = new double[n];
      double[] cur = new double[n];
      prev[0] = 1;
      cur[1] = 1;
      c[i * n] += cheb[0];
      for (int k = 1; k < n; k++) {
        for (int p = 0; p < n; p++) {
          c[i * n + p] += cheb[k] * cur[p];
        }
        double[] next = new double[n];
        for (int p = 0; p < n; p++) {
          next[p] = (p > 0 ? 2 * cur[p - 1] : 0) - prev[p];
        }
        prev = cur;
        cur = next;
      }
    }
    return c;
  }
}

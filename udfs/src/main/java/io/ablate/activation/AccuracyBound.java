package io.ablate.activation;

/**
 * The error a float32 form of a variant may have against its float64 reference: at most
 * {@code ulps} units in the last place of the reference rounded to float32, <b>or</b> at most
 * {@code absolute} (which governs where outputs are tiny, e.g. GELU's left tail; with
 * {@link #SUBNORMAL} only subnormal results, so the ulp bound holds down the whole tail). NaN must
 * match NaN and an infinite reference must be matched exactly.
 */
public record AccuracyBound(double ulps, double absolute) {
  /**
   * The absolute floor of a bound that holds in ulps wherever the result is a normal float32: one
   * subnormal step, 2⁻¹⁴⁹, below the ulp of every normal float, so that it only governs subnormal
   * results (where an ulp is 2⁻¹⁴⁹ whatever the value's size).
   */
  public static final double SUBNORMAL = 0x1p-149;

  /** Exact: the float32 value nearest the reference. */
  public static final AccuracyBound EXACT = new AccuracyBound(0.5, 0);

  /** Whether {@code actual} is within this bound of {@code reference}. */
  public boolean accepts(double reference, float actual) {
    return accepts(reference, actual, 1);
  }

  /**
   * As {@link #accepts(double, float)}, with the absolute part scaled by {@code absScale}: for gated
   * variants f(gate)·up the absolute error of f is multiplied by |up|.
   */
  public boolean accepts(double reference, float actual, double absScale) {
    if (Double.isNaN(reference) || Double.isNaN(actual)) {
      return Double.isNaN(reference) && Double.isNaN(actual);
    }
    float rounded = (float) reference;
    if (Float.isInfinite(rounded) || Float.isInfinite(actual)) {
      // An infinite result is right only where the reference itself overflows float32.
      return rounded == actual;
    }
    double err = Math.abs(actual - reference);
    return err <= absolute * Math.max(1, absScale) || err <= ulps * Math.ulp(rounded);
  }

  /** The error in float32 ULPs of the reference (for reporting). */
  public static double ulpError(double reference, float actual) {
    if (Double.isNaN(reference) || Double.isNaN(actual)) {
      return Double.isNaN(reference) && Double.isNaN(actual) ? 0 : Double.POSITIVE_INFINITY;
    }
    if (reference == actual) {
      return 0;
    }
    return Math.abs(actual - reference) / Math.ulp((float) reference);
  }

  @Override
  public String toString() {
    if (absolute == SUBNORMAL) {
      return String.format("<= %s ulp (tails included; subnormal results: 2^-149 steps)",
          Params.format(ulps));
    }
    return absolute > 0 ? String.format("<= %s ulp or <= %s abs", Params.format(ulps), absolute)
        : String.format("<= %s ulp", Params.format(ulps));
  }
}

package io.ablate.model;

import io.ablate.activation.GatedActivation;
import io.ablate.activation.Variant;
import io.ablate.expr.Interpreter;
import io.ablate.precision.Precision;

/**
 * Where an activation is saturated: its slope |f′(x)| below {@value #SLOPE}, so that almost no
 * gradient passes (GELU and SiLU left of about −3 to −4, ReLU left of 0, sigmoid-like shapes at
 * both ends; nowhere for the identity or a leaky ReLU of slope ≥ 0.01). The slope is the float64
 * definition's, by a central difference; of a gated variant, its gate function's (the up factor
 * aside); of a precision variant, its full-precision function's (a rounded function is flat almost
 * everywhere).
 */
final class Saturation {
  /** Below this slope an input counts as saturated. */
  static final double SLOPE = 0.01;
  private final Interpreter.Compiled f;

  Saturation(Variant v) {
    Variant fn = new Variant(v.gated() ? ((GatedActivation) v.activation()).gate()
        : v.activation(), v.params(), Precision.FP32);
    this.f = Interpreter.compile(fn.definition());
  }

  /** Whether the slope at {@code x} is below {@link #SLOPE}; never for NaN. */
  boolean at(double x) {
    if (Double.isNaN(x)) {
      return false;
    }
    double h = 1e-4 * Math.max(1, Math.abs(x));
    double slope = (f.eval(x + h) - f.eval(x - h)) / (2 * h);
    return Math.abs(slope) < SLOPE;
  }

  /** The fraction of {@code x} where the activation is saturated. */
  double fraction(float[] x) {
    long n = 0;
    for (float v : x) {
      n += at(v) ? 1 : 0;
    }
    return x.length == 0 ? Double.NaN : (double) n / x.length;
  }
}

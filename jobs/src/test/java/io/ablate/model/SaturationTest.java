package io.ablate.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ablate.activation.Catalogue;
import java.util.SplittableRandom;
import org.apache.commons.math3.special.Erf;
import org.junit.jupiter.api.Test;

/** The saturated region of the training statistics, against derivatives written out by hand. */
class SaturationTest {
  @Test
  void geluIsSaturatedWhereItsExactSlopeIsBelowTheThreshold() {
    Saturation s = new Saturation(Catalogue.variant("gelu"));
    SplittableRandom r = new SplittableRandom();
    int checked = 0;
    for (int i = 0; i < 20_000; i++) {
      double x = r.nextDouble(-12, 12);
      // d/dx x·Φ(x) = Φ(x) + x·φ(x)
      double slope = 0.5 * Erf.erfc(-x / Math.sqrt(2)) + x * Math.exp(-x * x / 2)
          / Math.sqrt(2 * Math.PI);
      if (Math.abs(Math.abs(slope) - Saturation.SLOPE) < 1e-6) {
        continue; // at the threshold a difference quotient may fall either side
      }
      assertEquals(Math.abs(slope) < Saturation.SLOPE, s.at(x), "x = " + x + ", slope " + slope);
      checked++;
    }
    assertTrue(checked > 19_000);
  }

  @Test
  void eachShapeSaturatesWhereItIsFlat() {
    Saturation relu = new Saturation(Catalogue.variant("relu"));
    assertTrue(relu.at(-0.5));
    assertFalse(relu.at(0.5));
    assertFalse(relu.at(Double.NaN));
    Saturation identity = new Saturation(Catalogue.variant("identity"));
    assertFalse(identity.at(-1e30) || identity.at(0) || identity.at(1e30));
    // a gated variant: its gate function's slope (silu's: flat far left, 1 far right)
    Saturation swiglu = new Saturation(Catalogue.variant("swiglu"));
    assertTrue(swiglu.at(-12));
    assertFalse(swiglu.at(3));
    // a precision variant: the function before rounding (bf16's is flat between its steps)
    Saturation bf16 = new Saturation(Catalogue.variant("gelu@bf16"));
    assertFalse(bf16.at(1.0));
    assertTrue(bf16.at(-6));
    assertEquals(0.5, relu.fraction(new float[] {-1, -2, 3, 4}));
    assertTrue(Double.isNaN(relu.fraction(new float[0])));
  }
}

package io.ablate.kernel.simd;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ablate.expr.FastErf;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The rational factor of the SIMD gelu against the function it approximates. */
class GeluSimdTest {
  @Test
  void rationalFitIsWithinItsStatedErrorOfTheMillsRatioFactor() {
    // R(a) = ½·erfc(a/√2)·e^(a²/2), from the float64 erfc (1e-15 relative): the fit's float32
    // coefficients, evaluated in double, must be within 2.1e-8 of it over the whole interval.
    Random rnd = new Random();
    double worst = 0;
    double at = 0;
    for (int i = 0; i <= 400_000; i++) {
      double a = i < 200_000 ? GeluSimd.FIT_LIMIT * i / 200_000.0
          : rnd.nextDouble() * GeluSimd.FIT_LIMIT;
      double exact = 0.5 * FastErf.erfc(a / Math.sqrt(2)) * Math.exp(a * a / 2);
      double rel = Math.abs(horner(GeluSimd.NUMERATOR, a) / horner(GeluSimd.DENOMINATOR, a) / exact
          - 1);
      if (rel > worst) {
        worst = rel;
        at = a;
      }
    }
    System.out.printf("GeluSimd rational fit: max relative error %.3g at a = %s%n", worst, at);
    assertTrue(worst <= 2.1e-8, "max relative error " + worst + " at a = " + at);
  }

  private static double horner(float[] c, double a) {
    double v = c[c.length - 1];
    for (int k = c.length - 2; k >= 0; k--) {
      v = v * a + c[k];
    }
    return v;
  }
}

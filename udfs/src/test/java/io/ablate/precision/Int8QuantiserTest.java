package io.ablate.precision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ablate.AblateException;
import io.ablate.activation.Catalogue;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Calibration and quantisation corner cases, against hand-computed values. */
class Int8QuantiserTest {
  @Test
  void percentileIsTheNearestRankEvenWherePTimesNIsRoundedUp() {
    float[] v = new float[1000];
    for (int i = 0; i < v.length; i++) {
      v[i] = i + 1; // |x| = 1..1000
    }
    // nearest rank of p99.9 over 1000 values: ceil(0.999 · 1000) = 999th smallest = 999
    assertEquals(999 / 127.0, Int8Quantiser.calibrate(v, 0, v.length, 99.9), 0);
    assertEquals(990 / 127.0, Int8Quantiser.calibrate(v, 0, v.length, 99), 0);
    assertEquals(1000 / 127.0, Int8Quantiser.calibrate(v, 0, v.length, Double.NaN), 0);
  }

  @Test
  void infinitiesSaturateAndAZeroScaleGivesZeros() {
    assertEquals(127 * 0.5f, Int8Quantiser.quantise(Float.POSITIVE_INFINITY, 0.5), 0);
    assertEquals(-127 * 0.5f, Int8Quantiser.quantise(Float.NEGATIVE_INFINITY, 0.5), 0);
    assertTrue(Float.isNaN(Int8Quantiser.quantise(Float.NaN, 0.5)));
    // [0, 0, +inf, -inf]: no finite non-zero value, scale 0: zeros of each sign, never ±inf.
    float[] v = {0f, 0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
    double scale = Int8Quantiser.calibrate(v, 0, v.length, Double.NaN);
    assertEquals(0.0, scale);
    assertEquals(0f, Int8Quantiser.quantise(Float.POSITIVE_INFINITY, scale));
    assertEquals(Float.floatToRawIntBits(-0f),
        Float.floatToRawIntBits(Int8Quantiser.quantise(Float.NEGATIVE_INFINITY, scale)));
  }

  @Test
  void int8SpecsAreCanonicalAndUnambiguous() {
    assertEquals("gelu@int8(scale=1.0e-5)", Catalogue.variant("gelu@int8(scale=1e-5)").name());
    assertEquals("gelu@int8(scale=3)", Catalogue.variant("gelu@int8(scale=3)").name());
    assertEquals("silu@int8(calib=p99.9)", Catalogue.variant("silu@int8(calib=P99.9)").name());
    assertEquals("silu@int8", Catalogue.variant("silu@int8(calib=ABSMAX)").name());
    AblateException e = assertThrows(AblateException.class,
        () -> Precision.of("int8", Map.of("calib", "p99", "scale", "0.05")));
    assertTrue(e.getMessage().contains("not both"), e.getMessage());
    assertEquals(Catalogue.variant("swish(beta=1.5)@bf16"), Catalogue.variant("swish(beta=1.5)@bf16"));
    assertEquals(Catalogue.variant("gelu").hashCode(), Catalogue.variant("gelu").hashCode());
  }
}

package io.ablate.activation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ablate.expr.Interpreter;
import io.ablate.kernel.Kernel;
import org.junit.jupiter.api.Test;

/**
 * A gate that underflows to ±0 times an infinite up: the float64 definition and the float32 forms
 * agree on an infinite product with the signs' product (silu(−1024) is −0 even in float64, so a
 * plain product gave NaN in the reference and ±∞ in the kernels; seed 8370616489485373127 of
 * PrecisionVariantTest, swiglu@fp8_e5m2, found it).
 */
class GatedUnderflowTest {
  @Test
  void underflowedGateTimesInfiniteUpIsInfiniteInTheReferenceAndEveryForm() {
    for (String name : new String[] {"swiglu", "geglu", "glu"}) {
      Variant v = Catalogue.variant(name);
      Interpreter.Compiled ref = Interpreter.compile(v.definition());
      float[] gate = {-1024f, -1024f, -200f, -1024f, 3f, 0f, Float.NEGATIVE_INFINITY,
          Float.NaN};
      float[] up = {Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
          Float.NaN, Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY,
          Float.POSITIVE_INFINITY};
      for (Kernel k : new Kernel[] {v.kernel(Variant.Impl.SCALAR), v.kernel(Variant.Impl.SIMD)}) {
        float[] out = new float[gate.length];
        k.applyGated(gate, 0, up, 0, out, 0, gate.length);
        for (int i = 0; i < gate.length; i++) {
          double r = ref.eval(new double[] {gate[i], up[i]});
          String what = name + " " + k.impl() + " gate " + gate[i] + " up " + up[i];
          assertEquals(Double.isNaN(r), Float.isNaN(out[i]), what + ": ref " + r + ", got " + out[i]);
          if (!Double.isNaN(r)) {
            assertEquals(r, out[i], what);
          }
        }
        if (!name.equals("glu")) { // sigmoid(−1024) is +0: the product's sign is up's
          assertTrue(out[0] == Float.POSITIVE_INFINITY && out[1] == Float.NEGATIVE_INFINITY,
              name + " " + k.impl() + ": " + out[0] + ", " + out[1]);
        } else {
          assertTrue(out[0] == Float.NEGATIVE_INFINITY && out[1] == Float.POSITIVE_INFINITY,
              name + " " + k.impl() + ": " + out[0] + ", " + out[1]);
        }
      }
      if (!name.equals("glu")) { // silu(0) = gelu(0) = 0 exactly: 0·∞ stays NaN, not an underflow
        assertTrue(Double.isNaN(ref.eval(new double[] {0, Double.POSITIVE_INFINITY})), name);
      }
    }
  }
}

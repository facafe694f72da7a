package io.ablate.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ablate.activation.Catalogue;
import io.ablate.activation.Variant;
import io.ablate.encoding.ColumnKind;
import io.ablate.encoding.Dtype;
import io.ablate.expr.Interpreter;
import io.ablate.precision.FloatFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The GPU form's expression for bf16 binary outputs rounds as the CPU form does: to float32, then
 * to bf16 (one rounding of each; rounding the float64 value straight to bf16 would differ in the
 * last bit next to a tie).
 */
class GpuExpressionTest {
  @Test
  void bf16OutputsRoundThroughFloat32() {
    for (String name : new String[] {"gelu", "gelu_tanh", "silu", "swish(beta=1.5)"}) {
      Variant v = Catalogue.variant(name);
      Interpreter.Compiled gpu = Interpreter.compile(
          new SqlCall(name, v, ColumnKind.BINARY, Dtype.BF16, false).gpuExpression());
      Interpreter.Compiled definition = Interpreter.compile(v.definition());
      SplittableRandom r = new SplittableRandom(3);
      for (int i = 0; i < 50_000; i++) {
        double x = (float) (r.nextGaussian() * 4);
        float expected = FloatFormat.BF16.round((float) definition.eval(x));
        assertEquals(Float.floatToRawIntBits(expected),
            Float.floatToRawIntBits((float) gpu.eval(x)), name + " at " + x);
      }
    }
  }
}

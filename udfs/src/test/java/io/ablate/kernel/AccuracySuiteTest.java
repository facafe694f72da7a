package io.ablate.kernel;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ablate.activation.AccuracyBound;
import io.ablate.activation.Catalogue;
import io.ablate.activation.Variant;
import io.ablate.expr.GpuExpansion;
import io.ablate.expr.Interpreter;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One accuracy suite for every form of every variant: the scalar kernel, the SIMD kernel and the GPU
 * form (its expanded expression evaluated as the GPU does, in float64 then rounded to float32), each
 * against the float64 reference, within the bound the activation states. Inputs: a dense grid of
 * float32 values in [-30, 30], fresh random draws (seed printed on failure), and the edge cases.
 */
class AccuracySuiteTest {
  /** The catalogue with defaults, plus non-default parameters. */
  static final List<String> VARIANTS = Inputs.suiteVariants();

  private static final long SEED = new Random().nextLong();
  private static final float[] INPUTS = Inputs.all(new Random(SEED), 1 << 20, 150_000);
  private static final float[] UP = upValues(new Random(SEED + 1), INPUTS.length);
  private static final Map<String, double[]> REFERENCE = new ConcurrentHashMap<>();

  enum Form {
    SCALAR, SIMD, GPU
  }

  static Stream<Arguments> cases() {
    return VARIANTS.stream().flatMap(v -> Stream.of(Form.values()).map(f -> Arguments.of(v, f)));
  }

  private static float[] upValues(Random rnd, int n) {
    float[] up = new float[n];
    for (int i = 0; i < n; i++) {
      up[i] = (float) (rnd.nextGaussian() * 2);
    }
    // No ±∞ for up: f(gate)·∞ is 0·∞ = NaN in float32 wherever f(gate) underflows, while the
    // float64 reference keeps a tiny non-zero gate; GatedEdgeCasesTest covers ∞ separately.
    up[0] = Float.NaN;
    up[2] = -0f;
    return up;
  }

  static double[] reference(Variant v) {
    return REFERENCE.computeIfAbsent(v.name(), k -> {
      Interpreter.Compiled f = Interpreter.compile(v.definition());
      double[] ref = new double[INPUTS.length];
      double[] args = new double[v.arity()];
      for (int i = 0; i < INPUTS.length; i++) {
        args[0] = INPUTS[i];
        if (v.gated()) {
          args[1] = UP[i];
        }
        ref[i] = f.eval(args);
      }
      return ref;
    });
  }

  static float[] run(Variant v, Form form) {
    float[] out = new float[INPUTS.length];
    if (form == Form.GPU) {
      Interpreter.Compiled g = Interpreter.compile(GpuExpansion.expand(v.expression().orElseThrow()));
      double[] args = new double[v.arity()];
      for (int i = 0; i < out.length; i++) {
        args[0] = INPUTS[i];
        if (v.gated()) {
          args[1] = UP[i];
        }
        out[i] = (float) g.eval(args);
      }
      return out;
    }
    Kernel k = v.kernel(form == Form.SIMD ? Variant.Impl.SIMD : Variant.Impl.SCALAR);
    if (v.gated()) {
      k.applyGated(INPUTS, 0, UP, 0, out, 0, out.length);
    } else {
      k.apply(INPUTS, 0, out, 0, out.length);
    }
    return out;
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void everyFormIsWithinTheStatedBoundOfTheReference(String name, Form form) {
    if (form == Form.SIMD) {
      assertTrue(Simd.available(), "tests run with --add-modules jdk.incubator.vector");
    }
    Variant v = Catalogue.variant(name);
    AccuracyBound bound = v.activation().bound();
    double[] ref = reference(v);
    float[] out = run(v, form);
    int bad = 0;
    double worstUlp = 0;
    StringBuilder examples = new StringBuilder();
    for (int i = 0; i < out.length; i++) {
      double scale = v.gated() ? Math.abs(UP[i]) : 1;
      if (!bound.accepts(ref[i], out[i], scale)) {
        if (bad++ < 5) {
          examples.append(String.format("%n  x=%s%s ref=%s got=%s (%.2f ulp)", INPUTS[i],
              v.gated() ? " up=" + UP[i] : "", ref[i], out[i], AccuracyBound.ulpError(ref[i], out[i])));
        }
      } else if (Float.isFinite(out[i]) && Double.isFinite(ref[i]) && Math.abs(out[i] - ref[i]) > bound.absolute() * scale) {
        worstUlp = Math.max(worstUlp, AccuracyBound.ulpError(ref[i], out[i]));
      }
    }
    assertTrue(bad == 0, String.format("%s %s: %d of %d values outside %s (seed %d)%s", name, form,
        bad, out.length, bound, SEED, examples));
    System.out.printf("accuracy %-70s %-6s max %.2f ulp (outside the absolute floor)%n", name, form,
        worstUlp);
  }

  @Test
  void scalarKernelsAreWithinOneUlpOrTheFloor() {
    // The elementwise scalar forms compute in double and round once: within 1 ulp. Gated forms
    // round f(gate) and the product: the stated bound.
    for (String name : VARIANTS) {
      Variant v = Catalogue.variant(name);
      if (v.gated()) {
        continue;
      }
      AccuracyBound tight = new AccuracyBound(1, v.activation().bound().absolute());
      double[] ref = reference(v);
      float[] out = run(v, Form.SCALAR);
      for (int i = 0; i < out.length; i++) {
        double scale = v.gated() ? Math.abs(UP[i]) : 1;
        assertTrue(tight.accepts(ref[i], out[i], scale), () -> name + " scalar off by more than 1 ulp");
      }
    }
  }

  @Test
  void tinyOutputsFallThroughTheSubnormalsInsteadOfFlushingToZero() {
    // x·σ(k) for k in [-104, -85]: the true values are tiny normal and subnormal float32 numbers.
    // The absolute floor of the bounds would accept 0; this checks the SIMD forms keep them.
    float[] x = Inputs.grid(-104f, -85f, 20_000);
    for (String name : List.of("silu", "swish(beta=1.5)", "gelu_sigmoid", "sigmoid", "glu")) {
      Variant v = Catalogue.variant(name);
      Interpreter.Compiled ref = Interpreter.compile(v.definition());
      float[] out = new float[x.length];
      float[] ones = new float[x.length];
      java.util.Arrays.fill(ones, 1f);
      Kernel k = v.kernel(Variant.Impl.SIMD);
      if (v.gated()) {
        k.applyGated(x, 0, ones, 0, out, 0, x.length);
      } else {
        k.apply(x, 0, out, 0, x.length);
      }
      for (int i = 0; i < x.length; i++) {
        double r = ref.eval(new double[] {x[i], 1});
        if (Math.abs(r) >= Float.MIN_NORMAL) {
          double rel = Math.abs(out[i] - r) / Math.abs(r);
          assertTrue(rel < 1e-5, name + "(" + x[i] + ") = " + out[i] + ", reference " + r);
        } else if ((float) r != 0f) {
          assertTrue(out[i] != 0f, name + "(" + x[i] + ") flushed to zero; reference " + r);
        }
      }
    }
  }
}

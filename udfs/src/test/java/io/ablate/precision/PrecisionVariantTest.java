package io.ablate.precision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ablate.activation.Catalogue;
import io.ablate.activation.Variant;
import io.ablate.expr.GpuExpansion;
import io.ablate.expr.Interpreter;
import io.ablate.kernel.Inputs;
import io.ablate.kernel.Kernel;
import io.ablate.kernel.Simd;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Variants run at reduced precision (bf16, fp16, fp8, int8, fp64), every form of them — the SIMD
 * kernel, the scalar kernel and the GPU form (the expanded expression evaluated in float64, then cast
 * to float32, as the GPU does) — against a reference written here, independently of
 * {@link FloatFormat} and {@link Int8Quantiser}: the input rounded to the format (by bit fields), the
 * float64 definition, the output rounded to the format.
 *
 * <p>The float32 forms compute the function in float32, so their result may sit on the other side of
 * a rounding boundary of the format from the float64 value: one step of the format is allowed, and
 * the test asserts that this happens rarely (below 1% of inputs). Everything else must be equal,
 * sign of zero included.
 */
class PrecisionVariantTest {
  private static final long SEED = new Random().nextLong();

  /** Base activations under test (swiglu is gated: gate and up both rounded, the product too). */
  static final List<String> ACTIVATIONS = List.of("gelu", "gelu_tanh", "silu", "relu", "swiglu");

  /** Rarity bound of off-by-one-step results (fraction of inputs). */
  static final double RARE = 0.01;

  enum Form {
    SIMD, SCALAR, GPU
  }

  // ================================================================ independent model of the formats

  /**
   * One small float format, decoded from its bit fields: every non-negative finite value, ascending,
   * so that the index of a value equals its code (codes are monotone), and even index = even code.
   */
  static final class Model {
    final FloatFormat format;
    final double[] grid;
    final boolean hasInfinity;

    Model(FloatFormat format, int expBits, int manBits, int bias, boolean ieeeTop) {
      this.format = format;
      this.hasInfinity = ieeeTop;
      int codes = 1 << (expBits + manBits);
      int topExp = (1 << expBits) - 1;
      double[] v = new double[codes];
      int n = 0;
      for (int code = 0; code < codes; code++) {
        int e = code >>> manBits;
        int m = code & ((1 << manBits) - 1);
        if (ieeeTop && e == topExp) {
          continue; // ∞ and NaN
        }
        if (!ieeeTop && e == topExp && m == (1 << manBits) - 1) {
          continue; // E4M3FN: S.1111.111 is NaN; no infinities
        }
        v[n++] = e == 0 ? m * Math.pow(2, 1 - bias - manBits)
            : (1 + m / Math.pow(2, manBits)) * Math.pow(2, e - bias);
      }
      this.grid = Arrays.copyOf(v, n);
    }

    String name() {
      return format.name();
    }

    double max() {
      return grid[grid.length - 1];
    }

    /** Nearest value, ties to the even code; beyond the top: ∞ (IEEE-like) or saturation (E4M3). */
    double round(double x) {
      if (Double.isNaN(x)) {
        return x;
      }
      double a = Math.abs(x);
      double r;
      if (a >= max()) {
        double halfStep = (max() - grid[grid.length - 2]) / 2;
        // At max + halfStep the tie goes to the (even) code above max, which is ∞ or, in E4M3, NaN
        // territory that saturating conversion maps back to max.
        r = a < max() + halfStep ? max() : (hasInfinity ? Double.POSITIVE_INFINITY : max());
      } else {
        int i = Arrays.binarySearch(grid, a);
        if (i >= 0) {
          r = grid[i];
        } else {
          int hi = -i - 1;
          int lo = hi - 1;
          double dl = a - grid[lo];
          double dh = grid[hi] - a;
          r = dl < dh ? grid[lo] : dh < dl ? grid[hi] : (lo % 2 == 0 ? grid[lo] : grid[hi]);
        }
      }
      return Math.copySign(r, x);
    }

    /** Rounding of a float32 input; for bf16 by the classic bit trick, cross-checked with the grid. */
    float roundInput(float x) {
      float r = (float) round(x);
      if (format == FloatFormat.BF16) {
        float bits = bf16Bits(x);
        if (Float.floatToRawIntBits(bits) != Float.floatToRawIntBits(r)
            && !(Float.isNaN(bits) && Float.isNaN(r))) {
          throw new AssertionError("test models disagree on bf16(" + x + "): " + bits + " vs " + r);
        }
      }
      return r;
    }

    /** Position of a value of the format on the number line: ±index, ±0 at 0, ±∞ past the top. */
    int ordinal(double v) {
      int idx;
      if (Double.isInfinite(v)) {
        idx = grid.length;
      } else {
        idx = Arrays.binarySearch(grid, Math.abs(v));
        if (idx < 0) {
          throw new AssertionError(v + " is not a value of " + name());
        }
      }
      return v < 0 ? -idx : idx;
    }

    boolean isValue(float v) {
      if (Float.isNaN(v)) {
        return true;
      }
      if (Float.isInfinite(v)) {
        return hasInfinity;
      }
      return Arrays.binarySearch(grid, Math.abs((double) v)) >= 0;
    }
  }

  /** bf16 round-to-nearest-even of a float32 by its bits: add 0x7FFF plus the lowest kept bit. */
  static float bf16Bits(float x) {
    if (Float.isNaN(x)) {
      return x;
    }
    int b = Float.floatToRawIntBits(x);
    b = (b + 0x7FFF + ((b >>> 16) & 1)) & 0xFFFF0000;
    return Float.intBitsToFloat(b);
  }

  static final Model BF16 = new Model(FloatFormat.BF16, 8, 7, 127, true);
  static final Model FP16 = new Model(FloatFormat.FP16, 5, 10, 15, true);
  static final Model E4M3 = new Model(FloatFormat.FP8_E4M3, 4, 3, 7, false);
  static final Model E5M2 = new Model(FloatFormat.FP8_E5M2, 5, 2, 15, true);
  static final List<Model> MODELS = List.of(BF16, FP16, E4M3, E5M2);

  // ================================================================ inputs

  private static final Map<String, float[]> ELEMENTWISE_INPUTS = new ConcurrentHashMap<>();
  private static final Map<String, float[][]> GATED_INPUTS = new ConcurrentHashMap<>();
  private static final Map<String, double[]> REFERENCE = new ConcurrentHashMap<>();
  private static final Map<String, Interpreter.Compiled> GPU = new ConcurrentHashMap<>();

  /**
   * Every value of the format (both signs), every midpoint between neighbours and the floats next to
   * it (so input rounding is exercised at its ties), fresh random floats (Gaussian, uniform, random
   * bit patterns, log-uniform over the format's range) and the edge cases of {@link Inputs#EDGES}.
   */
  static float[] elementwiseInputs(Model m) {
    return ELEMENTWISE_INPUTS.computeIfAbsent(m.name(), k -> {
      Random rnd = new Random(SEED ^ m.name().hashCode());
      FloatList p = new FloatList();
      for (int i = 0; i < m.grid.length; i++) {
        for (int sign = -1; sign <= 1; sign += 2) {
          p.add((float) (sign * m.grid[i]));
          double mid = i + 1 < m.grid.length ? (m.grid[i] + m.grid[i + 1]) / 2 : m.grid[i] * 1.03;
          float f = (float) (sign * mid);
          p.add(f);
          p.add(Math.nextUp(f));
          p.add(Math.nextDown(f));
        }
      }
      for (float e : Inputs.EDGES) {
        p.add(e);
      }
      for (float f : Inputs.random(rnd, 60_000)) {
        p.add(f);
      }
      double lo = Math.log(m.grid[1]) - 2;
      double hi = Math.log(m.max()) + 1;
      for (int i = 0; i < 20_000; i++) {
        double mag = Math.exp(lo + (hi - lo) * rnd.nextDouble());
        p.add((float) (rnd.nextBoolean() ? mag : -mag));
      }
      return p.toArray();
    });
  }

  /**
   * Pairs (gate, up). fp8: every pair of finite values (both signs) plus specials. bf16/fp16: fresh
   * random gates (as for elementwise) against random ups. {@code up} is finite and |up| ≤ 65504 (or
   * NaN, ±0) except where the format saturates ∞ (E4M3): f(gate)·∞ is 0·∞ = NaN in float32 wherever
   * f(gate) underflows, while the float64 reference keeps a tiny non-zero gate value — a float32
   * limit, not a precision bug. For bf16, |up| ≤ 1024: a float32-subnormal f(gate) (gate ≲ −87) has
   * absolute error up to 2⁻¹⁵⁰, which times a huge |up| could exceed a bf16 step of the product.
   */
  static float[][] gatedInputs(Model m) {
    return GATED_INPUTS.computeIfAbsent(m.name(), k -> {
      Random rnd = new Random(SEED ^ (31 * m.name().hashCode()));
      FloatList g = new FloatList();
      FloatList u = new FloatList();
      if (m.grid.length < 256) {
        List<Float> values = new ArrayList<>();
        for (double v : m.grid) {
          values.add((float) v);
          values.add((float) -v);
        }
        List<Float> gates = new ArrayList<>(values);
        gates.addAll(List.of(Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1e6f, -1e6f));
        List<Float> ups = new ArrayList<>(values);
        ups.add(Float.NaN);
        if (!m.hasInfinity) {
          ups.addAll(List.of(Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1e6f, -1e6f));
        }
        for (float gate : gates) {
          for (float up : ups) {
            g.add(gate);
            u.add(up);
          }
        }
      }
      float upLimit = m == BF16 ? 1024f : 65504f;
      float[] gates = Inputs.random(rnd, 120_000);
      for (int i = 0; i < gates.length; i++) {
        g.add(gates[i]);
        float up;
        switch (i % 4) {
          case 0: up = (float) (rnd.nextGaussian() * 2); break;
          case 1: up = (float) (rnd.nextDouble() * 600 - 300); break;
          case 2: up = m.grid.length < 256 ? (float) (m.grid[rnd.nextInt(m.grid.length)]
              * (rnd.nextBoolean() ? 1 : -1)) : (float) (rnd.nextGaussian() * 30); break;
          default:
            do {
              up = Float.intBitsToFloat(rnd.nextInt());
            } while (!(Math.abs(up) <= upLimit));
        }
        u.add(up);
      }
      for (float e : Inputs.EDGES) {
        for (float up : new float[] {1f, -2.5f, 0f, -0f, Float.NaN, 1e-3f, 300f}) {
          g.add(e);
          u.add(up);
        }
      }
      return new float[][] {g.toArray(), u.toArray()};
    });
  }

  /** A growable float array. */
  static final class FloatList {
    float[] a = new float[1024];
    int n;

    void add(float f) {
      if (n == a.length) {
        a = Arrays.copyOf(a, 2 * n);
      }
      a[n++] = f;
    }

    float[] toArray() {
      return Arrays.copyOf(a, n);
    }
  }

  // ================================================================ reference and forms

  /** round(f64(round(x))) — or round(f64(round(gate), round(up))) — as doubles (values of the format). */
  static double[] reference(Variant v, Model m) {
    return REFERENCE.computeIfAbsent(v.name(), k -> {
      Interpreter.Compiled f = Interpreter.compile(v.definition());
      double[] args = new double[v.arity()];
      double[] ref;
      if (v.gated()) {
        float[][] in = gatedInputs(m);
        ref = new double[in[0].length];
        for (int i = 0; i < ref.length; i++) {
          args[0] = m.roundInput(in[0][i]);
          args[1] = m.roundInput(in[1][i]);
          ref[i] = m.round(f.eval(args));
        }
      } else {
        float[] in = elementwiseInputs(m);
        ref = new double[in.length];
        for (int i = 0; i < ref.length; i++) {
          args[0] = m.roundInput(in[i]);
          ref[i] = m.round(f.eval(args));
        }
      }
      return ref;
    });
  }

  /** One form of a variant over inputs (gate and up for gated variants). */
  static float[] run(Variant v, Form form, float[] x, float[] up) {
    float[] out = new float[x.length];
    if (form == Form.GPU) {
      Interpreter.Compiled g = GPU.computeIfAbsent(v.name(),
          k -> Interpreter.compile(GpuExpansion.expand(v.expression().orElseThrow())));
      double[] args = new double[v.arity()];
      for (int i = 0; i < out.length; i++) {
        args[0] = x[i];
        if (v.gated()) {
          args[1] = up[i];
        }
        out[i] = (float) g.eval(args);
      }
      return out;
    }
    Kernel k = v.kernel(form == Form.SIMD ? Variant.Impl.SIMD : Variant.Impl.SCALAR);
    if (form == Form.SIMD) {
      assertTrue(Simd.available(), "tests run with --add-modules jdk.incubator.vector");
      assertEquals("simd", k.impl(), v.name());
    } else {
      assertEquals("scalar", k.impl(), v.name());
    }
    if (v.gated()) {
      k.applyGated(x, 0, up, 0, out, 0, out.length);
    } else {
      k.apply(x, 0, out, 0, out.length);
    }
    return out;
  }

  static float run1(Variant v, Form form, float x) {
    return run(v, form, new float[] {x}, v.gated() ? new float[] {1f} : null)[0];
  }

  static Stream<Arguments> reducedCases() {
    List<Arguments> cases = new ArrayList<>();
    for (String a : ACTIVATIONS) {
      for (Model m : MODELS) {
        for (Form f : Form.values()) {
          cases.add(Arguments.of(a, m.name(), f));
        }
      }
    }
    return cases.stream();
  }

  static Model model(String name) {
    return MODELS.stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow();
  }

  // ================================================================ reduced float formats

  @ParameterizedTest(name = "{0}@{1} {2}")
  @MethodSource("reducedCases")
  void everyFormMatchesTheIndependentReferenceWithinOneStep(String activation, String format,
      Form form) {
    Model m = model(format);
    Variant v = Catalogue.variant(activation + "@" + format);
    assertEquals(new Precision.Reduced(m.format), v.precision());
    float[] x;
    float[] up = null;
    if (v.gated()) {
      float[][] in = gatedInputs(m);
      x = in[0];
      up = in[1];
    } else {
      x = elementwiseInputs(m);
    }
    double[] ref = reference(v, m);
    // Which inputs the rarity bound counts: all of them, except for the GPU form's sample, whose
    // specials are over-represented on purpose (only its random picks count).
    boolean[] counted = null;
    if (form == Form.GPU) {
      // The expanded GPU tree is large (every Round expansion repeats its argument), so its CPU
      // stand-in is slow: check it on a sample, specials included.
      int[] sel = gpuSample(x, up, m);
      Set<Integer> random = gpuRandomPicks(x);
      counted = new boolean[sel.length];
      for (int i = 0; i < sel.length; i++) {
        counted[i] = random.contains(sel[i]);
      }
      x = gather(x, sel);
      up = up == null ? null : gather(up, sel);
      double[] r = new double[sel.length];
      for (int i = 0; i < sel.length; i++) {
        r[i] = ref[sel[i]];
      }
      ref = r;
    }
    float[] out = run(v, form, x, up);

    // The float32 forms are specified to within their bound of the reference: ≤ n ulp, or within an
    // absolute floor (times |up| for gated activations). Where a float32 result is off by more than
    // an ulp but within that floor — e.g. a result of ~1e-37 flushed to zero — the rounded result
    // may be many steps of bf16 (which has float32's range) away. Those are accepted, counted and
    // must be rare too; everything else must be within one step.
    double floor = v.activation().bound().absolute();
    int bad = 0;
    int offByOne = 0;
    int withinFloor = 0;
    int countedInputs = 0;
    StringBuilder examples = new StringBuilder();
    StringBuilder steps = new StringBuilder();
    StringBuilder floors = new StringBuilder();
    for (int i = 0; i < out.length; i++) {
      double r = ref[i];
      float o = out[i];
      boolean count = counted == null || counted[i];
      if (count) {
        countedInputs++;
      }
      String where = String.format("%n  x=%s%s ref=%s got=%s", x[i], up != null ? " up=" + up[i] : "",
          r, o);
      if (Double.isNaN(r) || Float.isNaN(o)) {
        if (!(Double.isNaN(r) && Float.isNaN(o))) {
          if (bad++ < 8) {
            examples.append(where).append(" (NaN mismatch)");
          }
        }
        continue;
      }
      if (!m.isValue(o)) {
        if (bad++ < 8) {
          examples.append(where).append(" (not a value of ").append(format).append(')');
        }
        continue;
      }
      int d = Math.abs(m.ordinal(o) - m.ordinal(r));
      if (d == 0) {
        if (Float.floatToRawIntBits(o) != Float.floatToRawIntBits((float) r)) {
          if (bad++ < 8) {
            examples.append(where).append(" (sign of zero)");
          }
        }
      } else if (d == 1) {
        if (count && offByOne++ < 3) {
          steps.append(where);
        }
      } else if (Math.abs(o - r) <= floor * (up != null ? Math.abs(m.roundInput(up[i])) : 1)) {
        if (count && withinFloor++ < 3) {
          floors.append(where);
        }
      } else {
        if (bad++ < 8) {
          examples.append(where).append(" (").append(d).append(" steps)");
        }
      }
    }
    String name = v.name() + " " + form;
    assertTrue(bad == 0, String.format("%s: %d of %d values wrong (seed %d)%s", name, bad, out.length,
        SEED, examples));
    assertTrue(offByOne <= RARE * countedInputs, String.format(
        "%s: %d of %d values one step off, not rare (seed %d)%s", name, offByOne, countedInputs, SEED,
        steps));
    assertTrue(withinFloor <= RARE * countedInputs, String.format(
        "%s: %d of %d values off by more than a step (within the float32 absolute floor %s), not rare"
        + " (seed %d)%s", name, withinFloor, countedInputs, floor, SEED, floors));
    System.out.printf("precision %-22s %-6s %7d inputs, %5d one step off, %4d more but within the"
        + " float32 floor%s%s%n", v.name(), form, out.length, offByOne, withinFloor, steps, floors);
  }

  /** Sample size of the GPU form: random picks, plus special inputs. */
  static final int GPU_SAMPLE = 1200;

  /**
   * Indices for the GPU form: every input that is not finite, zero, beyond the format's range or in
   * its subnormal range (at most 400 of those, spread), and {@link #GPU_SAMPLE} random others.
   */
  static int[] gpuSample(float[] x, float[] up, Model m) {
    Random rnd = new Random(SEED ^ x.length);
    List<Integer> special = new ArrayList<>();
    for (int i = 0; i < x.length; i++) {
      if (isSpecial(x[i], m) || (up != null && isSpecial(up[i], m))) {
        special.add(i);
      }
    }
    Set<Integer> picked = new java.util.TreeSet<>();
    for (int i = 0; i < GPU_SAMPLE; i++) {
      picked.add(rnd.nextInt(x.length));
    }
    int step = Math.max(1, special.size() / 400);
    for (int i = rnd.nextInt(step); i < special.size(); i += step) {
      picked.add(special.get(i));
    }
    return picked.stream().mapToInt(Integer::intValue).toArray();
  }

  /** The random picks of {@link #gpuSample} (same seed), which the rarity bound applies to. */
  static Set<Integer> gpuRandomPicks(float[] x) {
    Random rnd = new Random(SEED ^ x.length);
    Set<Integer> picked = new HashSet<>();
    for (int i = 0; i < GPU_SAMPLE; i++) {
      picked.add(rnd.nextInt(x.length));
    }
    return picked;
  }

  static boolean isSpecial(float f, Model m) {
    double a = Math.abs((double) f);
    return !Float.isFinite(f) || f == 0 || a >= m.max() || a < Math.scalb(1.0, m.format.minExponent());
  }

  static float[] gather(float[] a, int[] sel) {
    float[] out = new float[sel.length];
    for (int i = 0; i < sel.length; i++) {
      out[i] = a[sel[i]];
    }
    return out;
  }

  static Stream<Arguments> forms() {
    return Stream.of(Form.values()).map(Arguments::of);
  }

  @ParameterizedTest
  @MethodSource("forms")
  void fp8E4M3SaturatesAndKeepsNaN(Form form) {
    Variant v = Catalogue.variant("gelu@fp8_e4m3");
    assertEquals(448f, run1(v, form, 1e6f));
    assertEquals(448f, run1(v, form, Float.POSITIVE_INFINITY));
    assertEquals(448f, run1(v, form, Float.MAX_VALUE));
    assertEquals(448f, run1(v, form, 464f)); // the tie above the top saturates too
    assertEquals(448f, run1(v, form, 448f));
    assertTrue(Float.isNaN(run1(v, form, Float.NaN)));
    assertEquals(-0f, run1(v, form, Float.NEGATIVE_INFINITY));
    assertEquals(-0f, run1(v, form, -1e6f)); // gelu(-448) underflows to -0
    Variant relu = Catalogue.variant("relu@fp8_e4m3");
    assertEquals(448f, run1(relu, form, Float.POSITIVE_INFINITY));
    assertEquals(416f, run1(relu, form, 431.9f));
    assertEquals(448f, run1(relu, form, 432f)); // tie between 416 and 448: to the even code (448)
  }

  @ParameterizedTest
  @MethodSource("forms")
  void fp8E5M2AndFp16OverflowToInfinity(Form form) {
    Variant gelu = Catalogue.variant("gelu@fp8_e5m2");
    assertEquals(Float.POSITIVE_INFINITY, run1(gelu, form, 1e6f));
    assertEquals(Float.POSITIVE_INFINITY, run1(gelu, form, Float.POSITIVE_INFINITY));
    assertEquals(57344f, run1(gelu, form, 57344f));
    assertEquals(Float.POSITIVE_INFINITY, run1(gelu, form, 61440f)); // the tie above the top
    assertEquals(57344f, run1(gelu, form, 61439f));
    assertTrue(Float.isNaN(run1(gelu, form, Float.NaN)));

    Variant relu = Catalogue.variant("relu@fp16");
    assertEquals(Float.POSITIVE_INFINITY, run1(relu, form, 70000f));
    assertEquals(Float.POSITIVE_INFINITY, run1(relu, form, 65520f));
    assertEquals(65504f, run1(relu, form, 65519f));
    assertEquals(65504f, run1(relu, form, 65504f));
    assertEquals(0f, run1(relu, form, -70000f));
    assertEquals(Float.POSITIVE_INFINITY, run1(Catalogue.variant("relu@bf16"), form, Float.MAX_VALUE));

    Variant swiglu = Catalogue.variant("swiglu@fp16");
    float[] out = run(swiglu, form, new float[] {300f, 300f}, new float[] {300f, -300f});
    assertEquals(Float.POSITIVE_INFINITY, out[0]); // 300·300 = 90000 > 65504
    assertEquals(Float.NEGATIVE_INFINITY, out[1]);
  }

  @ParameterizedTest
  @MethodSource("forms")
  void bf16KeepsSubnormals(Form form) {
    Variant relu = Catalogue.variant("relu@bf16");
    float expected = bf16Bits(1e-40f);
    assertEquals(Math.scalb(1f, -133), expected, "the test's own bf16 rounding");
    float got = run1(relu, form, 1e-40f);
    assertEquals(expected, got);
    assertTrue(got > 0);
    assertEquals(Math.scalb(1f, -133), run1(relu, form, Math.scalb(1f, -133)));
    assertEquals(Math.scalb(3f, -130), run1(relu, form, Math.scalb(3f, -130)));
    assertEquals(0f, run1(relu, form, Math.scalb(1f, -134))); // the tie below the smallest: to 0
    assertEquals(Math.scalb(1f, -133), run1(relu, form, Math.nextUp(Math.scalb(1f, -134))));
    // fp16: 1e-40 is far below its smallest subnormal (2^-24), so it flushes to zero.
    assertEquals(0f, run1(Catalogue.variant("relu@fp16"), form, 1e-40f));
    assertEquals(Math.scalb(1f, -24), run1(Catalogue.variant("relu@fp16"), form, 6e-8f));
  }

  // ================================================================ int8, static scale

  /** Independent fake quantisation: clamp(rint(x / s), −127, 127) · s, in double; NaN stays NaN. */
  static double q(double x, double s) {
    double level = Math.rint(x / s);
    if (level > 127) {
      level = 127;
    } else if (level < -127) {
      level = -127;
    }
    return level * s;
  }

  static Stream<Arguments> staticInt8Forms() {
    return forms();
  }

  @ParameterizedTest
  @MethodSource("staticInt8Forms")
  void staticInt8MatchesTheIndependentQuantiser(Form form) {
    double s = 0.05;
    Variant v = Catalogue.variant("gelu@int8(scale=0.05)");
    Interpreter.Compiled gelu = Interpreter.compile(v.definition());
    Random rnd = new Random(SEED + 8);
    FloatList in = new FloatList();
    for (int k = -140; k <= 140; k++) { // every level, and the boundaries between levels
      float mid = (float) ((k + 0.5) * s);
      in.add((float) (k * s));
      in.add(mid);
      in.add(Math.nextUp(mid));
      in.add(Math.nextDown(mid));
    }
    for (float e : Inputs.EDGES) {
      in.add(e);
    }
    for (float f : Inputs.random(rnd, 30_000)) {
      in.add(f);
    }
    for (int i = 0; i < 30_000; i++) {
      in.add((float) (rnd.nextDouble() * 16 - 8));
    }
    float[] x = in.toArray();
    float[] out = run(v, form, x, null);

    int bad = 0;
    int offByOne = 0;
    StringBuilder examples = new StringBuilder();
    for (int i = 0; i < x.length; i++) {
      // The kernels store the quantised input as float32; the GPU form keeps it in double.
      double xq = form == Form.GPU ? q(x[i], s) : (float) q(x[i], s);
      double ref = q(gelu.eval(xq), s);
      float o = out[i];
      String where = String.format("%n  x=%s ref=%s got=%s", x[i], ref, o);
      if (Double.isNaN(ref) || Float.isNaN(o)) {
        if (!(Double.isNaN(ref) && Float.isNaN(o)) && bad++ < 8) {
          examples.append(where).append(" (NaN mismatch)");
        }
        continue;
      }
      double level = Math.rint(o / s);
      if (Math.abs(level) > 127 || o != (float) (level * s)) {
        if (bad++ < 8) {
          examples.append(where).append(" (not on the int8 grid)");
        }
        continue;
      }
      double d = Math.abs(level - Math.rint(ref / s));
      if (d == 1) {
        offByOne++;
      } else if (d > 1 && bad++ < 8) {
        examples.append(where).append(" (").append(d).append(" levels)");
      }
    }
    assertTrue(bad == 0, String.format("%s %s: %d of %d wrong (seed %d)%s", v.name(), form, bad,
        x.length, SEED, examples));
    assertTrue(offByOne <= RARE * x.length, v.name() + " " + form + ": " + offByOne
        + " values one level off (seed " + SEED + ")");
    // Saturation and NaN.
    assertEquals((float) (127 * s), run1(v, form, Float.POSITIVE_INFINITY));
    assertEquals((float) (127 * s), run1(v, form, 1e6f));
    assertEquals((float) (127 * s), run1(v, form, 6.35f));
    assertEquals((float) q(gelu.eval(-127 * s), s), run1(v, form, Float.NEGATIVE_INFINITY));
    assertTrue(Float.isNaN(run1(v, form, Float.NaN)));
    assertEquals(0f, run1(v, form, 0.02f)); // below half a level: 0 in, gelu(0) = 0 out
    System.out.printf("precision %-22s %-6s %7d inputs, %5d one level off%n", v.name(), form,
        x.length, offByOne);
  }

  // ================================================================ int8, dynamic calibration

  /**
   * The scale of one tensor, independently: (absmax, or the nearest-rank percentile — the k-th
   * smallest with k = ⌈p·n/100⌉, computed exactly — of the finite |values|) / 127; 0 when none.
   */
  static double calibrate(float[] v, BigDecimal percentile) {
    double[] mags = new double[v.length];
    int n = 0;
    for (float f : v) {
      if (Float.isFinite(f)) {
        mags[n++] = Math.abs((double) f);
      }
    }
    if (n == 0) {
      return 0;
    }
    if (percentile == null) {
      double max = 0;
      for (int i = 0; i < n; i++) {
        max = Math.max(max, mags[i]);
      }
      return max / 127.0;
    }
    double[] sorted = Arrays.copyOf(mags, n);
    Arrays.sort(sorted);
    int k = percentile.multiply(BigDecimal.valueOf(n)).divide(BigDecimal.valueOf(100))
        .setScale(0, RoundingMode.CEILING).intValueExact();
    return sorted[Math.max(1, Math.min(n, k)) - 1] / 127.0;
  }

  static Stream<Arguments> dynamicCases() {
    List<Arguments> cases = new ArrayList<>();
    for (String spec : List.of("silu@int8", "silu@int8(calib=p99)")) {
      for (Form f : List.of(Form.SIMD, Form.SCALAR)) {
        cases.add(Arguments.of(spec, f));
      }
    }
    return cases.stream();
  }

  /**
   * Each kernel call is one tensor. The kernel (1) calibrates the input scale on the float32 input,
   * (2) quantises the input, (3) applies its float32 silu, (4) calibrates the output scale on those
   * float32 outputs and (5) quantises them. The reference mirrors that definition with the exact
   * function: steps 1–2 are reproduced exactly (same float32 input tensor); in step 3 it takes the
   * float64 silu; the output scale (step 4) is calibrated on that float64 silu rounded to float32 —
   * the correctly rounded float32 function, within 2 ulp of the kernel's — and step 5 quantises the
   * float64 value. So the output scales agree to a few float32 ulp, and a level may differ by one
   * where a value falls next to a rounding boundary of the int8 grid; that must be rare.
   */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("dynamicCases")
  void dynamicInt8MatchesTheIndependentCalibration(String spec, Form form) {
    Variant v = Catalogue.variant(spec);
    assertTrue(v.expression().isEmpty(), "dynamic int8 has no closed form (no GPU expression)");
    Precision.Int8 p = (Precision.Int8) v.precision();
    BigDecimal percentile = Double.isNaN(p.percentile()) ? null : new BigDecimal("99");
    if (percentile != null) {
      assertEquals(99.0, p.percentile());
    }
    Interpreter.Compiled silu = Interpreter.compile(v.definition());
    Kernel k = v.kernel(form == Form.SIMD ? Variant.Impl.SIMD : Variant.Impl.SCALAR);
    Random rnd = new Random(SEED + spec.hashCode() + form.ordinal());

    long elements = 0;
    long offByOne = 0;
    int[] lengths = {1, 2, 7, 8, 9, 15, 16, 17, 100, 1000, 1023};
    for (int trial = 0; trial < 60; trial++) {
      int n = trial < lengths.length ? lengths[trial] : 1 + rnd.nextInt(4000);
      float[] x = tensor(rnd, n, trial);
      int offset = rnd.nextInt(5); // kernels must honour offsets
      float[] padded = new float[n + offset + 3];
      Arrays.fill(padded, Float.NaN);
      System.arraycopy(x, 0, padded, offset, n);
      float[] outPadded = new float[n + offset + 3];
      Arrays.fill(outPadded, 12345f);
      k.apply(padded, offset, outPadded, offset, n);
      for (int i = 0; i < offset; i++) {
        assertEquals(12345f, outPadded[i], "wrote before its output range");
      }
      for (int i = offset + n; i < outPadded.length; i++) {
        assertEquals(12345f, outPadded[i], "wrote past its output range");
      }
      float[] out = Arrays.copyOfRange(outPadded, offset, offset + n);

      // The reference (see the method's comment).
      double sIn = calibrate(x, percentile);
      double[] y64 = new double[n];
      float[] y32 = new float[n];
      for (int i = 0; i < n; i++) {
        double xq = sIn == 0 ? x[i] : (float) q(x[i], sIn);
        y64[i] = silu.eval(xq);
        y32[i] = (float) y64[i];
      }
      double sOut = calibrate(y32, percentile);

      String ctx = String.format("%s %s trial %d (n=%d, seed %d, sIn=%s, sOut=%s)", spec, form, trial,
          n, SEED, sIn, sOut);
      Set<Float> distinct = new HashSet<>();
      for (int i = 0; i < n; i++) {
        float o = out[i];
        String where = ctx + String.format(": x[%d]=%s y=%s got=%s", i, x[i], y64[i], o);
        assertEquals(Float.isNaN(x[i]), Float.isNaN(o), where + " (NaN in iff NaN out)");
        if (Float.isNaN(o)) {
          continue;
        }
        distinct.add(o + 0f); // -0 and +0 are one level
        elements++;
        if (sOut == 0) {
          // No finite non-zero output: the output scale is 0, every value becomes a signed zero.
          assertEquals(Math.copySign(0f, y32[i]), o, 0.0, where);
          continue;
        }
        double level = Math.rint(o / sOut);
        assertTrue(Math.abs(level) <= 127, where + " (beyond ±127 levels)");
        // On the grid: level·s, rounded to float32 (with a subnormal scale the grid itself is only
        // representable to float32's subnormal spacing).
        assertTrue(Math.abs(o - level * sOut) <= 1e-4 * sOut || o == (float) (level * sOut),
            where + " (not on the int8 grid)");
        double refLevel = Math.rint(q(y64[i], sOut) / sOut);
        double d = Math.abs(level - refLevel);
        assertTrue(d <= 1, where + " (expected level " + refLevel + ", got " + level + ")");
        if (d == 1) {
          offByOne++;
        }
        if (x[i] == Float.POSITIVE_INFINITY && 127 * sIn >= 1) {
          // +∞ saturates to +127·sIn, the largest input, whose silu is the largest output.
          assertEquals(127, level, where + " (+∞ must saturate)");
        }
      }
      assertTrue(distinct.size() <= 255, ctx + ": " + distinct.size() + " distinct outputs");
    }
    assertTrue(offByOne <= RARE * elements, spec + " " + form + ": " + offByOne + " of " + elements
        + " one level off (seed " + SEED + ")");
    System.out.printf("precision %-22s %-6s %7d elements, %5d one level off%n", spec, form, elements,
        offByOne);
  }

  /** One random tensor: Gaussian of a random scale, sometimes with zeros, subnormals, NaN and ±∞. */
  static float[] tensor(Random rnd, int n, int trial) {
    double sigma = Math.pow(10, rnd.nextDouble() * 6 - 3);
    double shift = trial % 5 == 4 ? sigma * 2 : 0;
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) (rnd.nextGaussian() * sigma + shift);
    }
    if (trial % 3 == 1 && n > 3) {
      x[rnd.nextInt(n)] = Float.NaN;
      x[rnd.nextInt(n)] = Float.POSITIVE_INFINITY;
      x[rnd.nextInt(n)] = Float.NEGATIVE_INFINITY;
    }
    if (trial % 4 == 2 && n > 3) {
      x[rnd.nextInt(n)] = 0f;
      x[rnd.nextInt(n)] = -0f;
      x[rnd.nextInt(n)] = Float.MIN_VALUE;
      x[rnd.nextInt(n)] = -1e-40f;
    }
    return x;
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("dynamicCases")
  void dynamicInt8EdgeTensors(String spec, Form form) {
    Variant v = Catalogue.variant(spec);
    Kernel k = v.kernel(form == Form.SIMD ? Variant.Impl.SIMD : Variant.Impl.SCALAR);
    // All zeros stays zero (scale 0).
    float[] zeros = new float[37];
    zeros[3] = -0f;
    float[] out = new float[zeros.length];
    k.apply(zeros, 0, out, 0, zeros.length);
    for (float o : out) {
      assertEquals(0f, o, 0.0, spec + " of zeros");
    }
    // NaN stays NaN, ±∞ saturate to ±127·sIn before the function.
    float[] x = {1f, -2f, 3f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0.5f, -0.25f};
    out = new float[x.length];
    k.apply(x, 0, out, 0, x.length);
    assertTrue(Float.isNaN(out[3]), spec);
    // Input scale 3/127 (absmax and p99 agree here: p99 of 7 finite values is the largest): +∞ → 3,
    // −∞ → −3; the outputs silu(3) = 2.857..., the largest, and silu(−3) = −0.142...
    assertEquals(out[2], out[4], spec + ": +∞ saturates to the largest input");
    float sOut = out[4] / 127f;
    assertEquals(Math.rint(-3 / (1 + Math.exp(3)) / sOut), Math.rint(out[5] / sOut), spec);
    assertEquals(3 / (1 + Math.exp(-3)), out[4], 1e-5, spec);
    // A single element is its own scale: quantised exactly (level ±127).
    for (float one : new float[] {2f, -7.5f, 1e-30f, 1e30f}) {
      float[] o1 = new float[1];
      k.apply(new float[] {one}, 0, o1, 0, 1);
      assertEquals((float) (one / (1 + Math.exp(-one))), o1[0], Math.ulp(o1[0]) * 2, spec + " of " + one);
    }
  }

  // ================================================================ fp64

  @Test
  void fp64KernelIsTheReferenceRoundedToFloat() {
    Variant v = Catalogue.variant("gelu@fp64");
    assertEquals(Precision.FP64, v.precision());
    Interpreter.Compiled f = Interpreter.compile(v.definition());
    float[] x = Inputs.all(new Random(SEED + 64), 1 << 14, 50_000);
    for (Variant.Impl impl : Variant.Impl.values()) {
      float[] out = new float[x.length];
      v.kernel(impl).apply(x, 0, out, 0, x.length);
      for (int i = 0; i < x.length; i++) {
        float expected = (float) f.eval(x[i]);
        boolean same = Float.isNaN(expected) ? Float.isNaN(out[i])
            : Float.floatToRawIntBits(expected) == Float.floatToRawIntBits(out[i]);
        int j = i;
        assertTrue(same, () -> String.format("gelu@fp64 %s: x=%s expected %s got %s (seed %d)", impl,
            x[j], expected, out[j], SEED));
      }
    }
    // Gated too: swiglu@fp64 is the float64 product rounded once.
    Variant g = Catalogue.variant("swiglu@fp64");
    Interpreter.Compiled gf = Interpreter.compile(g.definition());
    float[] up = new float[x.length];
    Random rnd = new Random(SEED + 65);
    for (int i = 0; i < up.length; i++) {
      up[i] = (float) (rnd.nextGaussian() * 3);
    }
    float[] out = new float[x.length];
    g.kernel(Variant.Impl.SIMD).applyGated(x, 0, up, 0, out, 0, x.length);
    for (int i = 0; i < x.length; i++) {
      float expected = (float) gf.eval(new double[] {x[i], up[i]});
      assertEquals(expected, out[i], 0.0, "swiglu@fp64 x=" + x[i] + " up=" + up[i]);
    }
  }
}

package io.ablate.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.ablate.activation.AccuracyBound;
import io.ablate.activation.Activation;
import io.ablate.activation.Catalogue;
import io.ablate.activation.Params;
import io.ablate.activation.Variant;
import io.ablate.expr.Interpreter;
import io.ablate.kernel.Inputs;
import io.ablate.precision.FloatFormat;
import io.ablate.precision.Precision;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link TorchExpr} against the float64 definition, for every variant of the catalogue (defaults,
 * a few other parameters, precision variants): its forward values within the variant's bound (and
 * the reference rounded to float32, to one ulp, wherever the output is not tiny), and its autograd
 * gradients against central differences of the definition.
 *
 * <p>Gradients: sum(f) is differentiated with respect to x (and up, and each parameter item); the
 * expected value is the central difference (step h = 1e-7·max(1, |t|)) of the float64 definition,
 * within 1e-6·max(1, |expected|) (for a parameter, the sum's scale Σ|∂f/∂p|): that covers the
 * float32 rounding of the gradient (6e-8 relative) and the difference's own error (h²·f‴/6 and
 * 1e-16·|f|/h, both below 1e-8 here). Non-differentiable spots (relu's 0, hard_swish's ±3, the zero
 * of rational's |x·Q(x)|) are excluded where they lie within one step of a point: there the two
 * one-sided differences of the definition disagree by the jump of the derivative (by more than
 * 1e-3 relative, far above what curvature gives at this step). Random points land there with a
 * probability near 1e-8; at most 10% of a variant's points may be excluded. Precision variants are
 * straight-through: their gradient is the unrounded definition's at the inputs as the variant
 * rounds them, checked the same way (int8's scale keeps the points inside its clamp).
 */
class TorchExprTest {
  private static final long SEED = new SplittableRandom().nextLong();
  static final String RATIONAL = "rational(p=[0.0218,0.5,1.5957,1.1915,0.5,0.0218],q=[2.383,0,1,0])";
  private static final double TOLERANCE = 1e-6;
  /** One-sided differences further apart than this (relative) reveal a kink within one step. */
  private static final double KINK = 1e-3;
  private static NDManager manager;
  private static Engine engine;

  static List<String> variants() {
    List<String> v = new ArrayList<>();
    for (Activation a : Catalogue.all()) {
      if (!a.name().equals("rational")) { // no default coefficients
        v.add(a.name());
      }
    }
    v.addAll(List.of("swish(beta=1.5)", RATIONAL, "leaky_relu(alpha=0.2)", "softplus(beta=2)",
        "elu(alpha=0.5)", "gelu@bf16", "gelu@int8(scale=0.1)", "gelu@fp8_e4m3", "silu@fp16",
        "swiglu@bf16", "geglu@fp8_e5m2", "swish(beta=1.5)@bf16"));
    return v;
  }

  @BeforeAll
  static void engine() {
    engine = DjlModel.Engines.pytorch();
    manager = engine.newBaseManager();
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  /** Edge cases and draws at several scales, then the same shuffled as the up projection. */
  private static float[][] valueInputs(SplittableRandom rnd) {
    List<Float> x = new ArrayList<>();
    for (float e : Inputs.EDGES) {
      x.add(e);
    }
    for (double scale : new double[] {1e-3, 1, 8, 1e3}) {
      for (int i = 0; i < 500; i++) {
        x.add((float) (rnd.nextGaussian() * scale));
      }
    }
    for (int i = 0; i < 500; i++) {
      x.add((float) rnd.nextDouble(-30, 30));
      x.add(Float.intBitsToFloat(rnd.nextInt())); // every exponent, subnormals and NaN included
    }
    float[] gate = new float[x.size()];
    float[] up = new float[x.size()];
    for (int i = 0; i < gate.length; i++) {
      gate[i] = x.get(i);
      // edge cases of up meet random gates, and edge gates random ups
      up[i] = i < Inputs.EDGES.length ? (float) (rnd.nextGaussian() * 2)
          : i < 2 * Inputs.EDGES.length ? Inputs.EDGES[i - Inputs.EDGES.length]
          : (float) (rnd.nextGaussian() * 2);
    }
    return new float[][] {gate, up};
  }

  static Stream<Arguments> variantsAndTypes() {
    return variants().stream().flatMap(v -> Stream.of(DataType.FLOAT32, DataType.FLOAT64)
        .map(t -> Arguments.of(v, t)));
  }

  /**
   * In float32 (training's type) the values are within the variant's bound, with two exceptions
   * the float32 CPU kernels do not have, or have too: a precision variant's function computed in
   * float32 may land on the other side of a rounding boundary of its format, one step off, at a
   * few inputs (under 1%, the rule of the CPU kernels' precision test); and rational, whose kernels
   * evaluate its polynomials in double, is within the error of Horner's rule in float32
   * ({@link #rationalFloat32Error}) up to |x| = 1e7 (beyond ≈ 5e7 its powers overflow). In float64
   * they are
   * the reference rounded to float32 (to one ulp, and to the bit for the precision variants,
   * wherever the value is not tiny), with the reference's sign of zero.
   */
  /** The absolute floor of the training form in float32 (see the test below). */
  static final double TRAINING_FLOOR = 1e-7;

  @ParameterizedTest
  @MethodSource("variantsAndTypes")
  void forwardIsTheDefinitionWithinItsBound(String name, DataType type) {
    Variant v = Catalogue.variant(name);
    SplittableRandom rnd = new SplittableRandom(SEED ^ name.hashCode());
    float[][] in = valueInputs(rnd);
    double[] got;
    try (NDManager m = manager.newSubManager()) {
      NDArray x = DjlModel.owned(m, in[0], new Shape(in[0].length)).toType(type, false);
      NDArray up = DjlModel.owned(m, in[1], new Shape(in[1].length)).toType(type, false);
      NDArray y = v.gated() ? TorchExpr.of(v).apply(x, up) : TorchExpr.of(v).apply(x);
      assertEquals(type, y.getDataType());
      got = y.toType(DataType.FLOAT64, false).toDoubleArray();
    }
    Interpreter.Compiled ref = Interpreter.compile(v.expression().orElseThrow());
    AccuracyBound stated = v.activation().bound();
    // The training form is PyTorch's float32 ops: its exponentials round their argument and flush
    // where e^−k overflows, so in the left tails it holds the 1e-7 absolute floor, not the ulp
    // bound that the CPU and GPU forms of some activations hold down to the subnormals.
    AccuracyBound bound = new AccuracyBound(stated.ulps(), Math.max(stated.absolute(),
        TRAINING_FLOOR));
    boolean exact = type == DataType.FLOAT64;
    boolean rounded = !(v.precision() instanceof Precision.Float32);
    int stepsOff = 0;
    for (int i = 0; i < got.length; i++) {
      double want = v.gated() ? ref.eval(new double[] {in[0][i], in[1][i]}) : ref.eval(in[0][i]);
      float g = (float) got[i];
      float w = (float) want;
      String at = name + " in " + type + " at x = " + in[0][i]
          + (v.gated() ? ", up = " + in[1][i] : "") + " (seed " + SEED + "): want " + want
          + ", got " + got[i];
      boolean rational = v.activation().name().equals("rational");
      if (!exact && rational) {
        if (Math.abs(in[0][i]) <= 1e7 && !Double.isNaN(want)) {
          assertTrue(Math.abs(g - want) <= rationalFloat32Error(v.params(), in[0][i], want), at);
        }
      } else if (!bound.accepts(want, g, v.gated() ? Math.abs(in[1][i]) : 1)) {
        double step = step(v.precision(), Math.max(Math.abs(g), Math.abs(w)));
        assertTrue(!exact && rounded && Math.abs(g - w) <= step, at);
        stepsOff++;
      }
      if (exact && want == 0) {
        assertEquals(Double.doubleToRawLongBits(want) < 0, Float.floatToRawIntBits(g) < 0,
            "sign of zero, " + at);
      }
      if (exact && Math.abs(want) >= 1e-6 && Float.isFinite(w)) {
        // the reference rounded to float32: up to a double rounding, and exactly when rounded
        assertTrue(rounded ? g == w : Math.abs(g - w) <= Math.ulp(w), at);
      }
    }
    assertTrue(stepsOff <= 0.01 * got.length, name + ": " + stepsOff + " of " + got.length
        + " values one step of the format off (seed " + SEED + ")");
  }

  /**
   * The error bound of rational in float32, where the kernels' 1 ulp (they evaluate in double)
   * does not hold: Horner's rule over k coefficients errs by at most about 2k·u·Σ|c_j|·|x|^j
   * (u = 2⁻²⁴, one more u per coefficient rounded to float32), so the numerator adds that over the
   * denominator D = 1 + |x·Q(x)|, the denominator its relative error times the value, and the
   * division one rounding.
   */
  private static double rationalFloat32Error(Params p, double x, double value) {
    double[] pc = p.list("p");
    double[] qc = p.list("q");
    double u = 0x1p-24;
    double sp = 0;
    for (int j = 0; j < pc.length; j++) {
      sp += Math.abs(pc[j]) * Math.pow(Math.abs(x), j);
    }
    double sq = 0;
    double xq = 0;
    for (int j = 0; j < qc.length; j++) {
      sq += Math.abs(qc[j]) * Math.pow(Math.abs(x), j + 1);
      xq += qc[j] * Math.pow(x, j + 1);
    }
    double d = 1 + Math.abs(xq);
    double v = Math.abs(value);
    return 2 * u * ((pc.length + 1) * sp + (qc.length + 2) * v * (1 + sq)) / d + u * v;
  }

  /** One step of the precision's grid at magnitude {@code a}: its quantum, or int8's scale. */
  private static double step(Precision p, double a) {
    if (p instanceof Precision.Reduced r) {
      FloatFormat f = r.format();
      return Math.scalb(1.0, Math.max(Math.getExponent(a), f.minExponent()) - f.mantissaBits());
    } else if (p instanceof Precision.Int8 q) {
      return q.scale();
    }
    return 0;
  }

  /** Central difference of g at t, or NaN where a kink lies within one step (see the class). */
  private static double derivative(DoubleUnaryOperator g, double t) {
    double h = step(t);
    return derivative(g.applyAsDouble(t - h), g.applyAsDouble(t), g.applyAsDouble(t + h), h);
  }

  private static double step(double t) {
    return 1e-7 * Math.max(1, Math.abs(t));
  }

  private static double derivative(double fm, double f0, double fp, double h) {
    double central = (fp - fm) / (2 * h);
    double disagreement = Math.abs((fp - f0) / h - (f0 - fm) / h);
    return disagreement <= KINK * Math.max(1, Math.abs(central)) ? central : Double.NaN;
  }

  private static void assertGradient(double want, double scale, float got, String at) {
    assertTrue(Math.abs(got - want) <= TOLERANCE * Math.max(1, scale),
        at + " (seed " + SEED + "): want " + want + ", got " + got);
  }

  @ParameterizedTest
  @MethodSource("variants")
  void gradientsAreTheDefinitionsDerivatives(String name) {
    Variant v = Catalogue.variant(name);
    SplittableRandom rnd = new SplittableRandom(SEED ^ ~name.hashCode());
    boolean learnable = !v.params().isEmpty() && v.precision() instanceof Precision.Float32;
    // Straight-through: the unrounded definition at the inputs as the variant rounds them, and at
    // the parameter values the learnable tensors hold (float32).
    Interpreter.Compiled toPrecision = Interpreter.compile(
        Catalogue.variant("identity@" + v.precision().name()).expression().orElseThrow());
    Map<String, double[]> values = new HashMap<>();
    for (String p : v.params().names()) {
      double[] w = v.params().list(p);
      for (int i = 0; learnable && i < w.length; i++) {
        w[i] = (float) w[i];
      }
      values.put(p, w);
    }
    Interpreter.Compiled def = definition(v, values);
    // Per parameter item: the definition with the item moved one step down and one up.
    List<String> items = new ArrayList<>();
    List<Interpreter.Compiled[]> moved = new ArrayList<>();
    List<Double> steps = new ArrayList<>();
    for (String p : learnable ? v.params().names() : List.<String>of()) {
      for (int item = 0; item < values.get(p).length; item++) {
        double h = step(values.get(p)[item]);
        Interpreter.Compiled[] pair = new Interpreter.Compiled[2];
        for (int side = 0; side < 2; side++) {
          Map<String, double[]> m = new HashMap<>(values);
          double[] w = values.get(p).clone();
          w[item] += side == 0 ? -h : h;
          m.put(p, w);
          pair[side] = definition(v, m);
        }
        items.add(p + "[" + item + "]");
        moved.add(pair);
        steps.add(h);
      }
    }

    // Points away from kinks, with the expected derivatives there.
    int n = 200;
    List<float[]> points = new ArrayList<>(); // x, up
    List<double[]> expected = new ArrayList<>(); // d/dx, d/dup, d/d each parameter item
    for (int i = 0; i < n; i++) {
      // a tenth far out, where exponentials overflow float32 (not for int8: beyond its clamp)
      float x = (float) (i % 10 == 9 && !(v.precision() instanceof Precision.Int8)
          ? (rnd.nextBoolean() ? 1 : -1) * rnd.nextDouble(20, 100)
          : i % 2 == 0 ? rnd.nextGaussian() * 2 : rnd.nextDouble(-8, 8));
      float u = (float) (rnd.nextGaussian() * 2);
      double px = toPrecision.eval(x);
      double pu = toPrecision.eval(u);
      double[] d = new double[2 + items.size()];
      d[0] = derivative(t -> def.eval(new double[] {t, pu}), px);
      d[1] = v.gated() ? derivative(t -> def.eval(new double[] {px, t}), pu) : 0;
      double f0 = def.eval(new double[] {px, pu});
      for (int k = 0; k < items.size(); k++) {
        d[2 + k] = derivative(moved.get(k)[0].eval(new double[] {px, pu}), f0,
            moved.get(k)[1].eval(new double[] {px, pu}), steps.get(k));
      }
      if (java.util.Arrays.stream(d).noneMatch(Double::isNaN)) {
        points.add(new float[] {x, u});
        expected.add(d);
      }
    }
    int m = points.size();
    assertTrue(m >= 0.9 * n, name + ": " + (n - m) + " of " + n + " points near a kink");

    float[] xs = new float[m];
    float[] us = new float[m];
    for (int i = 0; i < m; i++) {
      xs[i] = points.get(i)[0];
      us[i] = points.get(i)[1];
    }
    try (NDManager scope = manager.newSubManager()) {
      NDArray tx = DjlModel.owned(scope, xs, new Shape(m));
      NDArray tu = DjlModel.owned(scope, us, new Shape(m));
      tx.setRequiresGradient(true);
      tu.setRequiresGradient(true);
      Map<String, NDArray> params = learnable ? TorchExpr.parameters(v, scope) : Map.of();
      TorchExpr f = learnable ? TorchExpr.learnable(v) : TorchExpr.of(v);
      try (GradientCollector gc = engine.newGradientCollector()) {
        gc.backward((v.gated() ? f.apply(params, tx, tu) : f.apply(params, tx)).sum());
      }
      float[] gx = tx.getGradient().toFloatArray();
      float[] gu = tu.getGradient().toFloatArray();
      for (int i = 0; i < m; i++) {
        String at = name + " at x = " + xs[i] + (v.gated() ? ", up = " + us[i] : "");
        double[] d = expected.get(i);
        assertGradient(d[0], Math.abs(d[0]), gx[i], "d/dx, " + at);
        if (v.gated()) {
          assertGradient(d[1], Math.abs(d[1]), gu[i], "d/dup, " + at);
        }
      }
      int k = 0;
      for (Map.Entry<String, NDArray> p : params.entrySet()) {
        float[] g = p.getValue().getGradient().toFloatArray();
        for (int item = 0; item < g.length; item++, k++) {
          double want = 0;
          double scale = 0;
          for (double[] d : expected) {
            want += d[2 + k];
            scale += Math.abs(d[2 + k]);
          }
          assertGradient(want, scale, g[item], "d/d" + items.get(k) + ", " + name);
        }
      }
      assertEquals(items.size(), k, "a gradient for every parameter item");
    }
  }

  private static Interpreter.Compiled definition(Variant v, Map<String, double[]> values) {
    Params p = v.activation().resolve(values);
    return Interpreter.compile(new Variant(v.activation(), p, Precision.FP32).definition());
  }

  @Test
  void aBranchNotTakenPassesNoGradient() {
    try (NDManager m = manager.newSubManager()) {
      // elu's branch alpha·expm1(x) is infinite at x = 1000, where x > 0 takes the other branch
      NDArray x = DjlModel.owned(m, new float[] {1000f, -1f, 2f, 800f}, new Shape(4));
      x.setRequiresGradient(true);
      try (GradientCollector gc = engine.newGradientCollector()) {
        gc.backward(TorchExpr.of(Catalogue.variant("elu(alpha=0.5)")).apply(x).sum());
      }
      float[] g = x.getGradient().toFloatArray();
      assertEquals(1f, g[0]);
      assertEquals(0.5 * Math.exp(-1), g[1], 1e-7);
      assertEquals(1f, g[2]);
      assertEquals(1f, g[3]);

      // The gated form's up·(1/f), for an underflowed f, is infinite at gate 0, which takes the
      // plain product (the infinite up makes the selects lower that branch at all).
      float[] gates = {1f, 0f, -1f, 2f};
      float[] up = {Float.POSITIVE_INFINITY, 1f, 2f, 3f};
      NDArray gate = DjlModel.owned(m, gates, new Shape(4));
      gate.setRequiresGradient(true);
      try (GradientCollector gc = engine.newGradientCollector()) {
        NDArray y = TorchExpr.of(Catalogue.variant("swiglu"))
            .apply(gate, DjlModel.owned(m, up, new Shape(4)));
        gc.backward(y.get("1:").sum());
      }
      float[] gg = gate.getGradient().toFloatArray();
      for (int i = 1; i < 4; i++) {
        double s = 1 / (1 + Math.exp(-gates[i]));
        assertEquals(s * (1 + gates[i] * (1 - s)) * up[i], gg[i], 1e-6, "gate " + gates[i]);
      }
    }
  }

  @Test
  void aSymbolicDefinitionNeedsItsParametersBound() {
    try (NDManager m = manager.newSubManager()) {
      NDArray x = DjlModel.owned(m, new float[] {1f}, new Shape(1));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> TorchExpr.learnable(Catalogue.variant("swish(beta=1.5)")).apply(x));
      assertTrue(e.getMessage().contains("parameter beta[0] is not bound"), e.getMessage());
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TorchExpr.of(Catalogue.variant("gelu@int8")));
    assertTrue(e.getMessage().contains("int8(scale=S)"), e.getMessage());
  }
}

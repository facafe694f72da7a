package io.ablate.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.ablate.activation.AccuracyBound;
import io.ablate.activation.Activation;
import io.ablate.activation.GatedActivation;
import io.ablate.activation.Variant;
import io.ablate.expr.BlockInterpreter;
import io.ablate.precision.FloatFormat;
import io.ablate.precision.Precision;
import java.util.Locale;

/**
 * Checks an FFN block as the benchmark computes it (float32 products in PyTorch, the activation by
 * PyTorch or an Ablate kernel, at the variant's precision) against the same block in float64: plain
 * double loops over the products, the activation's float64 definition, the routing weights of a
 * mixture of experts from exact logits. The difference must stay within a bound derived from the
 * float32 arithmetic, element by element:
 *
 * <ul>
 *   <li>a product of K terms (any summation order, with or without FMA) is within
 *       γ_K·Σ|terms| of the exact sum, γ_K = K·u/(1 − K·u), u = 2⁻²⁴ (Higham, <i>Accuracy and
 *       Stability of Numerical Algorithms</i>, §3.1); so {@code |û − u| ≤ γ_H·Σ_k|x_k·W_ki|}, the
 *       same for the gate;
 *   <li>the variant's rounding of its inputs (bf16, fp8: relative 2^−(m+1) plus half the smallest
 *       subnormal step; int8: half the quantisation step of the tensor's absmax) adds to those;
 *   <li>the activation moves by at most L·δ for an input error δ, L = sup|f'| (see
 *       {@link #lipschitz}); a gated {@code f(g)·u} by {@code L·δg·|û| + |f(g)|·δu};
 *   <li>the kernel's own error is its {@link AccuracyBound} (ulps of the result, or the absolute
 *       floor scaled by |up|), taken as the sum of both, plus the output's rounding to the precision;
 *   <li>the down projection adds {@code Σ_i Δa_i·|W_d,ij| + γ_I·Σ_i (|a_i| + Δa_i)·|W_d,ij|};
 *   <li>a mixture weights each expert's output by p̂ = softmax of the float32 logits over the top-k,
 *       with {@code |p̂ − p| ≤ p·(e^{2δℓ} − 1)} for a logit error δℓ (as above), accumulated in
 *       double and rounded once. The reference uses the experts the computed router chose (a
 *       near-tie in the logits decides the same way for both), with exact weights.
 * </ul>
 * First-order terms only where second-order ones are below 2⁻⁴⁸ relative.
 */
final class FfnReference {
  private static final double U = 0x1p-24;

  private FfnReference() {}

  /**
   * The outcome on one block: the largest |ŷ − y| and its bound, the worst ratio of the two over
   * the outputs (≤ 1 passes), and the largest error relative to the output's scale
   * {@code max|y|}.
   */
  record Check(String shape, int tokens, String variant, String impl, double maxAbsErr,
      double maxRelErr, double worstErrOverBound, double maxBoundRel) {
    boolean passed() {
      return worstErrOverBound <= 1;
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%s tokens=%d %s/%s: max |err| %.3g (%.3g of max|y|), "
          + "worst err/bound %.3f, bound up to %.3g of max|y| -> %s", shape, tokens, variant, impl,
          maxAbsErr, maxRelErr, worstErrOverBound, maxBoundRel, passed() ? "ok" : "FAILED");
    }
  }

  /**
   * Builds a block of {@code shape} with seeded weights, runs {@code act} through it on a seeded
   * {@code [tokens, H]} input, and checks the output against float64.
   */
  static Check check(NDManager parent, FfnShape shape, int tokens, FfnAct act, long seed) {
    int h = shape.hidden();
    int i = shape.intermediate();
    int experts = shape.experts();
    float[][] up = new float[experts][];
    float[][] gate = new float[experts][];
    float[][] down = new float[experts][];
    for (int e = 0; e < experts; e++) {
      up[e] = FfnBlock.gaussian(seed + 10 * e + 1, h * i, 1 / Math.sqrt(h));
      gate[e] = shape.gated() ? FfnBlock.gaussian(seed + 10 * e + 2, h * i, 1 / Math.sqrt(h)) : null;
      down[e] = FfnBlock.gaussian(seed + 10 * e + 3, i * h, 1 / Math.sqrt(i));
    }
    float[] router = shape.moe() ? FfnBlock.gaussian(seed + 7, h * experts, 1 / Math.sqrt(h)) : null;
    float[] x = FfnBlock.gaussian(seed, tokens * h, 1);
    try (FfnBlock block = FfnBlock.of(parent, shape, up, gate, down, router)) {
      float[] got;
      try (NDArray y = block.forward(x, tokens, act, new FfnStage.Clock())) {
        got = y.toFloatArray();
      }
      double[] ref = new double[tokens * h];
      double[] bound = new double[tokens * h];
      Variant v = act.variant();
      if (!shape.moe()) {
        expert(shape, v, x, tokens, up[0], gate[0], down[0], ref, bound);
      } else {
        FfnBlock.Routing routing = block.route(block.logits(x, tokens), tokens);
        double[] exact = new double[tokens * experts];
        double[] err = new double[tokens * experts];
        product(x, tokens, h, router, experts, exact, err);
        double[] logitErr = new double[tokens];
        for (int k = 0; k < err.length; k++) {
          logitErr[k / experts] = Math.max(logitErr[k / experts], err[k]);
        }
        for (int e = 0; e < experts; e++) {
          int[] rows = routing.tokens()[e];
          if (rows.length == 0) {
            continue;
          }
          float[] xe = new float[rows.length * h];
          for (int r = 0; r < rows.length; r++) {
            System.arraycopy(x, rows[r] * h, xe, r * h, h);
          }
          double[] ye = new double[rows.length * h];
          double[] be = new double[rows.length * h];
          expert(shape, v, xe, rows.length, up[e], gate[e], down[e], ye, be);
          for (int r = 0; r < rows.length; r++) {
            int t = rows[r];
            double p = exactWeight(exact, t, experts, routing, e);
            double dp = p * Math.expm1(2 * logitErr[t]);
            for (int c = 0; c < h; c++) {
              double yc = ye[r * h + c];
              ref[t * h + c] += p * yc;
              bound[t * h + c] += (p + dp) * be[r * h + c] + dp * Math.abs(yc);
            }
          }
        }
        for (int k = 0; k < ref.length; k++) { // the double accumulation and the final rounding
          bound[k] += U * (Math.abs(ref[k]) + bound[k]) + 0x1p-50 * Math.abs(ref[k]);
        }
      }
      return compare(shape, tokens, act, got, ref, bound);
    }
  }

  /** The exact softmax weight of expert {@code e} among the experts the router chose for t. */
  private static double exactWeight(double[] logits, int t, int experts, FfnBlock.Routing routing,
      int e) {
    double max = Double.NEGATIVE_INFINITY;
    double sum = 0;
    boolean[] chosen = new boolean[experts];
    for (int j = 0; j < experts; j++) {
      for (int tok : routing.tokens()[j]) {
        if (tok == t) {
          chosen[j] = true;
        }
      }
    }
    for (int j = 0; j < experts; j++) {
      if (chosen[j]) {
        max = Math.max(max, logits[t * experts + j]);
      }
    }
    for (int j = 0; j < experts; j++) {
      if (chosen[j]) {
        sum += Math.exp(logits[t * experts + j] - max);
      }
    }
    return Math.exp(logits[t * experts + e] - max) / sum;
  }

  private static Check compare(FfnShape shape, int tokens, FfnAct act, float[] got, double[] ref,
      double[] bound) {
    double scale = 0;
    for (double r : ref) {
      scale = Math.max(scale, Math.abs(r));
    }
    double maxErr = 0;
    double worst = 0;
    double maxBound = 0;
    for (int k = 0; k < ref.length; k++) {
      double err = Math.abs(got[k] - ref[k]);
      if (!(err <= bound[k])) { // NaN fails
        worst = Math.max(worst, Double.isNaN(err) ? Double.POSITIVE_INFINITY : err / bound[k]);
      } else if (bound[k] > 0) {
        worst = Math.max(worst, err / bound[k]);
      }
      maxErr = Math.max(maxErr, Double.isNaN(err) ? Double.POSITIVE_INFINITY : err);
      maxBound = Math.max(maxBound, bound[k]);
    }
    return new Check(shape.label(), tokens, act.variant().name(), act.impl(), maxErr,
        maxErr / scale, worst, maxBound / scale);
  }

  /** How a precision perturbs a tensor: relative and absolute half-steps for values up to absMax. */
  private record Rounding(double rel, double abs) {
    static Rounding of(Precision p, double absMax) {
      if (p instanceof Precision.Float32 || p instanceof Precision.Float64) {
        return new Rounding(0, 0);
      }
      if (p instanceof Precision.Reduced r) {
        FloatFormat f = r.format();
        if (absMax * (1 + 0x1p-8) >= f.maxFinite()) {
          throw new IllegalArgumentException(p.name() + " saturates at " + f.maxFinite()
              + ": no error bound for values up to " + absMax);
        }
        return new Rounding(Math.scalb(1.0, -(f.mantissaBits() + 1)),
            Math.scalb(1.0, f.minExponent() - f.mantissaBits() - 1));
      }
      Precision.Int8 q = (Precision.Int8) p;
      if (!Double.isNaN(q.percentile())) {
        throw new IllegalArgumentException(p.name() + " clips outliers: no error bound");
      }
      double scale = q.isStatic() ? q.scale() : absMax / 127;
      if (q.isStatic() && absMax > 127 * scale) {
        throw new IllegalArgumentException(p.name() + " clips values above " + 127 * scale);
      }
      // a calibrated scale is itself computed from perturbed values: up to (absMax + δ)/127
      return new Rounding(0, scale / 2 * (1 + 0x1p-20));
    }
  }

  /**
   * One dense block in float64 ({@code ref}) and the bound on its float32 form ({@code bound}),
   * for {@code tokens} rows of {@code x}.
   */
  private static void expert(FfnShape shape, Variant v, float[] x, int tokens, float[] wUp,
      float[] wGate, float[] wDown, double[] ref, double[] bound) {
    int h = shape.hidden();
    int i = shape.intermediate();
    int n = tokens * i;
    double[] u = new double[n];
    double[] du = new double[n];
    double[] g = v.gated() ? new double[n] : null;
    double[] dg = v.gated() ? new double[n] : null;
    product(x, tokens, h, wUp, i, u, du);
    if (v.gated()) {
      product(x, tokens, h, wGate, i, g, dg);
    }
    // The variant's input rounding (one tensor per call: the whole batch of this expert).
    Precision p = v.precision();
    addRounding(Rounding.of(p, absMax(u, du)), u, du);
    if (v.gated()) {
      addRounding(Rounding.of(p, absMax(g, dg)), g, dg);
    }
    Activation fn = v.gated() ? ((GatedActivation) v.activation()).gate() : v.activation();
    Variant f = new Variant(fn, v.params(), Precision.FP64);
    double lip = lipschitz(f);
    double[] fa = new double[n];
    BlockInterpreter.compile(f.definition()).eval(new double[][] {v.gated() ? g : u}, fa, n);
    AccuracyBound kb = v.activation().bound();
    double[] a = new double[n];
    double[] da = new double[n];
    for (int k = 0; k < n; k++) {
      if (v.gated()) {
        double fg = fa[k];
        double absUp = Math.abs(u[k]) + du[k];
        double dIn = lip * dg[k] * absUp + Math.abs(fg) * du[k];
        double mag = (Math.abs(fg) + lip * dg[k]) * absUp;
        a[k] = fg * u[k];
        da[k] = dIn + kb.ulps() * (0x1p-23 * mag + 0x1p-149) + kb.absolute() * Math.max(1, absUp);
      } else {
        double dIn = lip * du[k];
        a[k] = fa[k];
        da[k] = dIn + kb.ulps() * (0x1p-23 * (Math.abs(fa[k]) + dIn) + 0x1p-149) + kb.absolute();
      }
    }
    double outMax = 0;
    for (int k = 0; k < n; k++) {
      outMax = Math.max(outMax, Math.abs(a[k]) + da[k]);
    }
    Rounding out = Rounding.of(p, outMax);
    for (int k = 0; k < n; k++) {
      da[k] += out.rel() * (Math.abs(a[k]) + da[k]) + out.abs();
    }
    double gi = gamma(i);
    for (int t = 0; t < tokens; t++) {
      for (int c = 0; c < h; c++) {
        double s = 0;
        double err = 0;
        for (int k = 0; k < i; k++) {
          double w = wDown[k * h + c];
          int idx = t * i + k;
          s += a[idx] * w;
          err += da[idx] * Math.abs(w) + gi * (Math.abs(a[idx]) + da[idx]) * Math.abs(w);
        }
        ref[t * h + c] = s;
        bound[t * h + c] = err;
      }
    }
  }

  private static void product(float[] x, int tokens, int h, float[] w, int i, double[] out,
      double[] err) {
    double gh = gamma(h);
    for (int t = 0; t < tokens; t++) {
      for (int c = 0; c < i; c++) {
        double s = 0;
        double abs = 0;
        for (int k = 0; k < h; k++) {
          double p = (double) x[t * h + k] * w[k * i + c];
          s += p;
          abs += Math.abs(p);
        }
        out[t * i + c] = s;
        err[t * i + c] = gh * abs;
      }
    }
  }

  private static double absMax(double[] v, double[] dv) {
    double m = 0;
    for (int k = 0; k < v.length; k++) {
      m = Math.max(m, Math.abs(v[k]) + dv[k]);
    }
    return m;
  }

  private static void addRounding(Rounding r, double[] v, double[] dv) {
    for (int k = 0; k < v.length; k++) {
      dv[k] += r.rel() * (Math.abs(v[k]) + dv[k]) + r.abs();
    }
  }

  /** γ_K = K·u / (1 − K·u), u = 2⁻²⁴. */
  static double gamma(int k) {
    return k * U / (1 - k * U);
  }

  /**
   * sup|f'| of an elementwise function, from its float64 definition: the largest difference
   * quotient |f(t + s) − f(t)|/s on a grid of step s = 2⁻⁸ over [−40, 40], plus s (the mean value
   * theorem: each quotient is f'(ξ) at some ξ, and f' moves by at most s·sup|f''| within a step;
   * sup|f''| ≤ 1 for the functions benchmarked: gelu 0.80, silu 0.50, sigmoid 0.10, relu 0 away
   * from its kink). Functions whose derivative grows towards the ends of the grid (relu2, ...) have
   * no such bound and are refused.
   */
  static double lipschitz(Variant f) {
    double s = 0x1p-8;
    int n = (int) (80 / s) + 1;
    double[] t = new double[n];
    for (int k = 0; k < n; k++) {
      t[k] = -40 + k * s;
    }
    double[] y = new double[n];
    BlockInterpreter.compile(f.definition()).eval(new double[][] {t}, y, n);
    double max = 0;
    double edge = 0;
    for (int k = 0; k + 1 < n; k++) {
      double q = Math.abs(y[k + 1] - y[k]) / s;
      max = Math.max(max, q);
      if (k < 64 || k + 1 >= n - 64) {
        edge = Math.max(edge, q);
      }
    }
    if (!(max <= 8) || edge > 1.0001 * Math.max(1, interiorMax(y, s, n))) {
      throw new IllegalArgumentException(f.name() + ": derivative unbounded over [-40, 40]");
    }
    return max + s;
  }

  private static double interiorMax(double[] y, double s, int n) {
    double max = 0;
    for (int k = 64; k + 1 < n - 64; k++) {
      max = Math.max(max, Math.abs(y[k + 1] - y[k]) / s);
    }
    return max;
  }
}

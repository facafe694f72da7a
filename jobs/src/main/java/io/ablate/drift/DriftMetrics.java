package io.ablate.drift;

import io.ablate.profile.Profile;
import io.ablate.sketch.QuantileSketch;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How far a candidate profile moved from a baseline profile, from their sketches and moments only:
 * <ul>
 *   <li>{@code psi}: population stability index over {@code bins} bins cut at the baseline's
 *       quantiles i/bins (equal cut points merged), bin fractions ε-smoothed
 *       (p → (p + ε)/(1 + Bε)): Σ (c − b)·ln(c/b);
 *   <li>{@code ks}: sup |F_b − F_c| over both sketches' items; {@code js}: Jensen–Shannon
 *       divergence in bits over the same bins (unsmoothed; 0..1); {@code w1}: ∫|Q_b − Q_c|, and
 *       {@code w1Norm} = w1 / σ_b;
 *   <li>{@code meanShiftSigma} = (mean_c − mean_b)/σ_b, {@code stdRatio} = σ_c/σ_b (exact moments);
 *   <li>quantile deltas Q_c(p) − Q_b(p) for p = 0.01, 0.5, 0.99, 0.999; sparsity and outlier-rate
 *       deltas (candidate − baseline).
 * </ul>
 */
public record DriftMetrics(long nBaseline, long nCandidate, double psi, double ks, double js,
    double w1, double w1Norm, double meanShiftSigma, double stdRatio, double q01Delta,
    double q50Delta, double q99Delta, double q999Delta, double sparsityDelta,
    double outlierRateDelta) {

  public static final int DEFAULT_BINS = 10;
  public static final double DEFAULT_EPSILON = 1e-4;
  static final double[] RANKS = {0.01, 0.5, 0.99, 0.999};

  public static DriftMetrics compare(Profile baseline, Profile candidate, int bins,
      double epsilon) {
    QuantileSketch b = baseline.quantiles();
    QuantileSketch c = candidate.quantiles();
    double sigma = baseline.std();
    double psi = Double.NaN;
    double ks = Double.NaN;
    double js = Double.NaN;
    double w1 = Double.NaN;
    double[] dq = new double[RANKS.length];
    Arrays.fill(dq, Double.NaN);
    if (!b.isEmpty() && !c.isEmpty()) {
      Cdf fb = Cdf.of(b);
      Cdf fc = Cdf.of(c);
      double[] kw = Cdf.ksAndW1(fb, fc);
      ks = kw[0];
      w1 = kw[1];
      double[] ranks = new double[bins - 1];
      for (int i = 1; i < bins; i++) {
        ranks[i - 1] = (double) i / bins;
      }
      float[] cuts = distinct(b.quantiles(ranks));
      double[] pb = fractions(fb, cuts);
      double[] pc = fractions(fc, cuts);
      psi = psi(pb, pc, epsilon);
      js = js(pb, pc);
      float[] qb = b.quantiles(RANKS);
      float[] qc = c.quantiles(RANKS);
      for (int i = 0; i < RANKS.length; i++) {
        dq[i] = (double) qc[i] - qb[i];
      }
    }
    return new DriftMetrics(baseline.n(), candidate.n(), psi, ks, js, w1, w1 / sigma,
        (candidate.mean() - baseline.mean()) / sigma, candidate.std() / sigma, dq[0], dq[1], dq[2],
        dq[3], candidate.sparsity() - baseline.sparsity(),
        candidate.outlierRate() - baseline.outlierRate());
  }

  /** Bin fractions of a distribution over bins (-inf, c0], (c0, c1], ..., (c_last, +inf). */
  static double[] fractions(Cdf f, float[] cuts) {
    double[] p = new double[cuts.length + 1];
    double prev = 0;
    for (int i = 0; i < cuts.length; i++) {
      double at = f.at(cuts[i]);
      p[i] = at - prev;
      prev = at;
    }
    p[cuts.length] = 1 - prev;
    return p;
  }

  static double psi(double[] pb, double[] pc, double epsilon) {
    double norm = 1 + pb.length * epsilon;
    double sum = 0;
    for (int i = 0; i < pb.length; i++) {
      double b = (pb[i] + epsilon) / norm;
      double c = (pc[i] + epsilon) / norm;
      sum += (c - b) * Math.log(c / b);
    }
    return sum;
  }

  static double js(double[] p, double[] q) {
    double sum = 0;
    for (int i = 0; i < p.length; i++) {
      double m = (p[i] + q[i]) / 2;
      if (p[i] > 0) {
        sum += 0.5 * p[i] * Math.log(p[i] / m);
      }
      if (q[i] > 0) {
        sum += 0.5 * q[i] * Math.log(q[i] / m);
      }
    }
    return Math.max(0, sum / Math.log(2));
  }

  /** The metrics by name (the drift table's column names), for thresholds and printing. */
  public Map<String, Double> byName() {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("psi", psi);
    m.put("ks", ks);
    m.put("js", js);
    m.put("w1", w1);
    m.put("w1_norm", w1Norm);
    m.put("mean_shift_sigma", meanShiftSigma);
    m.put("std_ratio", stdRatio);
    m.put("q01_delta", q01Delta);
    m.put("q50_delta", q50Delta);
    m.put("q99_delta", q99Delta);
    m.put("q999_delta", q999Delta);
    m.put("sparsity_delta", sparsityDelta);
    m.put("outlier_rate_delta", outlierRateDelta);
    return m;
  }

  /** The distinct values of an ascending array. */
  static float[] distinct(float[] sorted) {
    int m = 0;
    float[] out = new float[sorted.length];
    for (float v : sorted) {
      if (m == 0 || v != out[m - 1]) {
        out[m++] = v;
      }
    }
    return Arrays.copyOf(out, m);
  }
}

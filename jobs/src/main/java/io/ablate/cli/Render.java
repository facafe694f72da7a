package io.ablate.cli;

import io.ablate.accuracy.AccuracyPass;
import io.ablate.accuracy.ErrorStats;
import io.ablate.drift.Drift;
import io.ablate.drift.DriftMetrics;
import io.ablate.eval.PromptEval;
import io.ablate.gate.Gate;
import io.ablate.gate.GateCheck;
import io.ablate.gate.GateResults;
import io.ablate.job.CompareJob;
import io.ablate.job.EvalJob;
import io.ablate.latency.LatencyPass;
import io.ablate.latency.LatencyRow;
import io.ablate.profile.Profile;
import java.util.List;
import java.util.Locale;

/** The tables a user reads on the terminal, one per kind of job result. */
final class Render {
  private Render() {}

  /** One row per variant and layer: the error against the reference. */
  static String accuracy(List<AccuracyPass.Result> results) {
    TextTable t = new TextTable("variant", "layer", "site", "n", "max_abs_err", "rmse", "max_ulp",
        "ulp_excluded", "cos_sim", "snr_db", "sparsity_out");
    for (AccuracyPass.Result r : results) {
      ErrorStats s = r.stats();
      t.row(r.variant(), r.key().layer(), r.key().site(), s.n(), f("%.3e", s.maxAbsErr()),
          f("%.3e", s.rmse()), f("%.3e", s.maxUlp()), s.ulpExcluded(), f("%.6f", s.cosSim()),
          f("%.1f", s.snrDb()), f("%.3f", s.sparsityOut()));
    }
    return t.render();
  }

  /** One row per variant, implementation and executor: the kernels' timings, then the notes. */
  static String latency(LatencyPass.Result timings) {
    TextTable t = new TextTable("variant", "impl", "executor", "ns/elem p50", "elems/s",
        "roofline_frac");
    for (LatencyRow r : timings.rows()) {
      t.row(r.variant(), r.impl(), r.executorId(), f("%.3f", r.nsPerElemP50()),
          f("%.3e", r.elemsPerSec()), f("%.3f", r.rooflineFrac()));
    }
    StringBuilder sb = new StringBuilder(t.render());
    for (String note : timings.notes()) {
      sb.append("  ").append(note).append('\n');
    }
    return sb.toString();
  }

  /** One row per profile: moments, quantiles from the sketch, counts. */
  static String profiles(List<Profile> profiles) {
    TextTable t = new TextTable("checkpoint", "layer", "site", "variant", "n", "mean", "std",
        "skew", "kurt", "min", "p1", "p50", "p99", "max", "zeros", "outliers");
    double[] ranks = {0.01, 0.5, 0.99};
    for (Profile p : profiles) {
      float[] q = p.quantiles().quantiles(ranks);
      t.row(p.checkpoint(), p.layer(), p.site(), p.variant() == null ? "-" : p.variant(), p.n(),
          f("%.4g", p.mean()), f("%.4g", p.std()), f("%.2f", p.skewness()),
          f("%.2f", p.kurtosis()), f("%.4g", p.min()), f("%.4g", q[0]), f("%.4g", q[1]),
          f("%.4g", q[2]), f("%.4g", p.max()), f("%.3f", p.sparsity()), p.outliers());
    }
    return t.render();
  }

  /** One row per key, worst first: status, metrics and the reason. */
  static String drift(List<Drift.Result> rows) {
    TextTable t = new TextTable("status", "model", "layer", "site", "variant", "psi", "ks", "js",
        "w1_norm", "mean_shift_sigma", "std_ratio", "q99_delta", "outlier_rate_delta", "reason");
    for (Drift.Result r : rows) {
      DriftMetrics m = r.metrics();
      t.row(r.verdict().status(), r.key().model(), r.key().layer(), r.key().site(),
          r.key().variant() == null ? "-" : r.key().variant(), f("%.4f", m.psi()),
          f("%.4f", m.ks()), f("%.4f", m.js()), f("%.4f", m.w1Norm()),
          f("%.4f", m.meanShiftSigma()), f("%.4f", m.stdRatio()), f("%.4f", m.q99Delta()),
          f("%.2e", m.outlierRateDelta()), r.verdict().reason());
    }
    return t.render();
  }

  /** One row per variant config and task; then where the time went. */
  static String eval(EvalJob.Result r) {
    TextTable t = new TextTable("variant_config", "task", "n", "exact_match", "mean_nll",
        "top1_agree", "mean_kl", "max_kl", "tokens/s", "latency_p95_ms");
    for (PromptEval.Summary s : r.summaries()) {
      t.row(s.config(), s.task(), s.nPrompts(), f("%.3f", s.exactMatch()),
          f("%.4f", s.meanNll()), f("%.4f", s.top1Agreement()), f("%.2e", s.meanKl()),
          f("%.2e", s.maxKl()), f("%.0f", s.tokensPerS()), f("%.1f", s.latencyMsP95()));
    }
    return t.render();
  }

  /** Where an eval run's time went, for the notes. */
  static String evalTime(EvalJob.Result r, int slots) {
    PromptEval.TimeSplit split = r.split();
    int configs = r.eval().evaluated().size();
    double wall = r.seconds();
    double busy = (split.loadMs() + split.prefillMs() + split.decodeMs() + split.scoreMs()) / 1e3;
    return String.format(Locale.ROOT, "%d prompts x %d configs in %.1f s wall: %.2f prompts/s "
            + "(%.2f prompt-configs/s); executor time %.1f s: model load %.1f s, prefill %.1f s, "
            + "decode %.1f s (%d tokens, %.0f tokens/s), scoring %.1f s; Spark and the rest about "
            + "%.1f s of %d slots' wall", r.prompts(), configs, wall, r.prompts() / wall,
        r.prompts() * configs / wall, busy, split.loadMs() / 1e3, split.prefillMs() / 1e3,
        split.decodeMs() / 1e3, split.generatedTokens(),
        split.generatedTokens() / Math.max(1e-9, (split.prefillMs() + split.decodeMs()) / 1e3),
        split.scoreMs() / 1e3, Math.max(0, wall * slots - busy), slots);
  }

  /** One row per key and metric of a comparison, in the job's order (regressions first). */
  static String comparisons(List<CompareJob.Comparison> rows) {
    TextTable t = new TextTable("status", "subject", "key", "metric", "baseline", "candidate",
        "delta", "ratio", "gate");
    for (CompareJob.Comparison c : rows) {
      t.row(c.status(), c.subject(), c.key(), c.metric(), g(c.baselineValue()),
          g(c.candidateValue()), g(c.delta()), g(c.ratio()), c.gate());
    }
    return t.render();
  }

  /** A value that may be missing, to six significant digits; "-" when missing. */
  private static String g(Double v) {
    return v == null ? "-" : Gate.number(v);
  }

  /**
   * After a gated command's output: the failed checks as a table ("2 gate failures:"), or one
   * line saying how many rows passed which gates; nothing without gates.
   */
  static String gates(GateResults results) {
    if (results.gates().isEmpty()) {
      return "";
    }
    List<GateCheck> failures = results.failures();
    if (failures.isEmpty()) {
      StringBuilder sb = new StringBuilder();
      results.rowsPerGate().forEach((gate, rows) -> sb.append(sb.length() == 0 ? "" : ", ")
          .append(gate).append(" (").append(rows).append(rows == 1 ? " row)" : " rows)"));
      return String.format(Locale.ROOT, "All %d gate checks passed: %s.%n",
          results.checks().size(), sb);
    }
    TextTable t = new TextTable("gate", "subject", "key", "value", "threshold");
    for (GateCheck c : failures) {
      t.row(c.gate().text(), c.subject(), c.key(),
          c.value() == null ? "missing" : Gate.number(c.value()),
          c.gate().op().symbol() + " " + Gate.number(c.gate().threshold()));
    }
    return String.format(Locale.ROOT, "%d gate failure%s:%n", failures.size(),
        failures.size() == 1 ? "" : "s") + t.render();
  }

  /** A number for a table cell; NaN as "-". */
  static String f(String format, double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, format, v);
  }
}

package io.ablate.drift;

import io.ablate.AblateException;
import io.ablate.profile.Profile;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Drift between two resolved sides, per key present in both: {@link DriftMetrics} and the status
 * from {@link Thresholds}. Reads profiles only. Errors (bad input): no key in common, sketches of
 * different k.
 */
public final class Drift {
  /** One row of the {@code drift} table. */
  public record Result(String baseline, String candidate, ProfileRef.Key key, DriftMetrics metrics,
      Thresholds.Verdict verdict) {
    public Row toRow() {
      DriftMetrics m = metrics;
      return RowFactory.create(baseline, candidate, key.model(), key.layer(), key.site(),
          key.variant(), m.nBaseline(), m.nCandidate(), m.psi(), m.ks(), m.js(), m.w1(),
          m.w1Norm(), m.meanShiftSigma(), m.stdRatio(), m.q01Delta(), m.q50Delta(), m.q99Delta(),
          m.q999Delta(), m.sparsityDelta(), m.outlierRateDelta(), verdict.status(),
          verdict.reason());
    }
  }

  private Drift() {}

  /** Rows worst first (alert, warn, ok; then by severity), then by key. */
  public static List<Result> compare(ProfileRef.Side baseline, ProfileRef.Side candidate, int bins,
      double epsilon, Thresholds thresholds) {
    if (bins < 2) {
      throw AblateException.badInput("--bins %d: need at least 2", bins);
    }
    Set<ProfileRef.Key> common = new TreeSet<>(baseline.profiles().keySet());
    common.retainAll(candidate.profiles().keySet());
    if (common.isEmpty()) {
      throw AblateException.badInput("baseline %s and candidate %s have no (model, layer, site, "
          + "variant) in common: baseline has %s; candidate has %s", baseline.label(),
          candidate.label(), brief(baseline.profiles()), brief(candidate.profiles()));
    }
    List<Result> rows = new ArrayList<>();
    for (ProfileRef.Key key : common) {
      Profile b = baseline.profiles().get(key);
      Profile c = candidate.profiles().get(key);
      if (b.sketchK() != c.sketchK()) {
        throw AblateException.badInput("sketches of different k for %s: baseline %s has k=%d, "
            + "candidate %s has k=%d; profile both with the same --sketch-k", b.describe(),
            baseline.label(), b.sketchK(), candidate.label(), c.sketchK());
      }
      DriftMetrics m = DriftMetrics.compare(b, c, bins, epsilon);
      rows.add(new Result(baseline.label(), candidate.label(), key, m,
          thresholds.judge(m.byName())));
    }
    rows.sort(Comparator.comparingInt((Result r) -> rank(r.verdict().status()))
        .thenComparing(Comparator.comparingDouble((Result r) -> r.verdict().severity()).reversed())
        .thenComparing(Result::key));
    return rows;
  }

  static int rank(String status) {
    return switch (status) {
      case "alert" -> 0;
      case "warn" -> 1;
      default -> 2;
    };
  }

  private static String brief(Map<ProfileRef.Key, Profile> profiles) {
    List<String> keys = new ArrayList<>();
    for (ProfileRef.Key k : profiles.keySet()) {
      if (keys.size() == 6) {
        keys.add("... (" + profiles.size() + " in all)");
        break;
      }
      keys.add(k.model() + " layer " + k.layer() + " " + k.site()
          + (k.variant() == null ? "" : " " + k.variant()));
    }
    return keys.isEmpty() ? "no profiles" : String.join(", ", keys);
  }
}

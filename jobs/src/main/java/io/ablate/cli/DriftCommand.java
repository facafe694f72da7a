package io.ablate.cli;

import io.ablate.drift.Drift;
import io.ablate.drift.DriftMetrics;
import io.ablate.drift.ProfileRef;
import io.ablate.drift.Thresholds;
import io.ablate.repository.MetricsRepository;
import io.ablate.repository.RunId;
import io.ablate.repository.RunRecord;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;

/**
 * {@code ablate drift}: compares the profiles of two references ({@link ProfileRef}) key by key,
 * from the profiles alone, into the {@code drift} table as one run; prints the keys worst first and
 * exits with 3 when any key is {@code alert}.
 */
final class DriftCommand implements Command {
  /** The exit code of a tripped gate. */
  static final int ALERT = 3;

  @Override
  public String name() {
    return "drift";
  }

  @Override
  public String summary() {
    return "drift between two profile runs or checkpoints; exit 3 on alert";
  }

  @Override
  public String usage() {
    return "  --metrics DIR          metrics repository with profile runs\n"
        + "  --baseline REF         RUN_ID, RUN_ID/CHECKPOINT, latest or previous\n"
        + "  --candidate REF        RUN_ID, RUN_ID/CHECKPOINT or latest\n"
        + "                         previous: the latest succeeded profile run of the same model\n"
        + "                         that started before the other side's run\n"
        + "  --thresholds LIST      metric=warn:alert,... over the defaults " + Thresholds.DEFAULTS
        + "\n"
        + "                         (any drift column; metric=off drops one)\n"
        + "  --bins B               PSI/JS bins at baseline quantiles (default "
        + DriftMetrics.DEFAULT_BINS + ")\n"
        + "  --epsilon E            PSI smoothing (default " + DriftMetrics.DEFAULT_EPSILON + ")\n"
        + "  --run-id ID            (default: a timestamp and a random suffix)\n";
  }

  /** One drift run. */
  record Job(String metrics, String baseline, String candidate, Thresholds thresholds, int bins,
      double epsilon, RunId runId) {}

  @Override
  public int run(Options options, PrintStream out) {
    String given = options.get("run-id", null);
    Job job = new Job(options.require("metrics"), options.require("baseline"),
        options.require("candidate"), Thresholds.parse(options.get("thresholds", "")),
        (int) options.getLong("bins", DriftMetrics.DEFAULT_BINS, 2, 1000),
        options.getDouble("epsilon", DriftMetrics.DEFAULT_EPSILON),
        given == null ? RunId.generate() : RunId.of(given));
    SparkSession spark = Sessions.create(name(), options);
    options.requireAllUsed(name());
    try {
      return exitCode(run(spark, job, out));
    } finally {
      spark.stop();
    }
  }

  /** 3 when any row is alert, else 0. */
  static int exitCode(List<Drift.Result> rows) {
    return rows.stream().anyMatch(r -> r.verdict().status().equals("alert")) ? ALERT : 0;
  }

  /** Resolves, compares, records and prints; returns the rows worst first. */
  static List<Drift.Result> run(SparkSession spark, Job job, PrintStream out) {
    MetricsRepository repo = MetricsRepository.open(spark, job.metrics());
    ProfileRef refs = new ProfileRef(repo);
    if (job.candidate().trim().equals(ProfileRef.PREVIOUS)) {
      throw io.ablate.AblateException.badInput("--candidate previous: 'previous' is for the "
          + "baseline; give the candidate as a run id, RUN_ID/CHECKPOINT or latest");
    }
    ProfileRef.Side candidate = refs.resolve(job.candidate(), null);
    ProfileRef.Side baseline = refs.resolve(job.baseline(), candidate);
    List<Drift.Result> rows = Drift.compare(baseline, candidate, job.bins(), job.epsilon(),
        job.thresholds());
    String args = String.format(Locale.ROOT, "{\"baseline\":\"%s\",\"candidate\":\"%s\","
        + "\"thresholds\":\"%s\",\"bins\":%d,\"epsilon\":%s}", baseline.label(), candidate.label(),
        job.thresholds().text(), job.bins(), job.epsilon());
    RunRecord record = RunRecord.start(job.runId(), "drift", args, job.metrics(), "", spark);
    try (MetricsRepository.Run run = repo.begin(record)) {
      try {
        run.write("drift", spark.createDataFrame(rows.stream().map(Drift.Result::toRow).toList(),
            Drift.SCHEMA));
        run.commit();
      } catch (RuntimeException e) {
        run.fail(e);
        throw e;
      }
    }
    out.printf("Drift %s: baseline %s, candidate %s (thresholds %s)%n", job.runId().value(),
        baseline.label(), candidate.label(), job.thresholds().text());
    out.print(summary(rows));
    long alerts = rows.stream().filter(r -> r.verdict().status().equals("alert")).count();
    long warns = rows.stream().filter(r -> r.verdict().status().equals("warn")).count();
    out.printf("%d alert, %d warn, %d ok. Drift rows in %s (table drift, run_id %s)%n", alerts,
        warns, rows.size() - alerts - warns, job.metrics(), job.runId().value());
    return rows;
  }

  static String summary(List<Drift.Result> rows) {
    TextTable t = new TextTable("status", "model", "layer", "site", "variant", "psi", "ks", "js",
        "w1_norm", "mean_shift_sigma", "std_ratio", "q99_delta", "outlier_rate_delta", "reason");
    for (Drift.Result r : rows) {
      DriftMetrics m = r.metrics();
      t.row(r.verdict().status(), r.key().model(), r.key().layer(), r.key().site(),
          r.key().variant() == null ? "-" : r.key().variant(), f(m.psi()), f(m.ks()), f(m.js()),
          f(m.w1Norm()), f(m.meanShiftSigma()), f(m.stdRatio()), f(m.q99Delta()),
          String.format(Locale.ROOT, "%.2e", m.outlierRateDelta()), r.verdict().reason());
    }
    return t.render();
  }

  private static String f(double v) {
    return String.format(Locale.ROOT, "%.4f", v);
  }
}

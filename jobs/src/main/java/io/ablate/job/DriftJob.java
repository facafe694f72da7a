package io.ablate.job;

import io.ablate.AblateException;
import io.ablate.drift.Drift;
import io.ablate.drift.DriftMetrics;
import io.ablate.drift.ProfileRef;
import io.ablate.drift.Thresholds;
import io.ablate.repository.MetricsRepository;
import io.ablate.repository.RunId;
import io.ablate.repository.RunRecord;
import io.ablate.repository.Tables;
import java.util.List;
import java.util.function.Function;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

/**
 * The drift job: the profiles of two references ({@link ProfileRef}) compared key by key, from
 * the profiles alone, into the {@code drift} table as one run. The gate trips when any key is
 * {@code alert}.
 */
public final class DriftJob {
  private DriftJob() {}

  /** What to compare: references as {@link ProfileRef} resolves them. */
  public record Options(String metrics, String baseline, String candidate, Thresholds thresholds,
      int bins, double epsilon, RunId runId) {
    public Options {
      if (candidate.trim().equals(ProfileRef.PREVIOUS)) {
        throw AblateException.badInput("--candidate previous: 'previous' is for the baseline; "
            + "give the candidate as a run id, RUN_ID/CHECKPOINT or latest");
      }
    }

    /** The defaults of bins and epsilon. */
    public static Options of(String metrics, String baseline, String candidate,
        Thresholds thresholds, RunId runId) {
      return new Options(metrics, baseline, candidate, thresholds, DriftMetrics.DEFAULT_BINS,
          DriftMetrics.DEFAULT_EPSILON, runId);
    }
  }

  /** What ran: the rows worst first, and the two sides as resolved. */
  public record Result(RunId runId, String metrics, String baseline, String candidate,
      Thresholds thresholds, List<Drift.Result> rows) {
    /** Rows of a status. */
    public long count(String status) {
      return rows.stream().filter(r -> r.verdict().status().equals(status)).count();
    }

    /** Whether the gate tripped: any key is alert. */
    public boolean alert() {
      return count("alert") > 0;
    }
  }

  /** Runs the job, recording the session {@code spark} (which the caller owns) in its run. */
  public static Result run(SparkSession spark, Options o, JobListener listener) {
    return run(MetricsRepository.open(spark, o.metrics()), o, listener,
        args -> RunRecord.start(o.runId(), "drift", args, o.metrics(), "", spark));
  }

  /**
   * Runs the job without Spark: it reads kilobytes of profiles and writes as little, so a
   * command that only compares profiles does not start a session.
   */
  public static Result run(Configuration conf, Options o, JobListener listener) {
    return run(MetricsRepository.open(conf, o.metrics()), o, listener,
        args -> RunRecord.startWithoutSpark(o.runId(), "drift", args, o.metrics(), ""));
  }

  private static Result run(MetricsRepository repo, Options o, JobListener listener,
      Function<String, RunRecord> start) {
    ProfileRef refs = new ProfileRef(repo);
    ProfileRef.Side candidate = refs.resolve(o.candidate(), null);
    ProfileRef.Side baseline = refs.resolve(o.baseline(), candidate);
    List<Drift.Result> rows = Drift.compare(baseline, candidate, o.bins(), o.epsilon(),
        o.thresholds());
    String args = new RunArgs().put("baseline", baseline.label())
        .put("candidate", candidate.label()).put("thresholds", o.thresholds().text())
        .put("bins", o.bins()).put("epsilon", o.epsilon()).json();
    RunRecord record = start.apply(args);
    listener.runStarted(o.runId().value(), "baseline " + baseline.label() + ", candidate "
        + candidate.label() + " (thresholds " + o.thresholds().text() + ")");
    return RunLifecycle.inRun(repo, record, run -> {
      run.write(Tables.DRIFT, Tables.DRIFT_SCHEMA,
          rows.stream().map(Drift.Result::toRow).toList());
      return new Result(o.runId(), o.metrics(), baseline.label(), candidate.label(),
          o.thresholds(), rows);
    }, r -> r.alert() ? AblateException.Kind.GATE_TRIPPED.exitCode() : 0);
  }

  /**
   * Whether {@code previous} resolves for the profile run {@code runId} of {@code metrics}: false
   * when no earlier profile run of the same model succeeded (the first night of a schedule).
   */
  public static boolean hasPrevious(SparkSession spark, String metrics, RunId runId) {
    ProfileRef refs = new ProfileRef(MetricsRepository.open(spark, metrics));
    ProfileRef.Side candidate = refs.resolve(runId.value(), null);
    try {
      refs.resolve(ProfileRef.PREVIOUS, candidate);
      return true;
    } catch (AblateException e) {
      return false;
    }
  }
}

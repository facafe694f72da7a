package io.ablate.bench;

import io.ablate.dataset.ActivationDataset;
import io.ablate.profile.ProfilePass;
import io.ablate.profile.ProfilePlan;
import io.ablate.repository.MetricsRepository;
import io.ablate.repository.RunId;
import io.ablate.repository.RunRecord;
import io.ablate.repository.Tables;
import io.ablate.sketch.QuantileSketch;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The profile benchmark ({@code ablate bench --only profile}): over the job benchmark's
 * {@code array<float>} dataset, in one session,
 * <ul>
 *   <li>{@code scan}: the plain scan (Spark's scan of the column into its {@code noop} sink), which
 *       the profile is compared with, and Ablate's read of every vector into a float array,
 *       nothing else (the floor);
 *   <li>{@code profile}: {@link ProfilePass} (moments, counts, outliers and a KLL sketch of k =
 *       {@value QuantileSketch#DEFAULT_K} per layer and site);
 *   <li>{@code plan}: the GPU engine's plans ({@link ProfilePlan}) on their functions' CPU forms:
 *       what {@code --engine gpu} costs on a machine without a GPU;
 *   <li>{@code sql}: Spark's {@code percentile_approx} over the same values (the array exploded)
 *       for the same quantiles the drift table reads (p1, p50, p99, p99.9) and the PSI deciles, per
 *       layer and site, at its default accuracy (10000).
 * </ul>
 * Rows of the {@code latency} table (scope {@code job}) with impl {@code scan}, {@code profile},
 * {@code sql}.
 */
public final class ProfileBench {
  static final String QUANTILES = "array(0.01, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, "
      + "0.99, 0.999)";

  private ProfileBench() {}

  /** Times the three jobs over {@code input}. */
  public static List<JobBench.Result> run(SparkSession spark, String input, int reps, int sqlReps,
      PrintStream progress) {
    ActivationDataset dataset = ActivationDataset.open(spark, input,
        ActivationDataset.OnBadFile.FAIL);
    long values = JobBench.scan(dataset);
    progress.printf("Profile benchmark: %d float32 values (array<float>) in %s, %s, %d "
        + "repetitions%n", values, input, spark.sparkContext().master(), reps);
    ProfilePass pass = new ProfilePass(List.of(), QuantileSketch.DEFAULT_K);
    List<JobBench.Result> results = new ArrayList<>(JobBench.rounds(List.of(
        JobBench.plainScan(spark, input), JobBench.readEveryVector(dataset),
        new JobBench.Job("profile pass", "profile", "profile", "fp32", 0, () -> pass.run(dataset))),
        values, reps, progress));
    // What --engine gpu costs without a GPU: the plans on their functions' CPU forms, once.
    ProfilePlan plan = new ProfilePlan(List.of(), QuantileSketch.DEFAULT_K);
    results.add(JobBench.time(new JobBench.Job("profile plan on CPU forms", "plan", "profile",
        "fp32", 0, () -> plan.run(dataset)), values, 1, results.get(0).seconds(), progress));
    if (sqlReps > 0) {
      results.add(JobBench.time(new JobBench.Job("percentile_approx (SQL)", "sql",
          "percentile_approx", "fp32", 0, () -> percentiles(spark, input).collectAsList()), values,
          sqlReps, results.get(0).seconds(), progress));
    }
    return results;
  }

  /** What a Spark SQL user would write for the same quantiles per layer and site. */
  static org.apache.spark.sql.Dataset<Row> percentiles(SparkSession spark, String input) {
    spark.read().parquet(input).createOrReplaceTempView("ablate_bench_profile");
    return spark.sql("SELECT layer, site, percentile_approx(v, " + QUANTILES + ") AS q "
        + "FROM (SELECT layer, site, explode(values) AS v FROM ablate_bench_profile) "
        + "GROUP BY layer, site");
  }

  /** Records the results as latency rows of one {@code bench} run. */
  public static void record(SparkSession spark, String metrics, RunId runId, String input,
      List<JobBench.Result> results, String device) {
    MetricsRepository repo = MetricsRepository.open(spark, metrics);
    RunRecord record = RunRecord.start(runId, "bench", "{\"only\":\"profile\"}", input, "", spark);
    try (MetricsRepository.Run run = repo.begin(record)) {
      try {
        List<Row> rows = new ArrayList<>();
        for (JobBench.Result r : results) {
          rows.add(r.toLatencyRow(RunRecord.hostName(), device).toRow());
        }
        run.write(Tables.LATENCY, Tables.LATENCY_SCHEMA, rows);
        run.commit();
      } catch (RuntimeException e) {
        run.fail(e);
        throw e;
      }
    }
  }

}

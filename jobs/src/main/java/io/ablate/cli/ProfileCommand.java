package io.ablate.cli;

import io.ablate.AblateException;
import io.ablate.activation.Catalogue;
import io.ablate.activation.Variant;
import io.ablate.dataset.ActivationDataset;
import io.ablate.drift.Drift;
import io.ablate.drift.DriftMetrics;
import io.ablate.drift.ProfileRef;
import io.ablate.drift.Thresholds;
import io.ablate.repository.MetricsRepository;
import io.ablate.repository.RunId;
import io.ablate.repository.RunRecord;
import io.ablate.profile.Profile;
import io.ablate.profile.ProfilePass;
import io.ablate.sketch.QuantileSketch;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;

/**
 * {@code ablate profile}: the distribution of every (model, checkpoint, layer, site) of an
 * activation dataset — and of each variant's outputs with {@code --variants} — in one pass, into
 * the {@code profiles} table of a metrics repository as one atomic run ({@link ProfilePass}).
 */
final class ProfileCommand implements Command {
  @Override
  public String name() {
    return "profile";
  }

  @Override
  public String summary() {
    return "distribution profiles (moments, counts, KLL sketch) per layer and site, for drift";
  }

  @Override
  public String usage() {
    return "  --input DIR            activation dataset (Parquet)\n"
        + "  --metrics DIR          metrics repository\n"
        + "  --variants LIST        also profile these variants' outputs (default: none)\n"
        + "  --sketch-k K           KLL sketch parameter (default " + QuantileSketch.DEFAULT_K
        + "; rank error about 1.7/K^0.97)\n"
        + "  --run-id ID            (default: a timestamp and a random suffix)\n"
        + "  --on-bad-file fail|skip   corrupt Parquet files (default fail)\n"
        + "  --drift-against REF    then compare this run with REF as 'ablate drift --baseline REF'\n"
        + "                         does (e.g. previous: the nightly gate) and exit 3 on alert;\n"
        + "                         with previous and no earlier run of the model: a note, exit 0\n"
        + "  --thresholds LIST      drift thresholds, as for 'ablate drift' (with --drift-against)\n";
  }

  /** One profile run, as resolved from the command line or by the demo. */
  record Job(String input, String metrics, List<Variant> variants, int k, RunId runId,
      ActivationDataset.OnBadFile onBadFile) {}

  @Override
  public int run(Options options, PrintStream out) {
    String variants = options.get("variants", "");
    String given = options.get("run-id", null);
    Job job = new Job(options.require("input"), options.require("metrics"),
        variants.isBlank() ? List.of() : Catalogue.variants(variants),
        (int) options.getLong("sketch-k", QuantileSketch.DEFAULT_K, 8, 65535),
        given == null ? RunId.generate() : RunId.of(given),
        ActivationDataset.OnBadFile.parse(options.get("on-bad-file", "fail")));
    String against = options.get("drift-against", null);
    String thresholds = options.get("thresholds", null);
    if (against == null && thresholds != null) {
      throw AblateException.badInput("--thresholds needs --drift-against (or use 'ablate drift')");
    }
    Thresholds gate = Thresholds.parse(thresholds);
    SparkSession spark = Sessions.create(name(), options);
    options.requireAllUsed(name());
    try {
      spark.sparkContext().addSparkListener(new ProgressReporter(out, 2000));
      run(spark, job, out);
      if (against == null) {
        return 0;
      }
      if (against.trim().equals(ProfileRef.PREVIOUS) && !hasPrevious(spark, job)) {
        out.printf("No earlier profile run of this model in %s: nothing to compare with yet "
            + "(the next run will be compared with this one)%n", job.metrics());
        return 0;
      }
      List<Drift.Result> rows = DriftCommand.run(spark, new DriftCommand.Job(job.metrics(),
          against, job.runId().value(), gate, DriftMetrics.DEFAULT_BINS,
          DriftMetrics.DEFAULT_EPSILON, RunId.generate()), out);
      return DriftCommand.exitCode(rows);
    } finally {
      spark.stop();
    }
  }

  /**
   * Runs {@code job} in {@code spark} (which the caller owns, with its progress listener) as one
   * atomic run; prints the summary; returns the rows.
   */
  static List<Profile> run(SparkSession spark, Job job, PrintStream out) {
    ProfilePass pass = new ProfilePass(job.variants(), job.k());
    ActivationDataset dataset = ActivationDataset.open(spark, job.input(), job.onBadFile());
    MetricsRepository repo = MetricsRepository.open(spark, job.metrics());
    String variantNames = job.variants().stream().map(Variant::name)
        .collect(Collectors.joining(";"));
    String args = String.format(Locale.ROOT, "{\"variants\":\"%s\",\"sketch_k\":%d,"
        + "\"on_bad_file\":\"%s\",\"skipped_files\":%d}", variantNames.replace("\"", "\\\""),
        job.k(), job.onBadFile().name().toLowerCase(Locale.ROOT), dataset.skipped().size());
    RunRecord record = RunRecord.start(job.runId(), "profile", args, job.input(),
        dataset.fingerprint(), spark);
    out.printf("Run %s: profiles of %s (%d files%s)%n", job.runId().value(), job.input(),
        dataset.files().size(), dataset.skipped().isEmpty() ? ""
            : ", " + dataset.skipped().size() + " corrupt files skipped");
    List<Profile> profiles;
    try (MetricsRepository.Run run = repo.begin(record)) {
      try {
        profiles = pass.run(dataset);
        run.write("profiles", spark.createDataFrame(profiles.stream().map(Profile::toRow).toList(),
            Profile.SCHEMA));
        run.commit();
      } catch (RuntimeException e) {
        run.fail(e);
        throw e;
      }
    }
    out.print(summary(profiles));
    out.printf("Profiles in %s (tables runs, profiles; run_id %s)%n", job.metrics(),
        job.runId().value());
    return profiles;
  }

  /** Whether 'previous' resolves for the run just written. */
  private static boolean hasPrevious(SparkSession spark, Job job) {
    ProfileRef refs = new ProfileRef(MetricsRepository.open(spark, job.metrics()));
    ProfileRef.Side candidate = refs.resolve(job.runId().value(), null);
    try {
      refs.resolve(ProfileRef.PREVIOUS, candidate);
      return true;
    } catch (AblateException e) {
      return false;
    }
  }

  static String summary(List<Profile> profiles) {
    TextTable t = new TextTable("checkpoint", "layer", "site", "variant", "n", "mean", "std",
        "skew", "kurt", "min", "p1", "p50", "p99", "max", "zeros", "outliers");
    double[] ranks = {0.01, 0.5, 0.99};
    for (Profile p : profiles) {
      float[] q = p.quantiles().quantiles(ranks);
      t.row(p.checkpoint(), p.layer(), p.site(), p.variant() == null ? "-" : p.variant(), p.n(),
          g(p.mean()), g(p.std()), f2(p.skewness()), f2(p.kurtosis()), g(p.min()), g(q[0]),
          g(q[1]), g(q[2]), g(p.max()), String.format(Locale.ROOT, "%.3f", p.sparsity()),
          p.outliers());
    }
    return t.render();
  }

  static String g(double v) {
    return String.format(Locale.ROOT, "%.4g", v);
  }

  private static String f2(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }
}

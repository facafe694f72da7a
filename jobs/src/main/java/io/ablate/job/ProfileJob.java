package io.ablate.job;

import io.ablate.activation.Variant;
import io.ablate.dataset.ActivationDataset;
import io.ablate.dataset.Source;
import io.ablate.profile.Profile;
import io.ablate.profile.ProfilePass;
import io.ablate.profile.ProfilePlan;
import io.ablate.repository.MetricsRepository;
import io.ablate.repository.RunId;
import io.ablate.repository.RunRecord;
import io.ablate.repository.Tables;
import io.ablate.sketch.QuantileSketch;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;

/**
 * The profile job: the distribution of every (model, checkpoint, layer, site) of an activation
 * dataset, and of each variant's outputs, in one pass ({@link ProfilePass}), into the {@code
 * profiles} table as one run.
 */
public final class ProfileJob {
  private ProfileJob() {}

  /**
   * What to run: {@code variants} may be empty (raw inputs only); {@code k} the sketch's;
   * {@code engine} the CPU pass or the GPU plan ({@link ProfilePlan}).
   */
  public record Options(Source input, String metrics, List<Variant> variants, int k, RunId runId,
      ActivationDataset.OnBadFile onBadFile, Engine engine) {
    public Options {
      variants = List.copyOf(variants);
      QuantileSketch.checkK(k);
    }
  }

  /** What ran. */
  public record Result(RunId runId, String metrics, int files, int skippedFiles,
      List<Profile> profiles) {}

  /** Runs the job in {@code spark} (which the caller owns). */
  public static Result run(SparkSession spark, Options o, JobListener listener) {
    ActivationDataset dataset = ActivationDataset.open(spark, o.input(), o.onBadFile());
    RunArgs args = Inputs.record(new RunArgs()
        .put("variants", o.variants().stream().map(Variant::name).collect(Collectors.joining(";")))
        .put("sketch_k", o.k())
        .put("on_bad_file", o.onBadFile().name().toLowerCase(Locale.ROOT))
        .put("skipped_files", dataset.skipped().size())
        .put("engine", o.engine().label(spark)), dataset);
    RunRecord record = RunRecord.start(o.runId(), "profile", args.json(), o.input().toString(),
        dataset.fingerprint(), spark);
    listener.runStarted(o.runId().value(), "profiles of " + o.input() + " ("
        + Inputs.files(dataset) + ")");
    MetricsRepository repo = MetricsRepository.open(spark, o.metrics());
    return RunLifecycle.inRun(repo, record, run -> {
      List<Profile> profiles = o.engine().gpuPlan(spark)
          ? Phases.run(spark, listener, "profile plan",
              () -> new ProfilePlan(o.variants(), o.k()).run(dataset))
          : Phases.run(spark, listener, "profile pass",
              () -> new ProfilePass(o.variants(), o.k()).run(dataset));
      Inputs.recordRounding(run, args, dataset, !o.engine().gpuPlan(spark));
      run.write(Tables.PROFILES, Tables.PROFILES_SCHEMA,
          profiles.stream().map(Profile::toRow).toList());
      return new Result(o.runId(), o.metrics(), dataset.files().size(), dataset.skipped().size(),
          profiles);
    });
  }
}

package io.ablate.cli;

import io.ablate.AblateException;
import io.ablate.drift.ProfileRef;
import io.ablate.drift.Thresholds;
import io.ablate.job.DriftJob;
import io.ablate.job.ProfileJob;
import io.ablate.repository.RunId;
import io.ablate.sketch.QuantileSketch;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code ablate profile}: the profile job ({@link ProfileJob}); with {@code --drift-against}, then
 * the drift job against that reference, exiting 3 on alert (the nightly gate).
 */
@Command(name = "profile", mixinStandardHelpOptions = true, sortOptions = false,
    versionProvider = Cli.Version.class,
    description = "Distribution profiles (moments, counts, a quantile sketch) of every layer and "
        + "site of an activation dataset, and of variants' outputs, into the profiles table; "
        + "optionally then drift against an earlier run.",
    footer = {"", "Example (a nightly gate: exit 3 on alert):",
        "  ablate profile --input /data/acts/today --metrics /data/metrics \\",
        "      --drift-against previous"})
final class ProfileCommand implements Callable<Integer> {
  @ParentCommand
  Cli cli;

  @Mixin
  InputOptions in;

  @Mixin
  RunOptions run;


  @Option(names = "--variants", paramLabel = "LIST", converter = Converters.Variants.class,
      defaultValue = "", description = "Also profile these variants' outputs (default: none).")
  Converters.VariantList variants;

  @Option(names = "--sketch-k", paramLabel = "K", defaultValue = "" + QuantileSketch.DEFAULT_K,
      description = "Quantile sketch parameter, 8 to 65535 (default: ${DEFAULT-VALUE}; rank "
          + "error about 2.3/K^0.97).")
  int sketchK;


  @Option(names = "--drift-against", paramLabel = "REF",
      description = "Then compare this run with REF as 'ablate drift --baseline REF' does (e.g. "
          + "previous) and exit 3 on alert; with previous and no earlier run of the model: a "
          + "note, exit 0.")
  String driftAgainst;

  @Option(names = "--thresholds", paramLabel = "LIST", converter = Converters.Gate.class,
      description = "Drift thresholds, as for 'ablate drift' (with --drift-against).")
  Thresholds thresholds;

  @Mixin
  SparkOptions sparkOptions;

  @Mixin
  CommonOptions common;

  @Override
  public Integer call() throws Exception {
    ProfileJob.Options options = new ProfileJob.Options(in.source(), run.metrics,
        variants.variants(), common.range("--sketch-k", sketchK, QuantileSketch.MIN_K,
            QuantileSketch.MAX_K), run.runId(), in.onBadFile, in.engine);
    if (driftAgainst == null && thresholds != null) {
      throw AblateException.badInput("--thresholds needs --drift-against (or use 'ablate drift')");
    }
    DriftJob.Options drift = driftAgainst == null ? null : DriftJob.Options.of(run.metrics,
        driftAgainst, options.runId().value(),
        thresholds == null ? Thresholds.defaults() : thresholds, RunId.generate());
    Console console = cli.console(common);
    Sessions.Settings settings = sparkOptions.settings("local[*]", common.specConfs());
    return run.results.run(common, run.metrics, settings, console.listener(), listener -> {
      SparkSession spark = Sessions.create("profile", settings);
      try {
        console.progressOf(spark);
        show(console, ProfileJob.run(spark, options, listener));
        if (drift == null) {
          return 0;
        }
        if (driftAgainst.trim().equals(ProfileRef.PREVIOUS)
            && !DriftJob.hasPrevious(spark, run.metrics, options.runId())) {
          console.note("No earlier profile run of this model in %s: nothing to compare with "
              + "yet (the next run will be compared with this one)", run.metrics);
          return 0;
        }
        return DriftCommand.show(console, DriftJob.run(spark, drift, listener));
      } finally {
        spark.stop();
      }
    });
  }

  /** The profiles table and where it is. */
  static void show(Console console, ProfileJob.Result r) {
    console.out().print(Render.profiles(r.profiles()));
    console.note("Profiles in %s (tables runs, profiles; run_id %s)", r.metrics(),
        r.runId().value());
  }
}

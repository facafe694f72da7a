package io.ablate.cli;

import io.ablate.drift.DriftMetrics;
import io.ablate.drift.Thresholds;
import io.ablate.job.DriftJob;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code ablate drift}: the drift job ({@link DriftJob}); exit 3 when any key is alert. */
@Command(name = "drift", mixinStandardHelpOptions = true, sortOptions = false,
    versionProvider = Cli.Version.class,
    description = "Drift between two profile runs or checkpoints, key by key, from the stored "
        + "profiles alone, into the drift table; exit 3 on alert.",
    footer = {"", "Example:",
        "  ablate drift --metrics /data/metrics --baseline previous --candidate latest \\",
        "      --thresholds psi=0.05:0.2,ks=0.1:0.2"})
final class DriftCommand implements Callable<Integer> {
  /** The exit code of a tripped gate. */
  static final int ALERT = 3;

  @ParentCommand
  Cli cli;

  @Mixin
  RunOptions run;


  @Option(names = "--baseline", required = true, paramLabel = "REF",
      description = "RUN_ID, RUN_ID/CHECKPOINT, latest or previous (the latest succeeded profile "
          + "run of the same model that started before the candidate's run).")
  String baseline;

  @Option(names = "--candidate", required = true, paramLabel = "REF",
      description = "RUN_ID, RUN_ID/CHECKPOINT or latest.")
  String candidate;

  @Option(names = "--thresholds", paramLabel = "LIST", converter = Converters.Gate.class,
      defaultValue = "",
      description = "metric=warn:alert,... over the defaults " + Thresholds.DEFAULTS
          + " (any drift column; metric=off drops one).")
  Thresholds thresholds;

  @Option(names = "--bins", paramLabel = "B", defaultValue = "" + DriftMetrics.DEFAULT_BINS,
      description = "PSI and JS bins at the baseline's quantiles, 2 to 1000 (default: "
          + "${DEFAULT-VALUE}).")
  int bins;

  @Option(names = "--epsilon", paramLabel = "E", defaultValue = "" + DriftMetrics.DEFAULT_EPSILON,
      description = "PSI smoothing (default: ${DEFAULT-VALUE}).")
  double epsilon;


  @Mixin
  SparkOptions sparkOptions;

  @Mixin
  CommonOptions common;

  @Override
  public Integer call() throws Exception {
    DriftJob.Options options = new DriftJob.Options(run.metrics, baseline, candidate,
        thresholds, common.range("--bins", bins, 2, 1000), epsilon, run.runId());
    Console console = cli.console(common);
    Sessions.Settings settings = sparkOptions.settings("local[*]", common.specConfs());
    // Profiles are kilobytes: the comparison reads and writes them without a Spark session.
    return run.results.run(common, run.metrics, settings, console.listener(),
        listener -> show(console, DriftJob.run(Sessions.hadoopConf(settings), options, listener)));
  }

  /** The drift table worst first, the counts, where the rows are; returns the exit code. */
  static int show(Console console, DriftJob.Result r) {
    console.out().print(Render.drift(r.rows()));
    long alerts = r.count("alert");
    long warns = r.count("warn");
    console.out().printf("%d alert, %d warn, %d ok.%n", alerts, warns,
        r.rows().size() - alerts - warns);
    console.note("Drift rows in %s (table drift, run_id %s)", r.metrics(), r.runId().value());
    return r.alert() ? ALERT : 0;
  }
}

package io.ablate.cli;

import io.ablate.AblateException;
import io.ablate.activation.Variant;
import io.ablate.gate.Gate;
import io.ablate.job.AblationJob;
import io.ablate.latency.LatencyPass;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code ablate ablate}: the ablation job ({@link AblationJob}) from the command line. */
@Command(name = "ablate", mixinStandardHelpOptions = true, sortOptions = false,
    versionProvider = Cli.Version.class,
    description = "Accuracy of activation variants against a float64 reference over an "
        + "activation dataset, one pass, into the accuracy table of a metrics repository (with "
        + "--latency, also the kernels' timings into the latency table).",
    footer = {"", "Examples:",
        "  ablate ablate --input data-samples/activations --metrics /tmp/metrics \\",
        "      --variants 'gelu_tanh;silu;gelu@bf16;swiglu@int8'",
        "  ablate ablate --input data-samples/activations --metrics /tmp/metrics \\",
        "      --gate 'cos_sim>=0.998' --gate 'gelu_tanh:max_abs_err<=1e-3'"})
final class AblateCommand implements Callable<Integer> {
  @ParentCommand
  Cli cli;

  @Mixin
  InputOptions in;

  @Mixin
  RunOptions run;


  @Option(names = "--variants", paramLabel = "LIST", converter = Converters.Variants.class,
      defaultValue = AblationJob.DEFAULT_VARIANTS,
      description = "Variants, ';'-separated (default: ${DEFAULT-VALUE}).")
  Converters.VariantList variants;

  @Option(names = "--reference", paramLabel = "NAME", converter = Converters.OneVariant.class,
      defaultValue = "gelu",
      description = "Reference of ffn.pre sites, in float64 (default: ${DEFAULT-VALUE}).")
  Variant reference;

  @Option(names = "--gated-reference", paramLabel = "NAME",
      converter = Converters.OneVariant.class, defaultValue = "swiglu",
      description = "Reference of ffn.gate_up sites (default: ${DEFAULT-VALUE}).")
  Variant gatedReference;


  @Option(names = "--gate", paramLabel = "GATE", split = ";", converter = Converters.OneGate.class,
      description = "A threshold every accuracy row must meet, else exit 3 (the run is still "
          + "recorded): [VARIANT:]METRIC OP NUMBER, OP one of >=, <=, >, <, METRIC a numeric "
          + "column of the accuracy table (e.g. snr_db>=40, gelu@int8:max_abs_err<=1e-3). "
          + "Repeatable, or ';'-separated; every check goes into the gates table.")
  List<Gate> gates;

  @Option(names = "--latency",
      description = "Also time every variant's kernels (scalar, simd, djl, gpu) on the executors, "
          + "on their partitions' data: the latency table.")
  boolean latency;

  @Option(names = "--latency-batch", paramLabel = "N",
      description = "Values per timed call, per partition (default: "
          + LatencyPass.DEFAULT_BATCH + ").")
  Integer latencyBatch;

  @Option(names = "--latency-reps", paramLabel = "N",
      description = "Timed repetitions per partition (default: " + LatencyPass.DEFAULT_REPS + ").")
  Integer latencyReps;

  @Mixin
  SparkOptions sparkOptions;

  @Mixin
  CommonOptions common;

  /** {@code -Dablate.warm-up=off}: no warm-up (to measure what it saves). */
  static final String WARM_UP_PROPERTY = "ablate.warm-up";

  @Override
  public Integer call() throws Exception {
    AblationJob.Options options = new AblationJob.Options(in.source(), run.metrics,
        variants.variants(), reference, gatedReference, run.runId(), in.onBadFile, latencyPass(),
        in.engine, AblationJob.gates(gates == null ? List.of() : gates, variants.variants()));
    Console console = cli.console(common);
    Sessions.Settings settings = sparkOptions.settings("local[*]", common.specConfs());
    return run.results.run(common, run.metrics, settings, console.listener(), listener -> {
      if (settings.local() && !"off".equals(System.getProperty(WARM_UP_PROPERTY))) {
        AblationJob.warmUp(options); // the tasks run in this JVM
      }
      SparkSession spark = Sessions.create("ablate", settings);
      try {
        console.progressOf(spark);
        return show(console, AblationJob.run(spark, options, listener));
      } finally {
        spark.stop();
      }
    });
  }

  /** The latency pass of {@code --latency}; its options are errors without it. */
  private LatencyPass latencyPass() {
    if (!latency) {
      if (latencyBatch != null || latencyReps != null) {
        throw AblateException.badInput("--latency-batch and --latency-reps need --latency");
      }
      return null;
    }
    return new LatencyPass(variants.variants(),
        common.range("--latency-batch", latencyBatch == null ? LatencyPass.DEFAULT_BATCH
            : latencyBatch, 1, 1 << 28),
        common.range("--latency-reps", latencyReps == null ? LatencyPass.DEFAULT_REPS
            : latencyReps, 1, 100_000));
  }

  /** The result tables, the gates' verdict and where the metrics are; returns the exit code. */
  static int show(Console console, AblationJob.Result r) {
    console.out().print(Render.accuracy(r.accuracy()));
    if (r.latency() != null) {
      console.out().print(Render.latency(r.latency()));
    }
    console.out().print(Render.gates(r.gates()));
    console.note("Metrics in %s (tables runs, accuracy%s%s; run_id %s)", r.metrics(),
        r.latency() == null ? "" : ", latency", r.gates().gates().isEmpty() ? "" : ", gates",
        r.runId().value());
    return r.gates().tripped() ? DriftCommand.ALERT : 0;
  }
}

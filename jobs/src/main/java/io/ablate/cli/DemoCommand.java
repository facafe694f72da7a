package io.ablate.cli;

import io.ablate.AblateException;
import io.ablate.accuracy.AccuracyPass;
import io.ablate.activation.Catalogue;
import io.ablate.activation.Variant;
import io.ablate.dataset.ActivationDataset;
import io.ablate.dataset.Source;
import io.ablate.dataset.Generator;
import io.ablate.drift.Thresholds;
import io.ablate.encoding.Dtype;
import io.ablate.eval.PromptEval;
import io.ablate.job.AblationJob;
import io.ablate.job.CaptureJob;
import io.ablate.job.DriftJob;
import io.ablate.job.Engine;
import io.ablate.job.EvalJob;
import io.ablate.job.GenerateJob;
import io.ablate.job.JobListener;
import io.ablate.job.ProfileJob;
import io.ablate.latency.LatencyPass;
import io.ablate.model.ModelConfig;
import io.ablate.repository.RunId;
import io.ablate.sketch.QuantileSketch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code ablate demo}: the ablation job end to end on the committed sample dataset {@code
 * data-samples/activations} under the Ablate home, then a short guide to the printed table; then
 * the drift step (two generated checkpoints, drift in known layers, profiled and compared); with
 * the committed tiny model ({@code data-samples/models/tiny-gpt2}), its prompt evaluation under a
 * few variant configs, and the ablation and profile jobs on its captured FFN inputs. Every job
 * runs as itself, one after the other, in one Spark session; everything is written inside the
 * demo's directory: {@code metrics/} (one repository for every run) and {@code data/} (the
 * generated and captured datasets).
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
    versionProvider = Cli.Version.class,
    description = "The ablation job end to end on the committed sample dataset ("
        + DemoCommand.SAMPLE + "), then drift between two generated checkpoints, then prompt "
        + "evaluation and activation capture of the committed tiny model; all into one metrics "
        + "repository.",
    footer = {"", "Example:", "  ablate demo --out /tmp/ablate-demo",
        "  ablate report --metrics /tmp/ablate-demo/metrics"})
final class DemoCommand implements Callable<Integer> {
  static final String SAMPLE = "data-samples/activations";
  static final String TINY_MODEL = "data-samples/models/tiny-gpt2";
  static final String TEST_PROMPTS = "data-samples/prompts/test.jsonl";
  static final String MODEL_CONFIGS = "baseline;gelu_tanh;*:gelu@int8;0:relu";
  static final int PROMPTS_PER_TASK = 20;
  /** The HTML report of every run, written last into the demo's directory. */
  static final String REPORT = "report.html";
  private static final String REFERENCE = "gelu";
  private static final String GATED_REFERENCE = "swiglu";
  /** The layers the drift step's second checkpoint is generated with drift in. */
  static final List<Integer> DRIFT_LAYERS = List.of(1, 3);

  @ParentCommand
  Cli cli;

  @Option(names = "--out", paramLabel = "DIR",
      description = "The demo's directory: metrics/ and data/ are written inside it (default: a "
          + "new directory ablate-demo-RUN_ID under the system temp directory).")
  String out;

  @Option(names = "--variants", paramLabel = "LIST", converter = Converters.Variants.class,
      defaultValue = AblationJob.DEFAULT_VARIANTS,
      description = "Elementwise variants run on ffn.pre against " + REFERENCE
          + " in float64, gated ones on ffn.gate_up against " + GATED_REFERENCE
          + " (default: ${DEFAULT-VALUE}).")
  Converters.VariantList variants;

  @Mixin
  ResultsFile results;

  @Mixin
  SparkOptions sparkOptions;

  @Mixin
  CommonOptions common;

  @Override
  public Integer call() throws Exception {
    Path sample = AblateHome.resolve(SAMPLE);
    if (!Files.isDirectory(sample)) {
      throw AblateException.badInput("sample dataset %s not found: run from the Ablate repository "
          + "or set -Dablate.home to it (jobs/bin/ablate does)", sample);
    }
    RunId runId = RunId.generate();
    Path dir = Path.of(out != null ? out : Path.of(System.getProperty("java.io.tmpdir"),
        "ablate-demo-" + runId.value()).toString());
    String metrics = dir.resolve("metrics").toString();
    // With the kernels timed, so that the report can plot each variant's error against its cost.
    AblationJob.Options ablation = new AblationJob.Options(Source.of(sample.toString()), metrics,
        variants.variants(), Catalogue.variant(REFERENCE), Catalogue.variant(GATED_REFERENCE),
        runId, ActivationDataset.OnBadFile.FAIL, new LatencyPass(variants.variants(),
            LatencyPass.DEFAULT_BATCH, LatencyPass.DEFAULT_REPS), Engine.AUTO);
    Console console = cli.console(common);
    Sessions.Settings settings = sparkOptions.settings("local[*]", common.specConfs());
    return results.run(common, metrics, settings, console.listener(), listener -> {
      SparkSession spark = Sessions.create("demo", settings);
      try {
        console.progressOf(spark);
        console.note("Demo: the ablation job on %s, into %s (%s)", sample, dir,
            spark.sparkContext().master());
        AblationJob.Result result = AblationJob.run(spark, ablation, listener);
        AblateCommand.show(console, result);
        console.noteText(howToRead(result.accuracy()));
        driftStep(spark, console, listener, dir, runId);
        Path tiny = AblateHome.resolve(TINY_MODEL);
        if (Files.isDirectory(tiny)) {
          modelLevel(spark, console, listener, tiny, AblateHome.resolve(TEST_PROMPTS), dir,
              variants.variants());
        }
        Path report = dir.resolve(REPORT);
        ReportCommand.writeHtml(spark.sparkContext().hadoopConfiguration(), metrics, report);
        console.out().printf("Report with plots: %s%nSee it again: jobs/bin/ablate report "
            + "--metrics %s --runs all --format html --out FILE.html%n", report, metrics);
        return 0;
      } finally {
        spark.stop();
      }
    });
  }

  /**
   * The drift step: two checkpoints of a synthetic model, the second with its activations scaled
   * by 2 in {@link #DRIFT_LAYERS} only, each profiled as its own run; then drift between them,
   * whose table should name exactly those layers as alert.
   */
  private static void driftStep(SparkSession spark, Console console, JobListener listener,
      Path dir, RunId runId) {
    console.note("%nDrift: two checkpoints of a synthetic model, the second with its activations "
        + "scaled by 2 in layers %s only; each profiled, then compared.", DRIFT_LAYERS);
    String metrics = dir.resolve("metrics").toString();
    List<String> runs = new ArrayList<>();
    for (int c = 1; c <= 2; c++) {
      String data = dir.resolve("data").resolve("ckpt-" + c).toString();
      boolean drifted = c == 2;
      GenerateJob.run(spark, new GenerateJob.Options(new Generator.Spec(1000, 256, 4,
          "demo-model", "ckpt-" + c, c, false, Dtype.F32, 0, drifted ? 2 : 1, 0.25,
          drifted ? DRIFT_LAYERS : List.of(), List.of(ActivationDataset.DEFAULT_SITE), 2), data,
          true, List.of()), listener);
      RunId id = RunId.of(runId.value() + "-ckpt-" + c);
      runs.add(id.value());
      ProfileCommand.show(console, ProfileJob.run(spark, new ProfileJob.Options(Source.of(data), metrics,
          List.of(), QuantileSketch.DEFAULT_K, id, ActivationDataset.OnBadFile.FAIL, Engine.AUTO),
          listener));
    }
    DriftJob.Result drift = DriftJob.run(spark, DriftJob.Options.of(metrics, runs.get(0),
        runs.get(1), Thresholds.defaults(), RunId.of(runId.value() + "-drift")),
        listener);
    DriftCommand.show(console, drift);
    List<Integer> alerted = drift.rows().stream()
        .filter(r -> r.verdict().status().equals("alert")).map(r -> r.key().layer()).sorted()
        .toList();
    console.noteText("""
        How to read this: one row per layer, worst first. psi compares the shares of values in the
        baseline's deciles (0.1 warn, 0.25 alert by default), ks is the largest CDF gap, w1_norm the
        mean distance between quantiles in baseline standard deviations (0.1 warn, 0.2 alert),
        std_ratio and mean_shift_sigma come from the exact moments. Alert in layers %s (generated
        with drift in %s). As a nightly gate: jobs/bin/ablate --job conf/jobs/nightly-drift.yaml
        --input DIR (profile, then drift against the previous run; exit 3 on alert).
        """.formatted(alerted, DRIFT_LAYERS));
  }

  /**
   * The model-level part: the tiny GPT-2 model's prompt evaluation under a few variant configs,
   * then its captured FFN inputs through the ablation job and the profile job.
   */
  private static void modelLevel(SparkSession spark, Console console, JobListener listener,
      Path tiny, Path prompts, Path dir, List<Variant> variants) {
    String metrics = dir.resolve("metrics").toString();
    ModelConfig config = EvalJob.Options.config(tiny.toString());
    int parallelism = spark.sparkContext().defaultParallelism();
    String abs = tiny.toAbsolutePath().normalize().toString();
    console.note("%nDemo, model level: %s (%s) on %s, the first %d prompts of each task", tiny,
        config, prompts, PROMPTS_PER_TASK);
    EvalCommand.show(console, EvalJob.run(spark, new EvalJob.Options(tiny.toString(),
        prompts.toString(), metrics, new PromptEval(abs, List.of(MODEL_CONFIGS.split(";")), 16,
        parallelism, 16), RunId.generate(), PROMPTS_PER_TASK), listener), parallelism);
    String acts = dir.resolve("data").resolve("captured").toString();
    CaptureJob.run(spark, new CaptureJob.Options(abs, prompts.toString(), acts, new int[0],
        Dtype.BF16, parallelism, PROMPTS_PER_TASK, true, List.of()), listener);
    console.note("Captured its FFN inputs (ffn.pre, bf16) into %s; the ablation job on them:",
        acts);
    AblateCommand.show(console, AblationJob.run(spark, new AblationJob.Options(Source.of(acts), metrics,
        variants, Catalogue.variant(REFERENCE), Catalogue.variant(GATED_REFERENCE), RunId.generate(),
        ActivationDataset.OnBadFile.FAIL, null, Engine.AUTO), listener));
    console.note("%nProfiles of the captured FFN inputs (one row per layer: the distribution the "
        + "activation sees on real prompts;%nprofile again after retraining and compare with "
        + "'ablate drift'):");
    ProfileCommand.show(console, ProfileJob.run(spark, new ProfileJob.Options(Source.of(acts), metrics,
        List.of(), QuantileSketch.DEFAULT_K, RunId.generate(), ActivationDataset.OnBadFile.FAIL,
        Engine.AUTO), listener));
  }

  /** What the columns mean, then per reference the closest and the furthest variant. */
  static String howToRead(List<AccuracyPass.Result> results) {
    StringBuilder sb = new StringBuilder("""
        How to read this: one row per variant and layer; each compares the variant's float32 outputs
        with the float64 reference on the same inputs (elementwise variants on ffn.pre vs %s,
        gated ones on ffn.gate_up vs %s).
          max_abs_err, rmse  largest and root-mean-square absolute error
          max_ulp      largest error in float32 ulps of the reference, where the reference is a
                       normal float32 (|r| >= 2^-126; ulp_excluded counts the others): 0.5-7 is
                       float32-accurate, bf16 rounding gives 2^15 = 3.3e4, an output of 0 for a
                       nonzero reference 0.8e7-1.7e7 (2^23-2^24); more: output beyond the reference
          snr_db       10*log10(sum ref^2 / sum err^2): about 6 dB per correct significand bit
          cos_sim      1 = same direction; sparsity_out: fraction of outputs exactly 0
        """.formatted(REFERENCE, GATED_REFERENCE));
    for (String reference : List.of(REFERENCE, GATED_REFERENCE)) {
      // A variant is as good as its worst layer: rank by the lowest snr_db over its rows.
      Map<String, Double> worstSnr = new LinkedHashMap<>();
      for (AccuracyPass.Result r : results) {
        if (r.reference().equals(reference)) {
          worstSnr.merge(r.variant(), r.stats().snrDb(), Math::min);
        }
      }
      List<Map.Entry<String, Double>> ranked = worstSnr.entrySet().stream()
          .sorted(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder())).toList();
      if (ranked.size() == 1) {
        sb.append(String.format(Locale.ROOT, "Against %s: %s (worst layer %.1f dB).%n", reference,
            ranked.get(0).getKey(), ranked.get(0).getValue()));
      } else if (ranked.size() > 1) {
        Map.Entry<String, Double> worst = ranked.get(ranked.size() - 1);
        sb.append(String.format(Locale.ROOT, "Against %s, closest: %s (worst layer %.1f dB); "
            + "furthest: %s (%.1f dB).%n", reference, ranked.get(0).getKey(),
            ranked.get(0).getValue(), worst.getKey(), worst.getValue()));
      }
    }
    sb.append("Your own data: jobs/bin/ablate ablate --input DIR --metrics DIR (or --job "
        + "conf/jobs/ablate-demo.yaml)\n");
    return sb.toString();
  }
}

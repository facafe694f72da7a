package io.ablate.cli;

import io.ablate.AblateException;
import io.ablate.accuracy.AccuracyPass;
import io.ablate.activation.Catalogue;
import io.ablate.activation.Variant;
import io.ablate.dataset.ActivationDataset;
import io.ablate.encoding.Dtype;
import io.ablate.eval.Capture;
import io.ablate.eval.PromptData;
import io.ablate.eval.PromptEval;
import io.ablate.model.ModelConfig;
import io.ablate.model.ModelDir;
import io.ablate.repository.RunId;
import io.ablate.dataset.Generator;
import io.ablate.drift.Drift;
import io.ablate.drift.DriftMetrics;
import io.ablate.drift.Thresholds;
import io.ablate.sketch.QuantileSketch;
import java.io.PrintStream;
import java.util.ArrayList;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * {@code ablate demo}: the ablation job ({@link AblateCommand}, same code path) end to end on the
 * committed sample dataset {@code data-samples/activations} under the Ablate home, into a fresh
 * metrics repository; then a short guide to the printed table; then the drift step (two
 * generated checkpoints, drift in known layers, profiled and compared). With the committed tiny
 * model ({@code data-samples/models/tiny-gpt2}), also its prompt evaluation under a few variant
 * configs, and the ablation and profile jobs on its captured FFN inputs, into the same repository.
 * Ends with the command to see it all again.
 */
final class DemoCommand implements Command {
  static final String SAMPLE = "data-samples/activations";
  static final String TINY_MODEL = "data-samples/models/tiny-gpt2";
  static final String TEST_PROMPTS = "data-samples/prompts/test.jsonl";
  static final String MODEL_CONFIGS = "baseline;gelu_tanh;*:gelu@int8;0:relu";
  static final int PROMPTS_PER_TASK = 20;
  private static final String REFERENCE = "gelu";
  private static final String GATED_REFERENCE = "swiglu";

  @Override
  public String name() {
    return "demo";
  }

  @Override
  public String summary() {
    return "the ablation job end to end on the committed sample dataset (" + SAMPLE + ")";
  }

  @Override
  public String usage() {
    return "  --out DIR           metrics repository to write (default: a new directory\n"
        + "                      ablate-demo-RUN_ID under the system temp directory)\n"
        + "  --variants LIST     (default " + AblateCommand.DEFAULT_VARIANTS + ")\n"
        + "                      elementwise variants run on ffn.pre against " + REFERENCE
        + " in float64,\n"
        + "                      gated ones on ffn.gate_up against " + GATED_REFERENCE + "\n";
  }

  @Override
  public int run(Options options, PrintStream out) {
    List<Variant> variants =
        Catalogue.variants(options.get("variants", AblateCommand.DEFAULT_VARIANTS));
    Path sample = AblateHome.resolve(SAMPLE);
    if (!Files.isDirectory(sample)) {
      throw AblateException.badInput("sample dataset %s not found: run from the Ablate repository "
          + "or set -Dablate.home to it (jobs/bin/ablate does)", sample);
    }
    RunId runId = RunId.generate();
    String metrics = options.get("out", Path.of(System.getProperty("java.io.tmpdir"),
        "ablate-demo-" + runId.value()).toString());
    AblateCommand.Job job = new AblateCommand.Job(sample.toString(), metrics, variants,
        Catalogue.variant(REFERENCE), Catalogue.variant(GATED_REFERENCE), runId,
        ActivationDataset.OnBadFile.FAIL, null);
    SparkSession spark = Sessions.create(name(), options);
    // One reporter for the session: each step's stages are printed once.
    spark.sparkContext().addSparkListener(new ProgressReporter(out, 2000));
    options.requireAllUsed(name());
    try {
      out.printf("Demo: the ablation job on %s, metrics into %s (%s)%n", sample, metrics,
          spark.sparkContext().master());
      List<AccuracyPass.Result> results = AblateCommand.run(spark, job, out);
      out.print(howToRead(results));
      driftStep(spark, metrics, runId, out);
      Path tiny = AblateHome.resolve(TINY_MODEL);
      if (Files.isDirectory(tiny)) {
        modelLevel(spark, tiny, AblateHome.resolve(TEST_PROMPTS), metrics, variants, out);
      }
      out.printf("See it again: jobs/bin/ablate report --metrics %s%n", metrics);
      return 0;
    } finally {
      spark.stop();
    }
  }

  /** The layers the drift step's second checkpoint is generated with drift in. */
  static final List<Integer> DRIFT_LAYERS = List.of(1, 3);

  /**
   * The drift step: two checkpoints of a synthetic model, the second with its activations scaled
   * by 1.5 in {@link #DRIFT_LAYERS} only, each profiled as its own run; then drift between them,
   * whose table should name exactly those layers as alert.
   */
  static List<Drift.Result> driftStep(SparkSession spark, String metrics, RunId runId,
      PrintStream out) {
    out.printf("%nDrift: two checkpoints of a synthetic model, the second with its activations "
        + "scaled by 2 in layers %s only; each profiled, then compared.%n", DRIFT_LAYERS);
    List<String> runs = new ArrayList<>();
    for (int c = 1; c <= 2; c++) {
      String data = Path.of(metrics).resolveSibling(Path.of(metrics).getFileName() + "-ckpt-" + c)
          .toString();
      boolean drifted = c == 2;
      new Generator(new Generator.Spec(1000, 256, 4, "demo-model", "ckpt-" + c, c, false,
          Dtype.F32, 0, drifted ? 2 : 1, 0.25, drifted ? DRIFT_LAYERS : List.of(),
          List.of(ActivationDataset.DEFAULT_SITE), 2)).generate(spark).write().mode("overwrite")
          .parquet(data);
      RunId id = RunId.of(runId.value() + "-ckpt-" + c);
      runs.add(id.value());
      ProfileCommand.run(spark, new ProfileCommand.Job(data, metrics, List.of(),
          QuantileSketch.DEFAULT_K, id, ActivationDataset.OnBadFile.FAIL), out);
    }
    List<Drift.Result> rows = DriftCommand.run(spark, new DriftCommand.Job(metrics, runs.get(0),
        runs.get(1), Thresholds.defaults(), DriftMetrics.DEFAULT_BINS,
        DriftMetrics.DEFAULT_EPSILON, RunId.of(runId.value() + "-drift")), out);
    List<Integer> alerted = rows.stream().filter(r -> r.verdict().status().equals("alert"))
        .map(r -> r.key().layer()).sorted().toList();
    out.printf("""
        How to read this: one row per layer, worst first. psi compares the shares of values in the
        baseline's deciles (0.1 warn, 0.25 alert by default), ks is the largest CDF gap, w1_norm the
        mean distance between quantiles in baseline standard deviations (0.1 warn, 0.2 alert),
        std_ratio and mean_shift_sigma come from the exact moments. Alert in layers %s (generated
        with drift in %s). As a nightly gate: jobs/bin/ablate --job conf/jobs/nightly-drift.yaml
        --input DIR (profile, then drift against the previous run; exit 3 on alert).
        """, alerted, DRIFT_LAYERS);
    return rows;
  }

  /**
   * The model-level part: the tiny GPT-2 model's prompt evaluation under a few variant configs, then
   * its captured FFN inputs (an activation dataset beside the metrics) through the ablation job and
   * the profile job.
   */
  static void modelLevel(SparkSession spark, Path tiny, Path prompts, String metrics,
      List<Variant> variants, PrintStream out) {
    ModelConfig config = ModelDir.check(tiny);
    int parallelism = spark.sparkContext().defaultParallelism();
    String abs = tiny.toAbsolutePath().normalize().toString();
    out.printf("%nDemo, model level: %s (%s) on %s, the first %d prompts of each task%n", tiny,
        config, prompts, PROMPTS_PER_TASK);
    EvalCommand.run(spark, new EvalCommand.Job(tiny.toString(), prompts.toString(), metrics,
        new PromptEval(abs, List.of(MODEL_CONFIGS.split(";")), 16, parallelism, 16),
        RunId.generate(), PROMPTS_PER_TASK), config, out);
    String acts = metrics + "-captured";
    Capture capture = new Capture(abs, tiny.getFileName().toString(),
        ModelFingerprint.checkpoint(tiny), new int[0], Dtype.BF16, parallelism);
    GenerateCommand.write(spark, capture.run(PromptData.perTask(
        PromptData.read(spark, prompts.toString()), PROMPTS_PER_TASK)), acts, true);
    out.printf("Captured its FFN inputs (ffn.pre, bf16) into %s; the ablation job on them:%n",
        acts);
    AblateCommand.run(spark, new AblateCommand.Job(acts, metrics, variants,
        Catalogue.variant(REFERENCE), Catalogue.variant(GATED_REFERENCE), RunId.generate(),
        ActivationDataset.OnBadFile.FAIL, null), out);
    out.printf("%nProfiles of the captured FFN inputs (one row per layer: the distribution the "
        + "activation sees on real prompts;%nprofile again after retraining and compare with "
        + "'ablate drift'):%n");
    ProfileCommand.run(spark, new ProfileCommand.Job(acts, metrics, List.of(), QuantileSketch.DEFAULT_K,
        RunId.generate(), ActivationDataset.OnBadFile.FAIL), out);
  }

  /** What the columns mean, then per reference the closest and the furthest variant. */
  static String howToRead(List<AccuracyPass.Result> results) {
    StringBuilder sb = new StringBuilder("""
        How to read this: one row per variant and layer; each compares the variant's float32 outputs
        with the float64 reference on the same inputs (elementwise variants on ffn.pre vs %s,
        gated ones on ffn.gate_up vs %s).
          max_abs_err, rmse  largest and root-mean-square absolute error
          max_ulp      largest error in float32 ulps of the reference: 1-2 is float32-exact, bf16
                       rounding gives 2^15 = 3.3e4; 1e7 and more come from outputs near 0, where
                       ulps are tiny (read max_abs_err there)
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

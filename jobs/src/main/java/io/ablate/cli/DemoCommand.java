package io.ablate.cli;

import io.ablate.AblateException;
import io.ablate.ablate.AccuracyPass;
import io.ablate.activation.Catalogue;
import io.ablate.activation.Variant;
import io.ablate.dataset.ActivationDataset;
import io.ablate.metrics.RunId;
import java.io.PrintStream;
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
 * metrics repository; then a short guide to the printed table and the command to see it again.
 */
final class DemoCommand implements Command {
  static final String SAMPLE = "data-samples/activations";
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
    options.requireAllUsed(name());
    try {
      out.printf("Demo: the ablation job on %s, metrics into %s (%s)%n", sample, metrics,
          spark.sparkContext().master());
      List<AccuracyPass.Result> results = AblateCommand.run(spark, job, out);
      out.print(howToRead(results));
      out.printf("See it again: jobs/bin/ablate report --metrics %s%n", metrics);
      return 0;
    } finally {
      spark.stop();
    }
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

package io.ablate.cli;

import io.ablate.ablate.AccuracyPass;
import io.ablate.activation.Catalogue;
import io.ablate.activation.Variant;
import io.ablate.dataset.ActivationDataset;
import io.ablate.metrics.ErrorStats;
import io.ablate.metrics.MetricsRepository;
import io.ablate.metrics.RunId;
import io.ablate.metrics.RunRecord;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code ablate ablate}: every variant against the float64 reference over an activation dataset,
 * one pass, into the {@code accuracy} table of a metrics repository, as one atomic run.
 */
final class AblateCommand implements Command {
  static final String DEFAULT_VARIANTS =
      "gelu_tanh;gelu_sigmoid;silu;relu;gelu@bf16;gelu@fp8_e4m3;gelu@int8;swiglu@bf16";

  static final StructType ACCURACY = new StructType()
      .add("model", DataTypes.StringType).add("checkpoint", DataTypes.StringType)
      .add("layer", DataTypes.IntegerType).add("site", DataTypes.StringType)
      .add("variant", DataTypes.StringType).add("precision", DataTypes.StringType)
      .add("reference", DataTypes.StringType).add("impl", DataTypes.StringType)
      .add("n", DataTypes.LongType).add("nan_in", DataTypes.LongType)
      .add("inf_in", DataTypes.LongType).add("nan_out", DataTypes.LongType)
      .add("max_abs_err", DataTypes.DoubleType).add("mean_abs_err", DataTypes.DoubleType)
      .add("rmse", DataTypes.DoubleType).add("max_rel_err", DataTypes.DoubleType)
      .add("max_ulp", DataTypes.DoubleType).add("cos_sim", DataTypes.DoubleType)
      .add("snr_db", DataTypes.DoubleType).add("sparsity_out", DataTypes.DoubleType);

  @Override
  public String name() {
    return "ablate";
  }

  @Override
  public String summary() {
    return "accuracy of activation variants over an activation dataset, into a metrics repository";
  }

  @Override
  public String usage() {
    return "  --input DIR            activation dataset (Parquet)\n"
        + "  --metrics DIR          metrics repository\n"
        + "  --variants LIST        (default " + DEFAULT_VARIANTS + ")\n"
        + "  --reference NAME       elementwise reference, in float64 (default gelu)\n"
        + "  --gated-reference NAME reference of ffn.gate_up sites (default swiglu)\n"
        + "  --run-id ID            (default: a timestamp and a random suffix)\n"
        + "  --on-bad-file fail|skip   corrupt Parquet files (default fail)\n";
  }

  @Override
  public int run(Options options, PrintStream out) {
    String input = options.require("input");
    String metrics = options.require("metrics");
    List<Variant> variants = Catalogue.variants(options.get("variants", DEFAULT_VARIANTS));
    Variant reference = Catalogue.variant(options.get("reference", "gelu"));
    Variant gatedReference = Catalogue.variant(options.get("gated-reference", "swiglu"));
    String given = options.get("run-id", null);
    RunId runId = given == null ? RunId.generate() : RunId.of(given);
    ActivationDataset.OnBadFile onBadFile =
        ActivationDataset.OnBadFile.parse(options.get("on-bad-file", "fail"));
    AccuracyPass pass = new AccuracyPass(variants, reference, gatedReference);
    SparkSession spark = Sessions.create(name(), options);
    options.requireAllUsed(name());
    spark.sparkContext().addSparkListener(new ProgressReporter(out, 2000));
    try {
      ActivationDataset dataset = ActivationDataset.open(spark, input, onBadFile);
      MetricsRepository repo = MetricsRepository.open(spark, metrics);
      String args = String.format(Locale.ROOT, "{\"variants\":\"%s\",\"reference\":\"%s\","
          + "\"gated_reference\":\"%s\",\"on_bad_file\":\"%s\",\"skipped_files\":%d}",
          json(options.get("variants", DEFAULT_VARIANTS)), reference.name(), gatedReference.name(),
          onBadFile.name().toLowerCase(Locale.ROOT), dataset.skipped().size());
      RunRecord record = RunRecord.start(runId, name(), args, input, dataset.fingerprint(), spark);
      out.printf("Run %s: %d variants over %s (%d files%s)%n", runId.value(), variants.size(),
          input, dataset.files().size(), dataset.skipped().isEmpty() ? ""
              : ", " + dataset.skipped().size() + " corrupt files skipped");
      List<AccuracyPass.Result> results;
      try (MetricsRepository.Run run = repo.begin(record)) {
        try {
          results = pass.run(dataset);
          run.write("accuracy", spark.createDataFrame(rows(results), ACCURACY));
          run.commit();
        } catch (RuntimeException e) {
          run.fail(e);
          throw e;
        }
      }
      out.print(summary(results));
      out.printf("Metrics in %s (tables runs, accuracy; run_id %s)%n", metrics, runId.value());
      return 0;
    } finally {
      spark.stop();
    }
  }

  private static String json(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  static List<Row> rows(List<AccuracyPass.Result> results) {
    List<Row> rows = new ArrayList<>();
    for (AccuracyPass.Result r : results) {
      ErrorStats s = r.stats();
      rows.add(RowFactory.create(r.key().model(), r.key().checkpoint(), r.key().layer(),
          r.key().site(), r.variant(), r.precision(), r.reference(), r.impl(), s.n(), s.nanIn(), s.infIn(),
          s.nanOut(), s.maxAbsErr(), s.meanAbsErr(), s.rmse(), s.maxRelErr(), s.maxUlp(),
          s.cosSim(), s.snrDb(), s.sparsityOut()));
    }
    return rows;
  }

  static String summary(List<AccuracyPass.Result> results) {
    TextTable t = new TextTable("variant", "layer", "site", "n", "max_abs_err", "rmse", "max_ulp",
        "cos_sim", "snr_db", "sparsity_out");
    for (AccuracyPass.Result r : results) {
      ErrorStats s = r.stats();
      t.row(r.variant(), r.key().layer(), r.key().site(), s.n(), e(s.maxAbsErr()), e(s.rmse()),
          e(s.maxUlp()), String.format(Locale.ROOT, "%.6f", s.cosSim()),
          String.format(Locale.ROOT, "%.1f", s.snrDb()),
          String.format(Locale.ROOT, "%.3f", s.sparsityOut()));
    }
    return t.render();
  }

  private static String e(double v) {
    return String.format(Locale.ROOT, "%.3e", v);
  }
}

package io.ablate.cli;

import io.ablate.AblateException;
import io.ablate.ablate.AccuracyPass;
import io.ablate.ablate.LatencyPass;
import io.ablate.activation.Catalogue;
import io.ablate.activation.Variant;
import io.ablate.dataset.ActivationDataset;
import io.ablate.metrics.ErrorStats;
import io.ablate.metrics.LatencyRow;
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
 * one pass, into the {@code accuracy} table of a metrics repository, as one atomic run; with
 * {@code --latency}, also the kernels' timings on the executors ({@link LatencyPass}) into the
 * {@code latency} table, in the same run.
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
        + "  --on-bad-file fail|skip   corrupt Parquet files (default fail)\n"
        + "  --latency              also time every variant's kernels (scalar, simd, djl, gpu) on\n"
        + "                         the executors, on their partitions' data: the latency table\n"
        + "  --latency-batch N      values per timed call, per partition (default "
        + LatencyPass.DEFAULT_BATCH + ")\n"
        + "  --latency-reps N       timed repetitions per partition (default "
        + LatencyPass.DEFAULT_REPS + ")\n";
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
    LatencyPass latency = latencyPass(options, variants);
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
      args = withLatencyArgs(args, latency);
      RunRecord record = RunRecord.start(runId, name(), args, input, dataset.fingerprint(), spark);
      out.printf("Run %s: %d variants over %s (%d files%s)%n", runId.value(), variants.size(),
          input, dataset.files().size(), dataset.skipped().isEmpty() ? ""
              : ", " + dataset.skipped().size() + " corrupt files skipped");
      List<AccuracyPass.Result> results;
      LatencyPass.Result timings = null;
      try (MetricsRepository.Run run = repo.begin(record)) {
        try {
          results = pass.run(dataset);
          run.write("accuracy", spark.createDataFrame(rows(results), ACCURACY));
          if (latency != null) {
            timings = latency.run(dataset);
            run.write("latency", spark.createDataFrame(
                timings.rows().stream().map(LatencyRow::toRow).toList(), LatencyRow.SCHEMA));
          }
          run.commit();
        } catch (RuntimeException e) {
          run.fail(e);
          throw e;
        }
      }
      out.print(summary(results));
      if (timings != null) {
        out.print(latencySummary(timings));
      }
      out.printf("Metrics in %s (tables runs, accuracy%s; run_id %s)%n", metrics,
          timings == null ? "" : ", latency", runId.value());
      return 0;
    } finally {
      spark.stop();
    }
  }

  /** The latency pass when {@code --latency} is given; its options are errors without it. */
  private static LatencyPass latencyPass(Options options, List<Variant> variants) {
    boolean on = options.flag("latency");
    String batch = options.get("latency-batch", null);
    String reps = options.get("latency-reps", null);
    if (!on) {
      if (batch != null || reps != null) {
        throw AblateException.badInput("--latency-batch and --latency-reps need --latency");
      }
      return null;
    }
    return new LatencyPass(variants,
        (int) options.getLong("latency-batch", LatencyPass.DEFAULT_BATCH, 1, 1 << 28),
        (int) options.getLong("latency-reps", LatencyPass.DEFAULT_REPS, 1, 100_000));
  }

  /** The run's args JSON with the latency options added. */
  private static String withLatencyArgs(String args, LatencyPass latency) {
    if (latency == null) {
      return args;
    }
    return args.substring(0, args.lastIndexOf('}')) + String.format(Locale.ROOT,
        ",\"latency\":true,\"latency_batch\":%d,\"latency_reps\":%d}", latency.batchElems(),
        latency.reps());
  }

  static String latencySummary(LatencyPass.Result timings) {
    TextTable t = new TextTable("variant", "impl", "executor", "ns/elem p50", "elems/s",
        "roofline_frac");
    for (LatencyRow r : timings.rows()) {
      t.row(r.variant(), r.impl(), r.executorId(), String.format(Locale.ROOT, "%.3f",
          r.nsPerElemP50()), String.format(Locale.ROOT, "%.3e", r.elemsPerSec()),
          String.format(Locale.ROOT, "%.3f", r.rooflineFrac()));
    }
    StringBuilder sb = new StringBuilder(t.render());
    for (String note : timings.notes()) {
      sb.append("  ").append(note).append('\n');
    }
    return sb.toString();
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

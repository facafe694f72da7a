package io.ablate.cli;

import io.ablate.AblateException;
import io.ablate.accuracy.AccuracyPass;
import io.ablate.latency.LatencyPass;
import io.ablate.activation.Catalogue;
import io.ablate.activation.Variant;
import io.ablate.dataset.ActivationDataset;
import io.ablate.accuracy.ErrorStats;
import io.ablate.latency.LatencyRow;
import io.ablate.repository.MetricsRepository;
import io.ablate.repository.RunId;
import io.ablate.repository.RunRecord;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
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

  /**
   * One ablation run, as resolved from the command line ({@code ablate}) or from the demo's
   * defaults ({@code demo}); {@code latency} is null without {@code --latency}.
   */
  record Job(String input, String metrics, List<Variant> variants, Variant reference,
      Variant gatedReference, RunId runId, ActivationDataset.OnBadFile onBadFile,
      LatencyPass latency) {
    /** The accuracy pass; checks the references (bad input) without needing Spark. */
    AccuracyPass accuracyPass() {
      return new AccuracyPass(variants, reference, gatedReference);
    }
  }

  @Override
  public int run(Options options, PrintStream out) {
    List<Variant> variants = Catalogue.variants(options.get("variants", DEFAULT_VARIANTS));
    String given = options.get("run-id", null);
    Job job = new Job(options.require("input"), options.require("metrics"), variants,
        Catalogue.variant(options.get("reference", "gelu")),
        Catalogue.variant(options.get("gated-reference", "swiglu")),
        given == null ? RunId.generate() : RunId.of(given),
        ActivationDataset.OnBadFile.parse(options.get("on-bad-file", "fail")),
        latencyPass(options, variants));
    job.accuracyPass(); // bad references fail here, before Spark starts
    SparkSession spark = Sessions.create(name(), options);
    options.requireAllUsed(name());
    try {
      spark.sparkContext().addSparkListener(new ProgressReporter(out, 2000));
      run(spark, job, out);
      return 0;
    } finally {
      spark.stop();
    }
  }

  /**
   * Runs {@code job} in {@code spark} (which the caller owns) as one atomic run of the metrics
   * repository, printing progress, the variant × layer table and where the metrics are; returns
   * the accuracy results. The one code path of {@code ablate} and {@code demo}.
   */
  static List<AccuracyPass.Result> run(SparkSession spark, Job job, PrintStream out) {
    AccuracyPass pass = job.accuracyPass();
    ActivationDataset dataset = ActivationDataset.open(spark, job.input(), job.onBadFile());
    MetricsRepository repo = MetricsRepository.open(spark, job.metrics());
    // Canonical variant names (parameters spelled out): the run can be repeated from its args.
    String variantNames = job.variants().stream().map(Variant::name)
        .collect(Collectors.joining(";"));
    String args = String.format(Locale.ROOT, "{\"variants\":\"%s\",\"reference\":\"%s\","
        + "\"gated_reference\":\"%s\",\"on_bad_file\":\"%s\",\"skipped_files\":%d}",
        json(variantNames), job.reference().name(), job.gatedReference().name(),
        job.onBadFile().name().toLowerCase(Locale.ROOT), dataset.skipped().size());
    args = withLatencyArgs(args, job.latency());
    RunRecord record = RunRecord.start(job.runId(), "ablate", args, job.input(),
        dataset.fingerprint(), spark);
    out.printf("Run %s: %d variants over %s (%d files%s)%n", job.runId().value(),
        job.variants().size(), job.input(), dataset.files().size(), dataset.skipped().isEmpty()
            ? "" : ", " + dataset.skipped().size() + " corrupt files skipped");
    List<AccuracyPass.Result> results;
    LatencyPass.Result timings = null;
    try (MetricsRepository.Run run = repo.begin(record)) {
      try {
        results = pass.run(dataset);
        run.write("accuracy", spark.createDataFrame(rows(results), ACCURACY));
        if (job.latency() != null) {
          timings = job.latency().run(dataset);
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
    out.printf("Metrics in %s (tables runs, accuracy%s; run_id %s)%n", job.metrics(),
        timings == null ? "" : ", latency", job.runId().value());
    return results;
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

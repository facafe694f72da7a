package io.ablate.job;

import io.ablate.AblateException;
import io.ablate.accuracy.AccuracyPass;
import io.ablate.accuracy.AccuracyPlan;
import io.ablate.accuracy.ErrorStats;
import io.ablate.activation.Catalogue;
import io.ablate.activation.Variant;
import io.ablate.dataset.ActivationDataset;
import io.ablate.dataset.Source;
import io.ablate.gate.Gate;
import io.ablate.gate.GateResults;
import io.ablate.gate.Gates;
import io.ablate.gate.Metric;
import io.ablate.gate.Target;
import io.ablate.latency.LatencyPass;
import io.ablate.latency.LatencyRow;
import io.ablate.repository.MetricsRepository;
import io.ablate.repository.RunId;
import io.ablate.repository.RunRecord;
import io.ablate.repository.Tables;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;

/**
 * The ablation job: every variant against the float64 reference over an activation dataset, in
 * one pass ({@link AccuracyPass}), into the {@code accuracy} table as one run; with a latency
 * pass, also the kernels' timings on the executors into the {@code latency} table, in the same
 * run. With gates, every accuracy row is checked against them and the checks go into the {@code
 * gates} table of the run; a failed check makes the run's exit code 3, and the run still commits.
 */
public final class AblationJob {
  /** The variants run when none are given. */
  public static final String DEFAULT_VARIANTS =
      "gelu_tanh;gelu_sigmoid;silu;relu;gelu@bf16;gelu@fp8_e4m3;gelu@int8;swiglu@bf16";

  private AblationJob() {}

  /**
   * What to run.
   *
   * @param latency the latency pass, or null for none
   * @param engine the CPU pass or the GPU plan ({@link AccuracyPlan})
   * @param gates the gates on the accuracy rows ({@link #gates}), or {@link Gates#NONE}
   */
  public record Options(Source input, String metrics, List<Variant> variants, Variant reference,
      Variant gatedReference, RunId runId, ActivationDataset.OnBadFile onBadFile,
      LatencyPass latency, Engine engine, Gates gates) {
    /** Checks the references (bad input), without Spark. */
    public Options {
      variants = List.copyOf(variants);
      new AccuracyPass(variants, reference, gatedReference);
    }

    /** Options without gates. */
    public Options(Source input, String metrics, List<Variant> variants, Variant reference,
        Variant gatedReference, RunId runId, ActivationDataset.OnBadFile onBadFile,
        LatencyPass latency, Engine engine) {
      this(input, metrics, variants, reference, gatedReference, runId, onBadFile, latency, engine,
          Gates.NONE);
    }
  }

  /**
   * {@code gates} bound to the accuracy rows of a run of {@code variants}: a metric is a numeric
   * column of the accuracy table, a subject one of the variants (any spelling the catalogue
   * reads: {@code gelu@int8}, {@code swish(beta=1.5)}). Bad input, before any work, otherwise.
   */
  public static Gates gates(List<Gate> gates, List<Variant> variants) {
    return Gates.bind(gates, Tables.ACCURACY,
        Gates.metricColumns(Tables.ACCURACY, Tables.ACCURACY_SCHEMA), Set.of(Metric.Form.VALUE),
        "variant", variants.stream().map(Variant::name).toList(),
        text -> Catalogue.variant(text).name());
  }

  /**
   * What ran.
   *
   * @param latency the latency pass's rows and notes, or null without one
   * @param gates the gates' checks of the accuracy rows (none without gates)
   */
  public record Result(RunId runId, String metrics, int files, int skippedFiles,
      List<AccuracyPass.Result> accuracy, LatencyPass.Result latency, GateResults gates) {}

  /** The longest a warm-up runs when no pass starts to stop it. */
  private static final Duration WARM_UP_BUDGET = Duration.ofSeconds(20);

  /**
   * Starts warming the CPU pass's code in this JVM ({@link AccuracyPass#warmUpInBackground}), for
   * a session whose tasks run here (local mode), before it starts: Spark's start-up and the
   * dataset's opening then overlap the JIT's work. Nothing when the GPU engine is asked for.
   */
  public static void warmUp(Options o) {
    if (o.engine() != Engine.GPU) {
      new AccuracyPass(o.variants(), o.reference(), o.gatedReference())
          .warmUpInBackground(WARM_UP_BUDGET);
    }
  }

  /** Runs the job in {@code spark} (which the caller owns). */
  public static Result run(SparkSession spark, Options o, JobListener listener) {
    AccuracyPass pass = new AccuracyPass(o.variants(), o.reference(), o.gatedReference());
    ActivationDataset dataset = ActivationDataset.open(spark, o.input(), o.onBadFile());
    RunArgs args = new RunArgs()
        // Canonical names (parameters spelled out): the run can be repeated from its args.
        .put("variants", o.variants().stream().map(Variant::name).collect(Collectors.joining(";")))
        .put("reference", o.reference().name())
        .put("gated_reference", o.gatedReference().name())
        .put("on_bad_file", o.onBadFile().name().toLowerCase(Locale.ROOT))
        .put("skipped_files", dataset.skipped().size())
        .put("engine", o.engine().label(spark));
    Inputs.record(args, dataset);
    if (!o.gates().isEmpty()) {
      args.put("gate", o.gates().text());
    }
    if (o.latency() != null) {
      args.put("latency", true).put("latency_batch", o.latency().batchElems())
          .put("latency_reps", o.latency().reps());
    }
    RunRecord record = RunRecord.start(o.runId(), "ablate", args.json(), o.input().toString(),
        dataset.fingerprint(), spark);
    listener.runStarted(o.runId().value(), String.format(Locale.ROOT, "%d variants over %s (%s)",
        o.variants().size(), o.input(), Inputs.files(dataset)));
    MetricsRepository repo = MetricsRepository.open(spark, o.metrics());
    return RunLifecycle.inRun(repo, record, run -> {
      List<AccuracyPass.Result> accuracy = o.engine().gpuPlan(spark)
          ? Phases.run(spark, listener, "accuracy plan", () -> new AccuracyPlan(o.variants(),
              o.reference(), o.gatedReference()).run(dataset, o.engine().label(spark)))
          : Phases.run(spark, listener, "accuracy pass", () -> pass.run(dataset));
      Inputs.recordRounding(run, args, dataset, !o.engine().gpuPlan(spark));
      List<Row> accuracyRows = rows(accuracy);
      run.write(Tables.ACCURACY, Tables.ACCURACY_SCHEMA, accuracyRows);
      GateResults checks = o.gates().check(accuracyRows.stream()
          .map(r -> Target.of(r, "variant", Target.otherKeys(Tables.ACCURACY, "variant"), null))
          .toList());
      if (!o.gates().isEmpty()) {
        run.write(Tables.GATES, Tables.GATES_SCHEMA, checks.rows());
      }
      LatencyPass.Result timings = null;
      if (o.latency() != null) {
        timings = Phases.run(spark, listener, "latency pass", () -> o.latency().run(dataset));
        run.write(Tables.LATENCY, Tables.LATENCY_SCHEMA,
            timings.rows().stream().map(LatencyRow::toRow).toList());
      }
      return new Result(o.runId(), o.metrics(), dataset.files().size(), dataset.skipped().size(),
          accuracy, timings, checks);
    }, r -> r.gates().tripped() ? AblateException.Kind.GATE_TRIPPED.exitCode() : 0);
  }

  /** The {@code accuracy} rows of the results. */
  static List<Row> rows(List<AccuracyPass.Result> results) {
    return results.stream().map(r -> {
      ErrorStats s = r.stats();
      return (Row) new GenericRowWithSchema(new Object[] {r.key().model(), r.key().checkpoint(),
          r.key().layer(), r.key().site(), r.variant(), r.precision(), r.reference(), r.impl(),
          s.n(), s.nanIn(), s.infIn(), s.nanOut(), s.maxAbsErr(), s.meanAbsErr(), s.rmse(),
          s.maxRelErr(), s.maxUlp(), s.ulpExcluded(), s.cosSim(), s.snrDb(), s.sparsityOut()},
          Tables.ACCURACY_SCHEMA);
    }).toList();
  }
}

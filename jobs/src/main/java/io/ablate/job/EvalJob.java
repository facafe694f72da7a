package io.ablate.job;

import io.ablate.AblateException;
import io.ablate.eval.PromptData;
import io.ablate.eval.PromptEval;
import io.ablate.eval.PromptRunner;
import io.ablate.gate.Gate;
import io.ablate.gate.GateResults;
import io.ablate.gate.Gates;
import io.ablate.gate.Metric;
import io.ablate.gate.Target;
import io.ablate.model.ModelConfig;
import io.ablate.model.ModelDir;
import io.ablate.repository.MetricsRepository;
import io.ablate.repository.RunId;
import io.ablate.repository.RunRecord;
import io.ablate.repository.Tables;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;

/**
 * The prompt evaluation job: a decoder model over a prompt dataset under several variant configs,
 * on Spark, into {@code prompt_results} (per prompt) and {@code prompt_eval} (per config and
 * task) as one run. With gates, every {@code prompt_eval} row is checked against them and the
 * checks go into the {@code gates} table of the run; a failed check makes the run's exit code 3,
 * and the run still commits.
 */
public final class EvalJob {
  /** The configs run when none are given, for a model with an elementwise FFN activation. */
  public static final String ELEMENTWISE_DEFAULT =
      "baseline;gelu_tanh;gelu_sigmoid;*:gelu@int8;0-1:relu";
  /** The configs run when none are given, for a model with a gated FFN. */
  public static final String GATED_DEFAULT = "baseline;geglu;swiglu@bf16;*:swiglu@int8;0-1:reglu";

  private EvalJob() {}

  /**
   * What to run: {@code eval.partitions()} 0 takes Spark's default parallelism; {@code perTask} 0
   * takes every prompt, else the first that many of each task by id. The configs are checked
   * against the model's config here (bad input, without Spark).
   *
   * @param gates the gates on the {@code prompt_eval} rows ({@link #gates}), or {@link Gates#NONE}
   */
  public record Options(String model, String prompts, String metrics, PromptEval eval,
      RunId runId, int perTask, Gates gates) {
    public Options {
      eval.resolve(config(model));
    }

    /** Options without gates. */
    public Options(String model, String prompts, String metrics, PromptEval eval, RunId runId,
        int perTask) {
      this(model, prompts, metrics, eval, runId, perTask, Gates.NONE);
    }

    /** The model directory's config (bad input names what is missing). */
    public static ModelConfig config(String model) {
      return ModelDir.check(Path.of(model));
    }
  }

  /**
   * {@code gates} bound to the {@code prompt_eval} rows of {@code eval}: a metric is a numeric
   * column of the table, or {@code X_delta}, the row's X minus the baseline config's X for the
   * same model and task; a subject is one of the configs evaluated, as written. Bad input, before
   * any work, otherwise (a {@code _delta} gate without a baseline config included; the baseline
   * is always evaluated).
   */
  public static Gates gates(List<Gate> gates, PromptEval eval) {
    List<String> configs = eval.evaluated();
    return Gates.bind(gates, Tables.PROMPT_EVAL,
        Gates.metricColumns(Tables.PROMPT_EVAL, Tables.PROMPT_EVAL_SCHEMA),
        configs.contains(PromptEval.BASELINE) ? Set.of(Metric.Form.VALUE, Metric.Form.DELTA)
            : Set.of(Metric.Form.VALUE), "variant config", configs, String::trim);
  }

  /**
   * The gate targets of {@code prompt_eval} rows: each row with, as the values its {@code _delta}
   * metrics are taken against, the baseline config's row of the same model and task.
   */
  static List<Target> targets(List<Row> rows) {
    String subject = "variant_config";
    List<String> keys = Target.otherKeys(Tables.PROMPT_EVAL, subject);
    Map<List<Object>, Row> baselines = new HashMap<>();
    for (Row r : rows) {
      if (PromptEval.BASELINE.equals(r.getAs(subject))) {
        baselines.put(List.of(r.getAs("model"), r.getAs("task")), r);
      }
    }
    return rows.stream().map(r -> Target.of(r, subject, keys,
        baselines.get(List.of(r.getAs("model"), r.getAs("task"))))).toList();
  }

  /**
   * What ran.
   *
   * @param prompts the number of prompts evaluated (under each config)
   * @param seconds the run's wall time
   * @param gates the gates' checks of the {@code prompt_eval} rows (none without gates)
   */
  public record Result(RunId runId, String metrics, String modelName, ModelConfig config,
      PromptEval eval, List<PromptEval.Summary> summaries, PromptEval.TimeSplit split,
      long prompts, double seconds, GateResults gates) {}

  /** Runs the job in {@code spark} (which the caller owns). */
  public static Result run(SparkSession spark, Options o, JobListener listener) {
    ModelConfig config = Options.config(o.model());
    PromptEval eval = o.eval().partitions() > 0 ? o.eval() : new PromptEval(o.eval().modelDir(),
        o.eval().configs(), o.eval().batch(), spark.sparkContext().defaultParallelism(),
        o.eval().maxNew());
    String modelName = Path.of(o.model()).toAbsolutePath().normalize().getFileName().toString();
    RunArgs args = new RunArgs().put("model", o.model())
        .put("variants", String.join(";", eval.evaluated())).put("batch", eval.batch())
        .put("partitions", eval.partitions()).put("max_new_tokens", eval.maxNew())
        .put("per_task", o.perTask());
    if (!o.gates().isEmpty()) {
      args.put("gate", o.gates().text());
    }
    RunRecord record = RunRecord.start(o.runId(), "eval", args.json(), o.prompts(),
        ModelFingerprint.of(Path.of(o.model()), Path.of(o.prompts())), spark);
    listener.runStarted(o.runId().value(), String.format("%s (%s) over %s, %d variant configs, "
        + "batch %d, %d partitions", modelName, config, o.prompts(), eval.evaluated().size(),
        eval.batch(), eval.partitions()));
    MetricsRepository repo = MetricsRepository.open(spark, o.metrics());
    long t0 = System.nanoTime();
    return RunLifecycle.inRun(repo, record, run -> {
      List<PromptRunner.Result> results = Phases.run(spark, listener, "prompt evaluation",
          () -> eval.run(PromptData.perTask(PromptData.read(spark, o.prompts()), o.perTask())));
      List<PromptEval.Summary> summaries = eval.summarise(results);
      List<String> names = eval.evaluated();
      List<Row> perPrompt = results.stream().map(r -> RowFactory.create(names.get(r.config()),
          r.promptId(), r.task(), r.output(), r.correct(),
          r.correct() == null ? null : r.nllSum() / r.nllTokens(), r.klSum() / r.positions(),
          r.batchMs(), r.maxKl(), (double) r.agree() / r.positions(), r.generated(),
          r.prefillMs())).toList();
      run.write(Tables.PROMPT_RESULTS, Tables.PROMPT_RESULTS_SCHEMA, perPrompt);
      List<Row> perTask = summaries.stream().map(s -> (Row) new GenericRowWithSchema(
          new Object[] {modelName, s.config(), s.task(), s.nPrompts(), s.exactMatch(),
              s.meanNll(), s.perplexity(), s.top1Agreement(), s.meanKl(), s.maxKl(),
              s.prefillMsP50(), s.decodeMsPerTokenP50(), s.tokensPerS(), s.latencyMsP95()},
          Tables.PROMPT_EVAL_SCHEMA)).toList();
      run.write(Tables.PROMPT_EVAL, Tables.PROMPT_EVAL_SCHEMA, perTask);
      GateResults checks = o.gates().check(targets(perTask));
      if (!o.gates().isEmpty()) {
        run.write(Tables.GATES, Tables.GATES_SCHEMA, checks.rows());
      }
      long prompts = results.stream().filter(r -> r.config() == 0).count();
      return new Result(o.runId(), o.metrics(), modelName, config, eval, summaries,
          PromptEval.timeSplit(results), prompts, (System.nanoTime() - t0) / 1e9, checks);
    }, r -> r.gates().tripped() ? AblateException.Kind.GATE_TRIPPED.exitCode() : 0);
  }
}

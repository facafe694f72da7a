package io.ablate.job;

import io.ablate.eval.PromptData;
import io.ablate.eval.PromptEval;
import io.ablate.eval.PromptRunner;
import io.ablate.model.ModelConfig;
import io.ablate.model.ModelDir;
import io.ablate.repository.MetricsRepository;
import io.ablate.repository.RunId;
import io.ablate.repository.RunRecord;
import io.ablate.repository.Tables;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * The prompt evaluation job: a decoder model over a prompt dataset under several variant configs,
 * on Spark, into {@code prompt_results} (per prompt) and {@code prompt_eval} (per config and
 * task) as one run.
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
   */
  public record Options(String model, String prompts, String metrics, PromptEval eval,
      RunId runId, int perTask) {
    public Options {
      eval.resolve(config(model));
    }

    /** The model directory's config (bad input names what is missing). */
    public static ModelConfig config(String model) {
      return ModelDir.check(Path.of(model));
    }
  }

  /**
   * What ran.
   *
   * @param prompts the number of prompts evaluated (under each config)
   * @param seconds the run's wall time
   */
  public record Result(RunId runId, String metrics, String modelName, ModelConfig config,
      PromptEval eval, List<PromptEval.Summary> summaries, PromptEval.TimeSplit split,
      long prompts, double seconds) {}

  /** Runs the job in {@code spark} (which the caller owns). */
  public static Result run(SparkSession spark, Options o, JobListener listener) {
    ModelConfig config = Options.config(o.model());
    PromptEval eval = o.eval().partitions() > 0 ? o.eval() : new PromptEval(o.eval().modelDir(),
        o.eval().configs(), o.eval().batch(), spark.sparkContext().defaultParallelism(),
        o.eval().maxNew());
    String modelName = Path.of(o.model()).toAbsolutePath().normalize().getFileName().toString();
    String args = new RunArgs().put("model", o.model())
        .put("variants", String.join(";", eval.evaluated())).put("batch", eval.batch())
        .put("partitions", eval.partitions()).put("max_new_tokens", eval.maxNew())
        .put("per_task", o.perTask()).json();
    RunRecord record = RunRecord.start(o.runId(), "eval", args, o.prompts(),
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
      List<Row> perTask = summaries.stream().map(s -> RowFactory.create(modelName, s.config(),
          s.task(), s.nPrompts(), s.exactMatch(), s.meanNll(), s.perplexity(), s.top1Agreement(),
          s.meanKl(), s.maxKl(), s.prefillMsP50(), s.decodeMsPerTokenP50(), s.tokensPerS(),
          s.latencyMsP95())).toList();
      run.write(Tables.PROMPT_EVAL, Tables.PROMPT_EVAL_SCHEMA, perTask);
      long prompts = results.stream().filter(r -> r.config() == 0).count();
      return new Result(o.runId(), o.metrics(), modelName, config, eval, summaries,
          PromptEval.timeSplit(results), prompts, (System.nanoTime() - t0) / 1e9);
    });
  }
}

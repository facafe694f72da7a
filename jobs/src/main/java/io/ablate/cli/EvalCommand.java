package io.ablate.cli;

import io.ablate.eval.PromptData;
import io.ablate.eval.PromptEval;
import io.ablate.eval.PromptRunner;
import io.ablate.repository.MetricsRepository;
import io.ablate.repository.RunId;
import io.ablate.repository.RunRecord;
import io.ablate.model.ModelConfig;
import io.ablate.model.ModelDir;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code ablate eval}: a decoder model over a prompt dataset under several variant configs, on
 * Spark, into {@code prompt_results} (per prompt) and {@code prompt_eval} (per config and task) of
 * a metrics repository, as one atomic run; prints the variant × task table.
 */
final class EvalCommand implements Command {
  static final String ELEMENTWISE_DEFAULT = "baseline;gelu_tanh;gelu_sigmoid;*:gelu@int8;0-1:relu";
  static final String GATED_DEFAULT = "baseline;geglu;swiglu@bf16;*:swiglu@int8;0-1:reglu";

  static final StructType PROMPT_RESULTS = new StructType()
      .add("variant_config", DataTypes.StringType).add("prompt_id", DataTypes.StringType)
      .add("task", DataTypes.StringType).add("output", DataTypes.StringType)
      .add("correct", DataTypes.BooleanType).add("nll", DataTypes.DoubleType)
      .add("mean_kl", DataTypes.DoubleType).add("latency_ms", DataTypes.DoubleType)
      .add("max_kl", DataTypes.DoubleType).add("top1_agreement", DataTypes.DoubleType)
      .add("generated_tokens", DataTypes.IntegerType).add("prefill_ms", DataTypes.DoubleType);

  static final StructType PROMPT_EVAL = new StructType()
      .add("model", DataTypes.StringType).add("variant_config", DataTypes.StringType)
      .add("task", DataTypes.StringType).add("n_prompts", DataTypes.LongType)
      .add("exact_match", DataTypes.DoubleType).add("mean_nll", DataTypes.DoubleType)
      .add("perplexity", DataTypes.DoubleType).add("top1_agreement", DataTypes.DoubleType)
      .add("mean_kl", DataTypes.DoubleType).add("max_kl", DataTypes.DoubleType)
      .add("prefill_ms_p50", DataTypes.DoubleType)
      .add("decode_ms_per_token_p50", DataTypes.DoubleType)
      .add("tokens_per_s", DataTypes.DoubleType).add("latency_ms_p95", DataTypes.DoubleType);

  @Override
  public String name() {
    return "eval";
  }

  @Override
  public String summary() {
    return "a model over a prompt dataset under variant configs: accuracy, agreement, KL, latency";
  }

  @Override
  public String usage() {
    return "  --model DIR            model directory (config.json, vocab.json or tokenizer.json,\n"
        + "                         model.safetensors or model.safetensors.index.json + shards)\n"
        + "  --prompts FILE         prompt dataset (.jsonl or Parquet: id, task, prompt, answer)\n"
        + "  --metrics DIR          metrics repository\n"
        + "  --variants CONFIGS     ';'-separated variant configs (default elementwise FFN: "
        + ELEMENTWISE_DEFAULT + "; gated: " + GATED_DEFAULT + ")\n"
        + "  --batch N              prompts per batch (default 16)\n"
        + "  --partitions N         prompt partitions (default: Spark's default parallelism)\n"
        + "  --max-new-tokens N     greedy decoding limit (default 32)\n"
        + "  --per-task N           only the first N prompts of each task by id (default all)\n"
        + "  --run-id ID            (default: a timestamp and a random suffix)\n";
  }

  /** A resolved eval job. */
  record Job(String model, String prompts, String metrics, PromptEval eval, RunId runId,
      int perTask) {}

  @Override
  public int run(Options options, PrintStream out) {
    String model = options.require("model");
    ModelConfig config = ModelDir.check(Path.of(model));
    String variants = options.get("variants",
        config.gated() ? GATED_DEFAULT : ELEMENTWISE_DEFAULT);
    String given = options.get("run-id", null);
    Job job = new Job(model, options.require("prompts"), options.require("metrics"),
        new PromptEval(Path.of(model).toAbsolutePath().toString(),
            Arrays.asList(variants.split(";")), (int) options.getLong("batch", 16, 1, 4096),
            (int) options.getLong("partitions", 0, 0, 100_000),
            (int) options.getLong("max-new-tokens", 32, 1, 4096)),
        given == null ? RunId.generate() : RunId.of(given),
        (int) options.getLong("per-task", 0, 0, Integer.MAX_VALUE));
    job.eval().resolve(config); // bad configs fail before Spark starts
    SparkSession spark = Sessions.create(name(), options);
    options.requireAllUsed(name());
    try {
      run(spark, job, config, out);
      return 0;
    } finally {
      spark.stop();
    }
  }

  /** Runs {@code job} in {@code spark} as one atomic run; returns the summaries. */
  static List<PromptEval.Summary> run(SparkSession spark, Job job, ModelConfig config,
      PrintStream out) {
    PromptEval eval = job.eval().partitions() > 0 ? job.eval() : new PromptEval(
        job.eval().modelDir(), job.eval().configs(), job.eval().batch(),
        spark.sparkContext().defaultParallelism(), job.eval().maxNew());
    MetricsRepository repo = MetricsRepository.open(spark, job.metrics());
    String modelName = Path.of(job.model()).toAbsolutePath().normalize().getFileName().toString();
    String args = String.format(Locale.ROOT, "{\"model\":\"%s\",\"variants\":\"%s\","
        + "\"batch\":%d,\"partitions\":%d,\"max_new_tokens\":%d,\"per_task\":%d}",
        json(job.model()), json(String.join(";", eval.evaluated())), eval.batch(),
        eval.partitions(), eval.maxNew(), job.perTask());
    RunRecord record = RunRecord.start(job.runId(), "eval", args, job.prompts(),
        ModelFingerprint.of(Path.of(job.model()), Path.of(job.prompts())), spark);
    out.printf("Run %s: %s (%s) over %s, %d variant configs, batch %d, %d partitions%n",
        job.runId().value(), modelName, config, job.prompts(), eval.evaluated().size(),
        eval.batch(), eval.partitions());
    List<PromptEval.Summary> summaries;
    PromptEval.TimeSplit split;
    long nPrompts;
    long t0 = System.nanoTime();
    try (MetricsRepository.Run run = repo.begin(record)) {
      try {
        List<PromptRunner.Result> results = eval.run(
            PromptData.perTask(PromptData.read(spark, job.prompts()), job.perTask()));
        summaries = eval.summarise(results);
        split = PromptEval.timeSplit(results);
        nPrompts = results.stream().filter(r -> r.config() == 0).count();
        List<String> names = eval.evaluated();
        List<Row> perPrompt = new ArrayList<>();
        for (PromptRunner.Result r : results) {
          perPrompt.add(RowFactory.create(names.get(r.config()), r.promptId(), r.task(),
              r.output(), r.correct(), r.correct() == null ? null : r.nllSum() / r.nllTokens(),
              r.klSum() / r.positions(), r.batchMs(), r.maxKl(),
              (double) r.agree() / r.positions(), r.generated(), r.prefillMs()));
        }
        run.write("prompt_results", spark.createDataFrame(perPrompt, PROMPT_RESULTS));
        List<Row> perTask = new ArrayList<>();
        for (PromptEval.Summary s : summaries) {
          perTask.add(RowFactory.create(modelName, s.config(), s.task(), s.nPrompts(),
              s.exactMatch(), s.meanNll(), s.perplexity(), s.top1Agreement(), s.meanKl(),
              s.maxKl(), s.prefillMsP50(), s.decodeMsPerTokenP50(), s.tokensPerS(),
              s.latencyMsP95()));
        }
        run.write("prompt_eval", spark.createDataFrame(perTask, PROMPT_EVAL));
        run.commit();
      } catch (RuntimeException e) {
        run.fail(e);
        throw e;
      }
    }
    out.print(table(summaries));
    double wall = (System.nanoTime() - t0) / 1e9;
    double busy = (split.loadMs() + split.prefillMs() + split.decodeMs() + split.scoreMs()) / 1e3;
    int slots = spark.sparkContext().defaultParallelism();
    out.printf(Locale.ROOT, "%d prompts x %d configs in %.1f s wall: %.2f prompts/s (%.2f prompt-"
            + "configs/s); executor time %.1f s: model load %.1f s, prefill %.1f s, decode %.1f s "
            + "(%d tokens, %.0f tokens/s), scoring %.1f s; Spark and the rest about %.1f s of "
            + "%d slots' wall%n", nPrompts, eval.evaluated().size(), wall, nPrompts / wall,
        nPrompts * eval.evaluated().size() / wall, busy, split.loadMs() / 1e3,
        split.prefillMs() / 1e3, split.decodeMs() / 1e3, split.generatedTokens(),
        split.generatedTokens() / Math.max(1e-9, (split.prefillMs() + split.decodeMs()) / 1e3),
        split.scoreMs() / 1e3, Math.max(0, wall * slots - busy), slots);
    out.printf(Locale.ROOT, "Metrics in %s (tables runs, prompt_eval, prompt_results; run_id %s)%n",
        job.metrics(), job.runId().value());
    return summaries;
  }

  static String table(List<PromptEval.Summary> summaries) {
    TextTable t = new TextTable("variant_config", "task", "n", "exact_match", "mean_nll",
        "top1_agree", "mean_kl", "max_kl", "tokens/s", "latency_p95_ms");
    for (PromptEval.Summary s : summaries) {
      t.row(s.config(), s.task(), s.nPrompts(), f("%.3f", s.exactMatch()), f("%.4f", s.meanNll()),
          f("%.4f", s.top1Agreement()), f("%.2e", s.meanKl()), f("%.2e", s.maxKl()),
          f("%.0f", s.tokensPerS()), f("%.1f", s.latencyMsP95()));
    }
    return t.render();
  }

  private static String f(String fmt, double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, fmt, v);
  }

  private static String json(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}

package io.ablate.cli;

import io.ablate.eval.PromptEval;
import io.ablate.gate.Gate;
import io.ablate.job.EvalJob;
import io.ablate.model.ModelConfig;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code ablate eval}: the prompt evaluation job ({@link EvalJob}). */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
    versionProvider = Cli.Version.class,
    description = "Runs a model over a prompt dataset under several variant configs on Spark: "
        + "exact match, NLL, agreement and KL against the baseline, latency; into prompt_eval "
        + "(per config and task) and prompt_results (per prompt).",
    footer = {"", "Variant configs: baseline, a variant for every layer (gelu_tanh), or per layer "
        + "(0-1:relu, *:gelu@int8).", "", "Example:",
        "  ablate eval --model data-samples/models/tiny-gpt2 \\",
        "      --prompts data-samples/prompts/test.jsonl --metrics /tmp/metrics \\",
        "      --variants 'baseline;gelu_tanh;*:gelu@int8'"})
final class EvalCommand implements Callable<Integer> {
  @ParentCommand
  Cli cli;

  @Option(names = "--model", required = true, paramLabel = "DIR",
      description = "Model directory (config.json, vocab.json or tokenizer.json, "
          + "model.safetensors or model.safetensors.index.json and its shards).")
  String model;

  @Option(names = "--prompts", required = true, paramLabel = "FILE",
      description = "Prompt dataset (.jsonl or Parquet: id, task, prompt, answer).")
  String prompts;

  @Mixin
  RunOptions run;


  @Option(names = "--variants", paramLabel = "CONFIGS",
      description = "';'-separated variant configs (default, elementwise FFN: "
          + EvalJob.ELEMENTWISE_DEFAULT + "; gated FFN: " + EvalJob.GATED_DEFAULT + "; both "
          + "kinds, per layer: baseline).")
  String variants;

  @Option(names = "--batch", paramLabel = "N", defaultValue = "16",
      description = "Prompts per batch (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--partitions", paramLabel = "N", defaultValue = "0",
      description = "Prompt partitions (default: Spark's default parallelism).")
  int partitions;

  @Option(names = "--max-new-tokens", paramLabel = "N", defaultValue = "32",
      description = "Greedy decoding limit (default: ${DEFAULT-VALUE}).")
  int maxNewTokens;

  @Option(names = "--per-task", paramLabel = "N", defaultValue = "0",
      description = "Only the first N prompts of each task by id (default: all).")
  int perTask;

  @Option(names = "--gate", paramLabel = "GATE", split = ";", converter = Converters.OneGate.class,
      description = "A threshold every prompt_eval row must meet, else exit 3 (the run is still "
          + "recorded): [CONFIG:]METRIC OP NUMBER, OP one of >=, <=, >, <, METRIC a numeric "
          + "column of prompt_eval or X_delta (the row's X minus the baseline config's, same "
          + "model and task), e.g. exact_match_delta>=-0.01, '*:gelu@int8:mean_kl<=1e-3'. "
          + "Repeatable, or ';'-separated; every check goes into the gates table.")
  List<Gate> gates;


  @Mixin
  SparkOptions sparkOptions;

  @Mixin
  CommonOptions common;

  @Override
  public Integer call() throws Exception {
    ModelConfig config = EvalJob.Options.config(model);
    // A model of both FFN kinds has no default swaps that fit every layer: its own only.
    String configs = variants != null ? variants : config.mixedKinds() ? "baseline"
        : config.gated() ? EvalJob.GATED_DEFAULT : EvalJob.ELEMENTWISE_DEFAULT;
    PromptEval eval = new PromptEval(Path.of(model).toAbsolutePath().toString(),
        Arrays.asList(configs.split(";")), common.range("--batch", batch, 1, 4096),
        common.range("--partitions", partitions, 0, 100_000),
        common.range("--max-new-tokens", maxNewTokens, 1, 4096));
    EvalJob.Options options = new EvalJob.Options(model, prompts, run.metrics, eval, run.runId(),
        common.range("--per-task", perTask, 0, Integer.MAX_VALUE),
        EvalJob.gates(gates == null ? List.of() : gates, eval));
    Console console = cli.console(common);
    Sessions.Settings settings = sparkOptions.settings("local[*]", common.specConfs());
    return run.results.run(common, run.metrics, settings, console.listener(), listener -> {
      SparkSession spark = Sessions.create("eval", settings);
      try {
        console.progressOf(spark);
        return show(console, EvalJob.run(spark, options, listener),
            spark.sparkContext().defaultParallelism());
      } finally {
        spark.stop();
      }
    });
  }

  /**
   * The variant config × task table, the gates' verdict, where the time went, where the metrics
   * are; returns the exit code.
   */
  static int show(Console console, EvalJob.Result r, int slots) {
    console.out().print(Render.eval(r));
    console.out().print(Render.gates(r.gates()));
    console.note("%s", Render.evalTime(r, slots));
    console.note("Metrics in %s (tables runs, prompt_eval, prompt_results%s; run_id %s)",
        r.metrics(), r.gates().gates().isEmpty() ? "" : ", gates", r.runId().value());
    return r.gates().tripped() ? DriftCommand.ALERT : 0;
  }
}

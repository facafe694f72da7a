package io.ablate.cli;

import io.ablate.encoding.Dtype;
import io.ablate.job.CaptureJob;
import io.ablate.model.ModelConfig;
import io.ablate.model.VariantConfig;
import java.nio.file.Path;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code ablate capture}: a model's FFN activation inputs as a dataset ({@link CaptureJob}). */
@Command(name = "capture", mixinStandardHelpOptions = true, sortOptions = false,
    versionProvider = Cli.Version.class,
    description = "Captures a model's FFN activation inputs on a prompt dataset, per layer and "
        + "token, as an activation dataset (binary vectors) that ablate, profile and drift read.",
    footer = {"", "Example:",
        "  ablate capture --model data-samples/models/tiny-gpt2 \\",
        "      --prompts data-samples/prompts/test.jsonl --out /tmp/captured --dtype bf16"})
final class CaptureCommand implements Callable<Integer> {
  @ParentCommand
  Cli cli;

  @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model directory.")
  String model;

  @Option(names = "--prompts", required = true, paramLabel = "FILE",
      description = "Prompt dataset (.jsonl or Parquet).")
  String prompts;

  @Option(names = "--out", required = true, paramLabel = "DIR",
      description = "The activation dataset to write (Parquet).")
  String out;

  @Option(names = "--layers", paramLabel = "LIST", defaultValue = "",
      description = "Layers, e.g. 0,2 or 0-1 (default: all).")
  String layers;

  @Option(names = "--dtype", paramLabel = "f32|bf16|f16", converter = Converters.Dtypes.class,
      defaultValue = "f32", description = "Vector encoding (default: ${DEFAULT-VALUE}).")
  Dtype dtype;

  @Option(names = "--partitions", paramLabel = "N", defaultValue = "0",
      description = "Prompt partitions (default: Spark's default parallelism).")
  int partitions;

  @Option(names = "--per-task", paramLabel = "N", defaultValue = "0",
      description = "Only the first N prompts of each task by id (default: all).")
  int perTask;

  @Option(names = "--overwrite", description = "Replace --out if it exists.")
  boolean overwrite;

  @Option(names = "--partition-by", paramLabel = "COLUMNS", split = ",",
      description = GenerateCommand.PARTITION_BY)
  List<String> partitionBy;

  @Mixin
  SparkOptions sparkOptions;

  @Mixin
  CommonOptions common;

  @Override
  public Integer call() {
    ModelConfig config = io.ablate.model.ModelDir.check(Path.of(model));
    CaptureJob.Options options = new CaptureJob.Options(model, prompts, out,
        layers(layers, config.layers()), dtype, common.range("--partitions", partitions, 0,
            100_000), common.range("--per-task", perTask, 0, Integer.MAX_VALUE), overwrite,
        partitionBy == null ? List.of() : partitionBy);
    Console console = cli.console(common);
    SparkSession spark = Sessions.create("capture",
        sparkOptions.settings("local[*]", common.specConfs()));
    try {
      console.progressOf(spark);
      CaptureJob.Result r = CaptureJob.run(spark, options, console.listener());
      console.out().printf("Captured %d vectors (%s, site %s, %s) from %s on %s into %s in "
          + "%.1f s%n", r.vectors(), layers.isBlank() ? "all layers" : "layers " + layers,
          r.site(), dtype.label(), model, prompts, r.out(), r.seconds());
      return 0;
    } finally {
      spark.stop();
    }
  }

  /** The layers of {@code text} (e.g. "0,2" or "0-1"), sorted; empty for all. */
  static int[] layers(String text, int count) {
    if (text.isBlank()) {
      return new int[0];
    }
    TreeSet<Integer> set = new TreeSet<>();
    for (String part : text.split(",")) {
      int[] r = VariantConfig.range("--layers " + text, part.trim(), count);
      for (int l = r[0]; l <= r[1]; l++) {
        set.add(l);
      }
    }
    return set.stream().mapToInt(Integer::intValue).toArray();
  }
}

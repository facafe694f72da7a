package io.ablate.cli;

import io.ablate.encoding.Dtype;
import io.ablate.eval.Capture;
import io.ablate.eval.PromptData;
import io.ablate.model.ModelConfig;
import io.ablate.model.ModelDir;
import io.ablate.model.VariantConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code ablate capture}: the FFN activation inputs of a model on a prompt dataset, per layer and
 * token, as an activation dataset (binary vectors) that {@code ablate}, {@code profile} and
 * {@code drift} read.
 */
final class CaptureCommand implements Command {
  @Override
  public String name() {
    return "capture";
  }

  @Override
  public String summary() {
    return "capture a model's FFN activation inputs on prompts as an activation dataset";
  }

  @Override
  public String usage() {
    return "  --model DIR            model directory\n"
        + "  --prompts FILE         prompt dataset (.jsonl or Parquet)\n"
        + "  --out DIR              the activation dataset to write (Parquet)\n"
        + "  --layers LIST          e.g. 0,2 or 0-1 (default all)\n"
        + "  --dtype f32|bf16|f16   vector encoding (default f32)\n"
        + "  --partitions N         (default: Spark's default parallelism)\n"
        + "  --per-task N           only the first N prompts of each task by id (default all)\n"
        + "  --overwrite            replace --out if it exists\n";
  }

  @Override
  public int run(Options options, PrintStream out) {
    String model = options.require("model");
    ModelConfig config = ModelDir.check(Path.of(model));
    String prompts = options.require("prompts");
    String target = options.require("out");
    int[] layers = layers(options.get("layers", ""), config.layers());
    Dtype dtype = Dtype.parse(options.get("dtype", "f32"));
    boolean overwrite = options.flag("overwrite");
    long partitions = options.getLong("partitions", 0, 0, 100_000);
    int perTask = (int) options.getLong("per-task", 0, 0, Integer.MAX_VALUE);
    SparkSession spark = Sessions.create(name(), options);
    options.requireAllUsed(name());
    try {
      Path abs = Path.of(model).toAbsolutePath().normalize();
      Capture capture = new Capture(abs.toString(), abs.getFileName().toString(),
          ModelFingerprint.checkpoint(abs), layers, dtype,
          partitions > 0 ? (int) partitions : spark.sparkContext().defaultParallelism());
      long t0 = System.nanoTime();
      Dataset<Row> rows = capture.run(PromptData.perTask(PromptData.read(spark, prompts), perTask));
      GenerateCommand.write(spark, rows, target, overwrite);
      long n = spark.read().parquet(target).count();
      out.printf(Locale.ROOT, "Captured %d vectors (%s, site %s, %s) from %s on %s into %s in "
          + "%.1f s%n", n, layers.length == 0 ? "all layers" : "layers " + options.get("layers", ""),
          Capture.site(config), dtype.label(), model, prompts, target,
          (System.nanoTime() - t0) / 1e9);
      return 0;
    } finally {
      spark.stop();
    }
  }

  static int[] layers(String text, int count) {
    if (text.isBlank()) {
      return new int[0];
    }
    java.util.TreeSet<Integer> set = new java.util.TreeSet<>();
    for (String part : text.split(",")) {
      int[] r = VariantConfig.range("--layers " + text, part.trim(), count);
      for (int l = r[0]; l <= r[1]; l++) {
        set.add(l);
      }
    }
    return set.stream().mapToInt(Integer::intValue).toArray();
  }
}

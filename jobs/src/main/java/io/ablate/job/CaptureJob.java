package io.ablate.job;

import io.ablate.encoding.Dtype;
import io.ablate.eval.Capture;
import io.ablate.eval.PromptData;
import io.ablate.model.ModelConfig;
import io.ablate.model.ModelDir;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * The capture job: a model's FFN activation inputs on a prompt dataset, per layer and token, as
 * an activation dataset ({@link Capture}) that the ablation, profile and drift jobs read, written
 * whole.
 */
public final class CaptureJob {
  private CaptureJob() {}

  /**
   * What to capture: {@code layers} empty for all; {@code partitions} 0 for Spark's default
   * parallelism; {@code perTask} 0 for every prompt.
   */
  public record Options(String model, String prompts, String out, int[] layers, Dtype dtype,
      int partitions, int perTask, boolean overwrite, List<String> partitionBy) {
    public Options {
      layers = layers.clone();
      partitionBy = List.copyOf(partitionBy);
      DatasetWriter.checkPartitionBy(partitionBy);
      ModelDir.check(Path.of(model));
    }
  }

  /** What was written. */
  public record Result(String out, long vectors, String site, double seconds) {}

  /** Runs the job in {@code spark} (which the caller owns). */
  public static Result run(SparkSession spark, Options o, JobListener listener) {
    Path model = Path.of(o.model()).toAbsolutePath().normalize();
    ModelConfig config = ModelDir.check(model);
    DatasetWriter.checkTarget(spark, o.out(), o.overwrite());
    Capture capture = new Capture(model.toString(), model.getFileName().toString(),
        ModelFingerprint.checkpoint(model), o.layers(), o.dtype(),
        o.partitions() > 0 ? o.partitions() : spark.sparkContext().defaultParallelism());
    long t0 = System.nanoTime();
    long vectors = Phases.run(spark, listener, "capture", () -> {
      DatasetWriter.write(spark, capture.run(PromptData.perTask(
          PromptData.read(spark, o.prompts()), o.perTask())), o.out(), o.overwrite(),
          o.partitionBy());
      return spark.read().parquet(o.out()).count();
    });
    return new Result(o.out(), vectors, Capture.site(config), (System.nanoTime() - t0) / 1e9);
  }
}

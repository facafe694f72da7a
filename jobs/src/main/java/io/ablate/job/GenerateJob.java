package io.ablate.job;

import java.util.List;
import io.ablate.dataset.ActivationDataset;
import io.ablate.dataset.Generator;
import org.apache.spark.sql.SparkSession;

/** The generate job: a synthetic activation dataset ({@link Generator}), written whole. */
public final class GenerateJob {
  private GenerateJob() {}

  /** What to write, where. */
  public record Options(Generator.Spec spec, String out, boolean overwrite,
      List<String> partitionBy) {
    public Options {
      partitionBy = List.copyOf(partitionBy);
      DatasetWriter.checkPartitionBy(partitionBy);
    }
  }

  /** What was written: vectors, float values and the seconds it took. */
  public record Result(String out, long vectors, long values, double seconds) {}

  /** Runs the job in {@code spark} (which the caller owns). */
  public static Result run(SparkSession spark, Options o, JobListener listener) {
    Generator.Spec spec = o.spec();
    long start = System.nanoTime();
    Phases.run(spark, listener, "generate " + o.out(), () -> {
      DatasetWriter.write(spark, new Generator(spec).generate(spark), o.out(), o.overwrite(),
          o.partitionBy());
      return null;
    });
    long vectors = spec.rows() * spec.layers() * spec.sites().size();
    // ffn.gate_up vectors hold gate and up: twice the dim.
    long values = spec.rows() * spec.layers() * spec.dim() * spec.sites().stream()
        .mapToLong(site -> site.equals(ActivationDataset.GATED_SITE) ? 2 : 1).sum();
    return new Result(o.out(), vectors, values, (System.nanoTime() - start) / 1e9);
  }
}

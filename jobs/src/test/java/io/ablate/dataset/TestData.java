package io.ablate.dataset;

import io.ablate.encoding.Dtype;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/** Datasets the tests of several packages read: the committed sample and small generated ones. */
public final class TestData {
  private TestData() {}

  /** The committed sample, data-samples/activations (tests run in jobs/: it is found above). */
  public static ActivationDataset committedSample(SparkSession spark) {
    Path root = Path.of("").toAbsolutePath();
    while (!Files.isDirectory(root.resolve("data-samples/activations"))) {
      root = root.getParent();
    }
    return ActivationDataset.open(spark, root.resolve("data-samples/activations").toString(),
        ActivationDataset.OnBadFile.FAIL);
  }

  /**
   * A small generated dataset in {@code dir/name}: {@code rows} samples of dimension {@code dim},
   * two layers, ffn.pre and ffn.gate_up sites, as array or binary vectors of {@code dtype}.
   */
  public static ActivationDataset generated(SparkSession spark, Path dir, String name, int rows,
      int dim, boolean binary, Dtype dtype) {
    String path = dir.resolve(name).toString();
    new Generator(new Generator.Spec(rows, dim, 2, "m", "c", 1, binary, dtype, 0, 1, 0.25,
        List.of(), List.of("ffn.pre", "ffn.gate_up"), 2)).generate(spark).write().parquet(path);
    return ActivationDataset.open(spark, path, ActivationDataset.OnBadFile.FAIL);
  }
}

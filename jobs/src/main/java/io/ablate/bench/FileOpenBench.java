package io.ablate.bench;

import io.ablate.dataset.ActivationDataset;
import java.io.PrintStream;
import java.util.Arrays;
import org.apache.spark.sql.SparkSession;

/**
 * Opening a dataset of many small files on the driver: Ablate's open (listing, every footer, the
 * checks of the contract) against what a Spark user runs first, {@code spark.read().parquet(dir)}
 * with its schema.
 */
public final class FileOpenBench {
  private FileOpenBench() {}

  /**
   * Seconds per repetition of each.
   *
   * @param files the dataset's files
   * @param ablate Ablate's {@link ActivationDataset#open}
   * @param spark Spark's read of the directory and its schema
   */
  public record Result(int files, double[] ablate, double[] spark) {
    /** The median of {@code seconds}. */
    public static double median(double[] seconds) {
      double[] s = seconds.clone();
      Arrays.sort(s);
      return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
  }

  /** Writes {@code files} Parquet files of four 16-float vectors each under {@code dir}. */
  public static void prepare(SparkSession spark, int files, String dir) {
    spark.sql("SELECT CAST(id % 4 AS INT) AS layer, transform(sequence(1, 16), "
        + "i -> CAST(i * 0.25 AS FLOAT)) AS values FROM range(" + (4L * files) + ")")
        .repartition(files).write().parquet(dir);
  }

  /** Times both over the dataset at {@code dir}, alternating, {@code reps} times each. */
  public static Result run(SparkSession spark, String dir, int reps, PrintStream progress) {
    double[] ablate = new double[reps];
    double[] plain = new double[reps];
    int files = 0;
    for (int i = 0; i < reps; i++) {
      long t0 = System.nanoTime();
      files = ActivationDataset.open(spark, dir, ActivationDataset.OnBadFile.FAIL).files().size();
      long t1 = System.nanoTime();
      spark.read().parquet(dir).schema();
      long t2 = System.nanoTime();
      ablate[i] = (t1 - t0) / 1e9;
      plain[i] = (t2 - t1) / 1e9;
      progress.printf("Files: %d files, Ablate's open %.2f s, Spark's read %.2f s%n", files,
          ablate[i], plain[i]);
    }
    return new Result(files, ablate, plain);
  }
}

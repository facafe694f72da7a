package io.ablate.job;

import io.ablate.AblateException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Writes a dataset as Parquet whole or not at all: into a hidden directory beside the target,
 * then renamed into place, so a failed write leaves nothing where the target was to be.
 */
public final class DatasetWriter {
  private DatasetWriter() {}

  /** The columns a dataset may be partitioned by (directories {@code name=value}). */
  public static final List<String> PARTITION_COLUMNS =
      List.of("model", "checkpoint", "layer", "site");

  /**
   * Writes {@code rows} to {@code target}, partitioned by {@code partitionBy} (directories as
   * Spark's {@code partitionBy} writes them, none when empty); bad input if it exists and {@code
   * overwrite} is false.
   */
  public static void write(SparkSession spark, Dataset<Row> rows, String target,
      boolean overwrite, List<String> partitionBy) {
    checkPartitionBy(partitionBy);
    try {
      Path out = new Path(target);
      FileSystem fs = out.getFileSystem(spark.sparkContext().hadoopConfiguration());
      checkTarget(fs, out, overwrite);
      Path tmp = new Path(out.getParent(), "." + out.getName() + ".tmp-" + UUID.randomUUID());
      try {
        rows.write().partitionBy(partitionBy.toArray(new String[0])).parquet(tmp.toString());
        if (fs.exists(out)) {
          fs.delete(out, true);
        }
        if (!fs.rename(tmp, out)) {
          throw new IOException("cannot rename " + tmp + " to " + out);
        }
      } finally {
        if (fs.exists(tmp)) {
          fs.delete(tmp, true);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Bad input unless every column is one of {@link #PARTITION_COLUMNS}, each once. */
  public static void checkPartitionBy(List<String> partitionBy) {
    for (String c : partitionBy) {
      if (!PARTITION_COLUMNS.contains(c) || partitionBy.indexOf(c) != partitionBy.lastIndexOf(c)) {
        throw AblateException.badInput("--partition-by %s: each column once, of: %s",
            String.join(",", partitionBy), String.join(", ", PARTITION_COLUMNS));
      }
    }
  }

  /** Bad input if {@code target} exists and may not be replaced (check before the work). */
  public static void checkTarget(SparkSession spark, String target, boolean overwrite) {
    try {
      Path out = new Path(target);
      checkTarget(out.getFileSystem(spark.sparkContext().hadoopConfiguration()), out, overwrite);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void checkTarget(FileSystem fs, Path out, boolean overwrite) throws IOException {
    if (fs.exists(out) && !overwrite) {
      throw AblateException.badInput("--out %s exists; choose another directory or pass "
          + "--overwrite", out);
    }
  }
}

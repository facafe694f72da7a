package io.ablate.eval;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.ablate.AblateException;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/** A prompt dataset in Spark: JSON Lines ({@code .jsonl}, {@code .json}) or Parquet. */
public final class PromptData {
  private PromptData() {}

  /** Columns id, task, prompt, answer (null when the file has none), as strings. */
  public static Dataset<Row> read(SparkSession spark, String file) {
    Dataset<Row> df;
    try {
      df = file.endsWith(".jsonl") || file.endsWith(".json")
          ? spark.read().json(file) : spark.read().parquet(file);
    } catch (Exception e) {
      throw AblateException.badInput("cannot read prompt dataset %s: %s", file, e.getMessage());
    }
    List<String> cols = Arrays.asList(df.columns());
    if (cols.contains("_corrupt_record")) {
      throw AblateException.badInput("prompt dataset %s has lines that are not JSON objects", file);
    }
    for (String c : List.of("id", "task", "prompt")) {
      if (!cols.contains(c)) {
        throw AblateException.badInput("prompt dataset %s has no column '%s' (found %s; needed: "
            + "id, task, prompt, optional answer)", file, c, String.join(", ", cols));
      }
    }
    Dataset<Row> prompts = df.select(col("id").cast(DataTypes.StringType),
        col("task").cast(DataTypes.StringType), col("prompt").cast(DataTypes.StringType),
        cols.contains("answer") ? col("answer").cast(DataTypes.StringType)
            : lit(null).cast(DataTypes.StringType).as("answer"));
    // A missing text is not an empty prompt, nor a missing id one to number: name the row.
    List<Row> bad = prompts.where(col("id").isNull().or(col("task").isNull())
        .or(col("prompt").isNull())).limit(1).collectAsList();
    if (!bad.isEmpty()) {
      Row r = bad.get(0);
      throw AblateException.badInput("prompt dataset %s: a row has a null '%s' (id %s, task %s); "
          + "every prompt needs an id, a task and a text", file,
          r.isNullAt(0) ? "id" : r.isNullAt(1) ? "task" : "prompt", r.getString(0),
          r.getString(1));
    }
    return prompts;
  }

  /** The first {@code n} prompts of every task by id (all when {@code n <= 0}). */
  public static Dataset<Row> perTask(Dataset<Row> prompts, int n) {
    if (n <= 0) {
      return prompts;
    }
    org.apache.spark.sql.expressions.WindowSpec w =
        org.apache.spark.sql.expressions.Window.partitionBy("task").orderBy("id");
    return prompts.withColumn("_rank", org.apache.spark.sql.functions.row_number().over(w))
        .where(col("_rank").leq(n)).drop("_rank");
  }

  static Prompt prompt(Row r) {
    return new Prompt(r.getString(0), r.getString(1), r.getString(2), r.isNullAt(3) ? null
        : r.getString(3));
  }
}

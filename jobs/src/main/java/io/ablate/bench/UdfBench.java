package io.ablate.bench;

import io.ablate.dataset.ScratchDir;
import io.ablate.encoding.Dtype;
import io.ablate.spark.ActivationFunctions;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Throughput of the SQL functions over Parquet vectors, in the session's master (local[2] for the
 * documented figures): the same float32 values stored as {@code array<float>} and as {@code binary} f32, each
 * query run in full into Spark's {@code noop} sink. Peers in the same run: a plain scan of the column
 * (the floor), the GPU-capable {@code ScalaUDF} form on its CPU path (what the plugin's UDF costs
 * where it stays on the CPU: boxed floats), and GELU-tanh hand-written as a Spark SQL higher-order
 * function.
 */
public final class UdfBench {
  /** One measured query: median seconds over repetitions, values per second, every repetition. */
  public record Result(String column, String query, String form, double seconds, double elemsPerSec,
      double spread, long values, double[] all) {
    /** As a row of the {@code latency} table (scope {@code udf}; variant = the query). */
    public io.ablate.latency.LatencyRow toLatencyRow(String host, String device) {
      String impl = form.startsWith("CPU") ? "cpu_expr" : form.startsWith("ScalaUDF") ? "scala_udf"
          : query.equals("scan") ? "scan" : "sql";
      return io.ablate.latency.LatencyRow.job(column + ": " + query, "fp32", impl, values, host,
          device, all).withScope(io.ablate.latency.LatencyRow.UDF);
    }
  }

  static final String SQL_GELU_TANH = "transform(v, x -> CAST(0.5 * x * (1 + tanh(0.7978845608028654"
      + " * (x + 0.044715 * x * x * x))) AS FLOAT))";

  private UdfBench() {}

  /** Runs the queries in {@code spark}, which has Ablate's functions registered. */
  public static List<Result> run(SparkSession spark, long elems, int dim, int reps,
      PrintStream progress) {
    int partitions = Math.max(2, spark.sparkContext().defaultParallelism());
    long rows = Math.max(partitions, elems / dim);
    long n = rows * dim;
    try (ScratchDir dir = ScratchDir.create("ablate-udf-bench")) {
      String table = dir.resolve("vectors.parquet");
      progress.printf("UDF benchmark: %d vectors x %d floats = %d values, array<float> and binary f32,"
          + " %s%n", rows, dim, n, spark.sparkContext().master());
      write(spark, rows, dim, partitions, table);
      spark.read().parquet(table).createOrReplaceTempView("ablate_vectors");
      String[][] queries = {
        {"array<float>", "scan", "v", "-"},
        {"array<float>", "gelu_tanh(v)", "gelu_tanh(v)", "cpu"},
        {"array<float>", "gelu_tanh(v)", "gelu_tanh(v)", "gpu"},
        {"array<float>", "SQL transform (gelu_tanh)", SQL_GELU_TANH, "-"},
        {"array<float>", "relu(v)", "relu(v)", "cpu"},
        {"binary", "scan", "b", "-"},
        {"binary", "gelu_tanh(b)", "gelu_tanh(b)", "cpu"},
        {"binary", "gelu_tanh(b)", "gelu_tanh(b)", "gpu"},
        {"binary", "relu(b)", "relu(b)", "cpu"},
      };
      List<Result> results = new ArrayList<>();
      for (String[] q : queries) {
        results.add(time(spark, q, n, reps, progress));
      }
      return results;
    }
  }

  private static Result time(SparkSession spark, String[] q, long n, int reps, PrintStream progress) {
    if (!q[3].equals("-")) {
      spark.conf().set(ActivationFunctions.FORM_CONF, q[3]);
    }
    try {
      String sql = "SELECT " + q[2] + " AS out FROM ablate_vectors";
      run(spark, sql); // warm-up: JIT, file listing
      double[] s = new double[reps];
      for (int i = 0; i < reps; i++) {
        long t0 = System.nanoTime();
        run(spark, sql);
        s[i] = (System.nanoTime() - t0) / 1e9;
      }
      Arrays.sort(s);
      double median = s[reps / 2];
      String form = q[3].equals("cpu") ? "CPU expression" : q[3].equals("gpu")
          ? "ScalaUDF (GPU form, CPU path)" : "Spark";
      Result r = new Result(q[0], q[1], form, median, n / median, s[reps - 1] - s[0], n, s);
      progress.printf("  %-13s %-27s %-30s %8.3f s  %6.1f M values/s%n", r.column(), r.query(),
          r.form(), median, r.elemsPerSec() / 1e6);
      return r;
    } finally {
      spark.conf().unset(ActivationFunctions.FORM_CONF);
    }
  }

  private static void run(SparkSession spark, String sql) {
    spark.sql(sql).write().format("noop").mode("overwrite").save();
  }

  /** Seeded N(0, 2) vectors, as array&lt;float&gt; and as little-endian f32 binary, per partition. */
  private static void write(SparkSession spark, long rows, int dim, int partitions, String path) {
    StructType schema = new StructType()
        .add("v", DataTypes.createArrayType(DataTypes.FloatType, false))
        .add("b", DataTypes.BinaryType);
    spark.range(0, rows, 1, partitions)
        .mapPartitions((MapPartitionsFunction<Long, org.apache.spark.sql.Row>) ids -> {
          List<org.apache.spark.sql.Row> out = new ArrayList<>();
          Random rnd = null;
          while (ids.hasNext()) {
            long id = ids.next();
            if (rnd == null) {
              rnd = new Random(id);
            }
            float[] v = new float[dim];
            Float[] boxed = new Float[dim];
            for (int i = 0; i < dim; i++) {
              v[i] = (float) (rnd.nextGaussian() * 2);
              boxed[i] = v[i];
            }
            out.add(RowFactory.create(boxed, Dtype.F32.encode(v, 0, dim)));
          }
          Iterator<org.apache.spark.sql.Row> it = out.iterator();
          return it;
        }, Encoders.row(schema))
        .write().parquet(path);
  }
}

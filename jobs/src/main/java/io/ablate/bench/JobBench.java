package io.ablate.bench;

import io.ablate.accuracy.AccuracyPass;
import io.ablate.accuracy.AccuracyPlan;
import io.ablate.activation.Catalogue;
import io.ablate.activation.Variant;
import io.ablate.dataset.ActivationDataset;
import io.ablate.dataset.Generator;
import io.ablate.dataset.VectorReader;
import io.ablate.encoding.Dtype;
import io.ablate.latency.LatencyRow;
import io.ablate.latency.Timing;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.commons.math3.special.Erf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataTypes;

/**
 * The job benchmark: the accuracy pass over an {@code array<float>} activation dataset in the
 * session's master (local[2] for the documented figures), against what a user would do instead and against the
 * floor, in one session:
 * <ul>
 *   <li>{@code scan}: the plain scan, Spark's own scan of the column into its {@code noop} sink
 *       (what the targets are measured against), and Ablate's read of every vector of the column
 *       into a float array and nothing else (the path the passes read through, the floor);
 *   <li>{@code sql}: the same accuracy metrics of one variant hand-written in Spark SQL with
 *       {@code transform}/{@code filter}/{@code aggregate} over the array column, the float64
 *       reference through a Java UDF of commons-math3's {@code erfc} (Spark SQL has no erf);
 *   <li>{@code ablate}: {@link AccuracyPass} with one variant and with eight;
 *   <li>{@code plan}: the GPU engine's plan ({@link AccuracyPlan}) of one variant on its
 *       functions' CPU forms: what {@code --engine gpu} costs on a machine without a GPU.
 * </ul>
 * As rows of the {@code latency} table (scope {@code job}) the scans are variants {@code read} and
 * {@code noop} with impl {@code scan}.
 * Each is timed over whole jobs, in rounds: one untimed warm-up round (the JIT compiles the
 * kernels), then each round runs every job once, one after the other, so that a slow spell of a
 * shared machine hits the scans and the passes alike. Each job's median is reported with its
 * spread, and its cost against the plain scan as the median over rounds of (job ÷ that round's
 * plain scan). The SQL peer, tens of times slower, runs after the rounds with its own number of
 * repetitions (0 leaves it out).
 */
public final class JobBench {
  /**
   * One measured job: the median and spread of {@code all}, every repetition's seconds, and
   * {@code vsScan}, the median of its per-round ratios to the scan (1 for the scan itself).
   */
  public record Result(String name, String impl, String variant, String precision, int variants,
      long values, double seconds, double spread, double[] all, double vsScan) {
    public double valuesPerSec() {
      return values / seconds;
    }

    /** As a row of the {@code latency} table (scope {@code job}). */
    public LatencyRow toLatencyRow(String host, String device) {
      return LatencyRow.job(variant, precision, impl, values, host, device, all);
    }
  }

  /** The one-variant comparison: the variant the SQL peer computes. */
  public static final String ONE = "gelu_tanh";
  /** The eight-variant pass (all elementwise: the benchmark dataset has ffn.pre vectors only). */
  public static final List<String> EIGHT = List.of("gelu_tanh", "gelu_sigmoid", "silu", "relu",
      "gelu@bf16", "gelu@fp8_e4m3", "gelu@int8", "mish");

  /** Registered for the SQL peer: the float64 erfc a Spark SQL user would reach for. */
  static final String SQL_ERFC = "ablate_bench_erfc";

  private JobBench() {}

  /** Writes the benchmark dataset: {@code values} float32 values as 1024-float array vectors. */
  public static void prepare(SparkSession spark, long values, String dir) {
    int dim = 1024;
    int layers = 4;
    long rows = Math.max(1, values / ((long) dim * layers));
    Generator.Spec spec = new Generator.Spec(rows, dim, layers, "bench", "ckpt-0", 42, false,
        Dtype.F32, 0, 1, 0.25, List.of(), List.of(ActivationDataset.DEFAULT_SITE),
        Math.max(2, spark.sparkContext().defaultParallelism()));
    new Generator(spec).generate(spark).write().parquet(dir);
  }

  /** Times every job over the dataset at {@code input}. */
  public static List<Result> run(SparkSession spark, String input, int reps, int sqlReps,
      PrintStream progress) {
    ActivationDataset dataset = ActivationDataset.open(spark, input, ActivationDataset.OnBadFile.FAIL);
    long values = scan(dataset);
    progress.printf("Job benchmark: %d float32 values (array<float>) in %s, %s, %d repetitions%n",
        values, input, spark.sparkContext().master(), reps);
    Variant reference = Catalogue.variant("gelu");
    Variant gatedReference = Catalogue.variant("swiglu");
    AccuracyPass one = new AccuracyPass(List.of(Catalogue.variant(ONE)), reference, gatedReference);
    AccuracyPass eight = new AccuracyPass(Catalogue.variants(String.join(";", EIGHT)), reference,
        gatedReference);
    registerErfc(spark);
    List<Result> results = new ArrayList<>(rounds(List.of(plainScan(spark, input),
        readEveryVector(dataset),
        new Job("ablate pass, " + ONE, "ablate", ONE, "fp32", 1, () -> one.run(dataset)),
        new Job("ablate pass, 8 variants", "ablate", String.join(";", EIGHT), "mixed", 8,
            () -> eight.run(dataset))), values, reps, progress));
    // What --engine gpu costs without a GPU: the plan on its functions' CPU forms, once.
    AccuracyPlan plan = new AccuracyPlan(List.of(Catalogue.variant(ONE)), reference,
        gatedReference);
    results.add(time(new Job("accuracy plan on CPU forms, " + ONE, "plan", ONE, "fp32", 1,
        () -> plan.run(dataset, "plan")), values, 1, results.get(0).seconds(), progress));
    if (sqlReps > 0) {
      results.add(time(new Job("hand-written SQL, " + ONE, "sql", ONE, "fp32", 1,
          () -> sqlAccuracy(spark, input).collectAsList()), values, sqlReps,
          results.get(0).seconds(), progress));
    }
    return results;
  }

  /** A job to time: its names in the latency table and what it runs. */
  public record Job(String name, String impl, String variant, String precision, int variants,
      Runnable run) {}

  /**
   * The plain scan the targets are measured against: what a Spark user runs to read the vector
   * column and nothing else, Spark's own scan of it into its {@code noop} sink (every vector is
   * read and materialised as a row).
   */
  public static Job plainScan(SparkSession spark, String input) {
    return new Job("plain scan (Spark, noop sink)", "scan", "noop", "none", 0,
        () -> spark.read().parquet(input).select("values").write().format("noop")
            .mode("overwrite").save());
  }

  /**
   * Ablate's own read of the vector column, {@link #scan}: the floor of any pass, which reads
   * through the same path (faster than the plain scan: no row is materialised).
   */
  public static Job readEveryVector(ActivationDataset dataset) {
    return new Job("Ablate's read (every vector)", "scan", "read", "none", 0, () -> scan(dataset));
  }

  /** Reads every vector as a float array; returns the number of values. */
  static long scan(ActivationDataset dataset) {
    VectorReader reader = new VectorReader(dataset);
    JavaRDD<InternalRow> rows = dataset.internalRows();
    return rows.mapPartitions((Iterator<InternalRow> it) -> {
      long n = 0;
      while (it.hasNext()) {
        float[] v = reader.vector(it.next());
        n += v.length;
      }
      return List.of(n).iterator();
    }).reduce(Long::sum);
  }

  static void registerErfc(SparkSession spark) {
    spark.udf().register(SQL_ERFC, (UDF1<Double, Double>) Erf::erfc, DataTypes.DoubleType);
  }

  /**
   * The accuracy metrics of {@link #ONE} against GELU in float64, per (layer, site), as a Spark SQL
   * user would write them over the array column: the variant's float output, the reference, the
   * finite elements, then per-vector sums and maxima aggregated per key.
   */
  static Dataset<Row> sqlAccuracy(SparkSession spark, String input) {
    spark.read().parquet(input).createOrReplaceTempView("ablate_bench_vectors");
    String err = "(t.y - t.r)";
    String sum = "sum(aggregate(d, 0D, (s, t) -> s + %s))";
    // References that round to a normal float32 (max_ulp's elements).
    String normal = "abs(t.r) >= 1.1754942807573643E-38D AND abs(t.r) < 3.4028235677973366E38D";
    return spark.sql("SELECT layer, site,\n"
        + "  sum(size(x)) AS n,\n"
        + "  sum(size(filter(x, a -> isnan(a)))) AS nan_in,\n"
        + "  sum(size(filter(x, a -> abs(a) = float('inf')))) AS inf_in,\n"
        + "  sum(size(d)) AS m,\n"
        + "  max(array_max(transform(d, t -> abs" + err + "))) AS max_abs_err,\n"
        + "  " + String.format(sum, "abs" + err) + " / sum(size(d)) AS mean_abs_err,\n"
        + "  sqrt(" + String.format(sum, err + " * " + err) + " / sum(size(d))) AS rmse,\n"
        + "  max(array_max(transform(filter(d, t -> abs(t.r) >= 1e-6), t -> abs" + err
        + " / abs(t.r)))) AS max_rel_err,\n"
        + "  max(array_max(transform(filter(d, t -> " + normal + "), t -> abs" + err
        + " / pow(2D, greatest(floor(log2(abs(t.r))), -126) - 23)))) AS max_ulp,\n"
        + "  sum(size(filter(d, t -> NOT (" + normal + ")))) AS ulp_excluded,\n"
        + "  " + String.format(sum, "t.r * t.y") + " / (sqrt(" + String.format(sum, "t.r * t.r")
        + ") * sqrt(" + String.format(sum, "t.y * t.y") + ")) AS cos_sim,\n"
        + "  10 * log10(" + String.format(sum, "t.r * t.r") + " / "
        + String.format(sum, err + " * " + err) + ") AS snr_db,\n"
        + "  sum(size(filter(d, t -> t.y = 0))) / sum(size(d)) AS sparsity_out\n"
        + "FROM (SELECT layer, site, values AS x,\n"
        + "  filter(transform(filter(values, a -> NOT isnan(a) AND abs(a) != float('inf')),\n"
        + "    a -> named_struct(\n"
        + "      'y', CAST(CAST(0.5D * a * (1D + tanh(0.7978845608028654D * (a + 0.044715D * a * a * a)))"
        + " AS FLOAT) AS DOUBLE),\n"
        + "      'r', 0.5D * a * " + SQL_ERFC + "(-a * 0.7071067811865476D))),\n"
        + "    t -> NOT isnan(t.y) AND abs(t.r) != double('inf')) AS d\n"
        + "  FROM ablate_bench_vectors)\n"
        + "GROUP BY layer, site ORDER BY layer, site");
  }

  /**
   * Times {@code jobs} in interleaved rounds (see the class comment): one untimed warm-up round, then
   * {@code reps} rounds. The first job is the scan the others are compared with.
   */
  public static List<Result> rounds(List<Job> jobs, long values, int reps, PrintStream progress) {
    progress.print("  warm-up round:");
    for (Job j : jobs) {
      long t0 = System.nanoTime();
      j.run().run();
      progress.printf(" %s %.2f s;", j.name(), (System.nanoTime() - t0) / 1e9);
    }
    progress.println();
    double[][] s = new double[jobs.size()][Math.max(1, reps)];
    for (int round = 0; round < s[0].length; round++) {
      for (int j = 0; j < jobs.size(); j++) {
        long t0 = System.nanoTime();
        jobs.get(j).run().run();
        s[j][round] = (System.nanoTime() - t0) / 1e9;
      }
    }
    List<Result> out = new ArrayList<>();
    for (int j = 0; j < jobs.size(); j++) {
      double[] ratio = new double[s[j].length];
      for (int round = 0; round < ratio.length; round++) {
        ratio[round] = s[j][round] / s[0][round];
      }
      out.add(result(jobs.get(j), values, s[j], median(ratio), progress));
    }
    return out;
  }

  /** Times one job {@code reps} times after the rounds; compared with the scan's median. */
  static Result time(Job job, long values, int reps, double scanSeconds, PrintStream progress) {
    double[] s = new double[Math.max(1, reps)];
    for (int i = 0; i < s.length; i++) {
      long t0 = System.nanoTime();
      job.run().run();
      s[i] = (System.nanoTime() - t0) / 1e9;
    }
    return result(job, values, s, median(s) / scanSeconds, progress);
  }

  private static Result result(Job job, long values, double[] seconds, double vsScan,
      PrintStream progress) {
    double[] s = seconds.clone();
    Arrays.sort(s);
    Result r = new Result(job.name(), job.impl(), job.variant(), job.precision(), job.variants(),
        values, median(s), s[s.length - 1] - s[0], seconds, vsScan);
    progress.printf("  %-29s %8.2f s (spread %.2f s)  %7.1f M values/s  %.2fx the plain scan%n",
        r.name(), r.seconds(), r.spread(), r.valuesPerSec() / 1e6, r.vsScan());
    return r;
  }

  private static double median(double[] values) {
    return Timing.Stats.of(values).p50();
  }
}

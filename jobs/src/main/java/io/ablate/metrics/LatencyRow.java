package io.ablate.metrics;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * One row of the {@code latency} table (without {@code run_id}, which the repository adds): how
 * fast one variant ran by one implementation on one executor. Every writer of the table (the
 * latency pass of {@code ablate ablate}, the {@code sql} rows of {@code ablate bench}) goes through
 * {@link #of} and {@link #toRow}, so the derived columns mean the same everywhere.
 *
 * @param variant canonical variant name
 * @param precision the variant's precision ({@code fp32}, {@code bf16}, ...)
 * @param impl {@code scalar}, {@code simd}, {@code djl} (PyTorch via DJL), {@code gpu} or {@code sql}
 * @param batchElems elements per timed call asked for; a partition with fewer values is timed on
 *     what it has ({@code nElems / reps} is the mean batch actually timed)
 * @param host the executor's host name
 * @param executorId Spark's executor id ({@code driver} in local mode)
 * @param device what ran it: the CPU model and SIMD width ("… simd=256", "simd=none" without the
 *     vector module), or the GPU's name
 * @param site the dataset site(s) whose values were timed, comma-separated (added column)
 * @param bytesPerElem the minimum bytes a float32 kernel reads and writes per output element: 8
 *     elementwise (read x, write y), 12 gated (read gate and up, write y); reduced-precision
 *     variants count the same, though their rounding passes move more (added column)
 * @param reps timed repetitions behind the percentiles (over all partitions of the executor)
 * @param nElems elements processed by those repetitions
 * @param nsPerElemP50 nearest-rank median of the repetitions' ns per element
 * @param nsPerElemP95 95th percentile
 * @param nsPerElemP99 99th percentile
 * @param elemsPerSec 1e9 / {@code nsPerElemP50}
 * @param bytesPerSec {@code elemsPerSec · bytesPerElem}
 * @param rooflineBytesPerSec the device's single-thread memory-copy bandwidth (bytes read +
 *     written per second) for arrays of {@code batchElems} floats, so in the same cache level as
 *     the batch, measured once per executor; NaN (stored as null) when unknown
 * @param rooflineFrac {@code bytesPerSec / rooflineBytesPerSec}: near 1 a kernel moves data as
 *     fast as a copy does; a little above 1 is possible (a copy is a reference point, not a bound)
 * @param scope {@code kernel}: one kernel call on one executor's batch (the rows above);
 *     {@code job}: a whole Spark job over a dataset, timed on the driver ({@code ablate bench}:
 *     impl {@code scan}, {@code ablate} or {@code sql}; host and device of the driver, executor
 *     {@code all}, bytes = the 4 bytes of each float32 value read, no roofline) (added column)
 */
public record LatencyRow(String variant, String precision, String impl, long batchElems,
    String host, String executorId, String device, String site, int bytesPerElem, int reps,
    long nElems, double nsPerElemP50, double nsPerElemP95, double nsPerElemP99,
    double elemsPerSec, double bytesPerSec, double rooflineBytesPerSec, double rooflineFrac,
    String scope) {

  public static final String KERNEL = "kernel";
  public static final String JOB = "job";

  /** Bytes per element of an elementwise float32 kernel: x read, y written. */
  public static final int ELEMENTWISE_BYTES = 8;
  /** Bytes per element of a gated float32 kernel: gate and up read, y written. */
  public static final int GATED_BYTES = 12;

  /** The table's columns, in order (the repository adds {@code run_id}). */
  public static final StructType SCHEMA = new StructType()
      .add("variant", DataTypes.StringType).add("precision", DataTypes.StringType)
      .add("impl", DataTypes.StringType).add("batch_elems", DataTypes.LongType)
      .add("host", DataTypes.StringType).add("executor_id", DataTypes.StringType)
      .add("device", DataTypes.StringType).add("site", DataTypes.StringType)
      .add("bytes_per_elem", DataTypes.IntegerType)
      .add("reps", DataTypes.IntegerType).add("n_elems", DataTypes.LongType)
      .add("ns_per_elem_p50", DataTypes.DoubleType)
      .add("ns_per_elem_p95", DataTypes.DoubleType)
      .add("ns_per_elem_p99", DataTypes.DoubleType)
      .add("elems_per_s", DataTypes.DoubleType)
      .add("bytes_per_s", DataTypes.DoubleType)
      .add("roofline_bytes_per_s", DataTypes.DoubleType)
      .add("roofline_frac", DataTypes.DoubleType)
      .add("scope", DataTypes.StringType);

  /** A row from merged samples: the percentiles and rates derived as documented above. */
  public static LatencyRow of(String variant, String precision, String impl, long batchElems,
      String host, String executorId, String device, String site, int bytesPerElem,
      LatencySamples s, double rooflineBytesPerSec) {
    double p50 = s.percentile(0.50);
    double elemsPerSec = 1e9 / p50;
    double bytesPerSec = elemsPerSec * bytesPerElem;
    return new LatencyRow(variant, precision, impl, batchElems, host, executorId, device, site,
        bytesPerElem, s.reps(), s.elems(), p50, s.percentile(0.95), s.percentile(0.99),
        elemsPerSec, bytesPerSec, rooflineBytesPerSec, bytesPerSec / rooflineBytesPerSec, KERNEL);
  }

  /**
   * A whole job over {@code values} float32 values, timed {@code seconds.length} times on the
   * driver (scope {@code job}).
   */
  public static LatencyRow job(String variant, String precision, String impl, long values,
      String host, String device, double[] seconds) {
    double[] ns = new double[seconds.length];
    for (int i = 0; i < ns.length; i++) {
      ns[i] = seconds[i] * 1e9 / values;
    }
    LatencySamples s = LatencySamples.of(ns, values);
    LatencyRow kernelLike = of(variant, precision, impl, values, host, "all", device, null, 4, s,
        Double.NaN);
    return new LatencyRow(variant, precision, impl, values, host, "all", device, null, 4,
        kernelLike.reps(), kernelLike.nElems(), kernelLike.nsPerElemP50(),
        kernelLike.nsPerElemP95(), kernelLike.nsPerElemP99(), kernelLike.elemsPerSec(),
        kernelLike.bytesPerSec(), Double.NaN, Double.NaN, JOB);
  }

  /** The row in {@link #SCHEMA}'s order; an unknown roofline is null. */
  public Row toRow() {
    return RowFactory.create(variant, precision, impl, batchElems, host, executorId, device, site,
        bytesPerElem, reps, nElems, nsPerElemP50, nsPerElemP95, nsPerElemP99, elemsPerSec,
        bytesPerSec, orNull(rooflineBytesPerSec), orNull(rooflineFrac), scope);
  }

  /** Reads a row of the table (by column name; nulls as NaN). */
  public static LatencyRow fromRow(Row r) {
    return new LatencyRow(r.getAs("variant"), r.getAs("precision"), r.getAs("impl"),
        r.<Long>getAs("batch_elems"), r.getAs("host"), r.getAs("executor_id"), r.getAs("device"),
        r.getAs("site"), r.<Integer>getAs("bytes_per_elem"), r.<Integer>getAs("reps"),
        r.<Long>getAs("n_elems"), r.<Double>getAs("ns_per_elem_p50"),
        r.<Double>getAs("ns_per_elem_p95"), r.<Double>getAs("ns_per_elem_p99"),
        r.<Double>getAs("elems_per_s"), r.<Double>getAs("bytes_per_s"),
        nanIfNull(r.getAs("roofline_bytes_per_s")), nanIfNull(r.getAs("roofline_frac")),
        r.getAs("scope"));
  }

  private static Double orNull(double v) {
    return Double.isNaN(v) ? null : v;
  }

  private static double nanIfNull(Double v) {
    return v == null ? Double.NaN : v;
  }
}

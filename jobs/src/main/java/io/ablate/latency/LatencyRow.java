package io.ablate.latency;

import io.ablate.repository.Tables;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

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
 *     written per second; on the CPU the fastest of {@link MemoryBandwidth}'s copy forms) for
 *     arrays of {@code batchElems} floats, so in the same cache level as the batch, measured once
 *     per executor; NaN (stored as null) when unknown
 * @param rooflineFrac {@code bytesPerSec / rooflineBytesPerSec}: near 1 a kernel moves data as
 *     fast as the fastest copy does; a little above 1 only when the machine ran faster while the
 *     kernel was timed than while the limit was
 * @param scope {@code kernel}: one kernel call on one executor's batch (the rows above);
 *     {@code job}: a whole Spark job over a dataset, timed on the driver ({@code ablate bench}:
 *     impl {@code scan}, {@code ablate} or {@code sql}; host and device of the driver, executor
 *     {@code all}, bytes = the 4 bytes of each float32 value read, no roofline);
 *     {@code ffn}, {@code ffn_fusion}, {@code limit}: FFN blocks and the machine's limits
 *     ({@code ablate bench}, see {@link Detail}); {@code udf}: a SQL function over a Parquet table
 *     ({@code ablate bench}); {@code e2e}: a whole command as a fresh process ({@link #process})
 *     (added column)
 * @param detail what {@code ffn}, {@code limit} and {@code e2e} rows add (null columns on other
 *     rows)
 */
public record LatencyRow(String variant, String precision, String impl, long batchElems,
    String host, String executorId, String device, String site, int bytesPerElem, int reps,
    long nElems, double nsPerElemP50, double nsPerElemP95, double nsPerElemP99,
    double elemsPerSec, double bytesPerSec, double rooflineBytesPerSec, double rooflineFrac,
    String scope, Detail detail) {

  public static final String KERNEL = "kernel";
  public static final String JOB = "job";
  /** A stage or the whole of an FFN block at a model's shape ({@code ablate bench}). */
  public static final String FFN = "ffn";
  /** The activation step of an FFN block, fused vs unfused, in place vs a separate output. */
  public static final String FFN_FUSION = "ffn_fusion";
  /** A limit of the machine measured in the run: memory copy, large matrix product. */
  public static final String LIMIT = "limit";
  /** A SQL function over a Parquet table ({@code ablate bench}, part udf). */
  public static final String UDF = "udf";
  /** A whole command as a fresh process, fork to exit ({@code ablate bench}, part e2e). */
  public static final String E2E = "e2e";

  /**
   * The columns FFN-block and limit rows add (added columns, all null on other rows). For those
   * rows an element is one output of the block's activation ({@code tokens · I}, times top-k in a
   * mixture of experts), {@code batch_elems} is their number per block, {@code ns_per_elem_*} the
   * stage's time divided by it, {@code bytes_per_elem} the stage's minimum bytes read + written per
   * element (rounded; {@code bytes_per_s} is exact), and {@code roofline_frac} the fraction of the
   * limit named in {@code limit} that the stage reaches: the shortest time the limits allow divided
   * by the measured median.
   *
   * @param shape the block: model name and {@code HxI[:gated][:moe=E/K]}
   * @param tokens the token batch (1: decode)
   * @param stage {@code up} (up and gate projections), {@code route}, {@code act}, {@code xfer}
   *     (moving products between PyTorch tensors and Java arrays), {@code down}, {@code block};
   *     limit rows: {@code copy}, {@code matmul}; e2e rows: {@code process}
   * @param mode how the activation step ran: {@code fused} (act(gate)·up in one pass) or
   *     {@code unfused} (act into a buffer, then the multiply), each with {@code _inplace} when it
   *     writes over its inputs; elementwise {@code separate} or {@code inplace}; {@code torch_ops}:
   *     PyTorch eager ops, each a pass allocating its output; e2e rows: {@code fresh_process};
   *     null otherwise
   * @param flopsPerSec floating-point operations per second at the median (NaN: none counted)
   * @param rooflineFlopsPerSec the large matrix product's rate in the same run (NaN: not used)
   * @param limit which limit {@code roofline_frac} refers to: {@code copy} (bandwidth at the
   *     stage's working-set size), {@code matmul}, or {@code roofline} (a block: the sum over its
   *     stages of the time the binding limit allows)
   */
  public record Detail(String shape, int tokens, String stage, String mode, double flopsPerSec,
      double rooflineFlopsPerSec, String limit) {}

  /** Bytes per element of an elementwise float32 kernel: x read, y written. */
  public static final int ELEMENTWISE_BYTES = 8;
  /** Bytes per element of a gated float32 kernel: gate and up read, y written. */
  public static final int GATED_BYTES = 12;

  /** A row from merged samples: the percentiles and rates derived as documented above. */
  public static LatencyRow of(String variant, String precision, String impl, long batchElems,
      String host, String executorId, String device, String site, int bytesPerElem,
      LatencySamples s, double rooflineBytesPerSec) {
    double p50 = s.percentile(0.50);
    double elemsPerSec = 1e9 / p50;
    double bytesPerSec = elemsPerSec * bytesPerElem;
    return new LatencyRow(variant, precision, impl, batchElems, host, executorId, device, site,
        bytesPerElem, s.reps(), s.elems(), p50, s.percentile(0.95), s.percentile(0.99),
        elemsPerSec, bytesPerSec, rooflineBytesPerSec, bytesPerSec / rooflineBytesPerSec, KERNEL,
        null);
  }

  /**
   * An FFN or limit row ({@code scope} {@link #FFN}, {@link #FFN_FUSION} or {@link #LIMIT}) from
   * the seconds of each timed repetition of a stage that covers {@code elems} elements and moves
   * {@code bytes}; {@code minSeconds} is the shortest time the limits allow (see {@link Detail}).
   */
  public static LatencyRow stage(String scope, String variant, String precision, String impl,
      long elems, String host, String device, double[] seconds, double bytes, double flops,
      double minSeconds, double copyBytesPerSec, Detail detail) {
    double[] ns = new double[seconds.length];
    for (int i = 0; i < ns.length; i++) {
      ns[i] = seconds[i] * 1e9 / elems;
    }
    LatencySamples s = LatencySamples.of(ns, elems);
    double p50 = s.percentile(0.50);
    double secondsP50 = p50 * elems / 1e9;
    double flopsPerSec = flops > 0 ? flops / secondsP50 : Double.NaN;
    return new LatencyRow(variant, precision, impl, elems, host, "driver", device, null,
        (int) Math.round(bytes / elems), s.reps(), s.elems(), p50, s.percentile(0.95),
        s.percentile(0.99), 1e9 / p50, bytes / secondsP50, copyBytesPerSec,
        minSeconds / secondsP50, scope, new Detail(detail.shape(), detail.tokens(), detail.stage(),
            detail.mode(), flopsPerSec, detail.rooflineFlopsPerSec(), detail.limit()));
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
        kernelLike.bytesPerSec(), Double.NaN, Double.NaN, JOB, null);
  }

  /**
   * A whole command run as a fresh process {@code seconds.length} times, each timed from fork to
   * exit (scope {@link #E2E}, stage {@code process}, mode {@code fresh_process}): as a {@link #job}
   * row over the {@code values} float32 values it read, or, for a command that reads none, over
   * one element, the process (its ns per element are ns per run, 0 bytes).
   */
  public static LatencyRow process(String variant, String precision, String impl, long values,
      String host, String device, double[] seconds) {
    LatencyRow j = job(variant, precision, impl, Math.max(1, values), host, device, seconds);
    int bytes = values > 0 ? j.bytesPerElem() : 0;
    return new LatencyRow(variant, precision, impl, j.batchElems(), host, j.executorId(), device,
        null, bytes, j.reps(), j.nElems(), j.nsPerElemP50(), j.nsPerElemP95(), j.nsPerElemP99(),
        j.elemsPerSec(), j.elemsPerSec() * bytes, Double.NaN, Double.NaN, E2E,
        new Detail(null, 0, "process", "fresh_process", Double.NaN, Double.NaN, null));
  }

  /** As {@code this} with another scope (e.g. the kernel benchmark's rows, scope kernel). */
  public LatencyRow withScope(String newScope) {
    return new LatencyRow(variant, precision, impl, batchElems, host, executorId, device, site,
        bytesPerElem, reps, nElems, nsPerElemP50, nsPerElemP95, nsPerElemP99, elemsPerSec,
        bytesPerSec, rooflineBytesPerSec, rooflineFrac, newScope, detail);
  }

  /**
   * The row in {@link Tables#LATENCY_SCHEMA}'s order; an unknown roofline is null, as are absent
   * details.
   */
  public Row toRow() {
    Detail d = detail;
    return RowFactory.create(variant, precision, impl, batchElems, host, executorId, device, site,
        bytesPerElem, reps, nElems, nsPerElemP50, nsPerElemP95, nsPerElemP99, elemsPerSec,
        bytesPerSec, orNull(rooflineBytesPerSec), orNull(rooflineFrac), scope,
        d == null ? null : d.shape(), d == null ? null : d.tokens(), d == null ? null : d.stage(),
        d == null ? null : d.mode(), d == null ? null : orNull(d.flopsPerSec()),
        d == null ? null : orNull(d.rooflineFlopsPerSec()), d == null ? null : d.limit());
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
        r.getAs("scope"), detailOf(r));
  }

  /** The detail columns of a row, or null when it has none (or the table predates them). */
  private static Detail detailOf(Row r) {
    if (r.schema() == null || r.schema().getFieldIndex("stage").isEmpty()
        || r.getAs("stage") == null) {
      return null;
    }
    Integer tokens = r.getAs("tokens");
    return new Detail(r.getAs("shape"), tokens == null ? 0 : tokens, r.getAs("stage"),
        r.getAs("mode"), nanIfNull(r.getAs("flops_per_s")),
        nanIfNull(r.getAs("roofline_flops_per_s")), r.getAs("limit"));
  }

  private static Double orNull(double v) {
    return Double.isNaN(v) ? null : v;
  }

  private static double nanIfNull(Double v) {
    return v == null ? Double.NaN : v;
  }
}

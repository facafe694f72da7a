package io.ablate.profile;

import io.ablate.AblateException;
import io.ablate.activation.Variant;
import io.ablate.dataset.ActivationDataset;
import io.ablate.dataset.PlanInputs;
import io.ablate.dataset.VectorReader;
import io.ablate.sketch.QuantileSketch;
import io.ablate.sketch.Seeds;
import io.ablate.spark.ActivationFunctions;
import io.ablate.spark.PlanFunctions;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntPredicate;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.util.LongAccumulator;
import scala.Tuple2;

/**
 * The profile pass as Spark SQL plans that the RAPIDS Accelerator runs on the GPU: a second form
 * of {@link ProfilePass}. Two plans over Ablate's SQL functions (each a {@code RapidsUDF}):
 * <pre>
 *   statistics:  per vector, ablate_value_group(x) and ablate_value_group(act(variant_i, x))
 *   histogram:   explode(concat(ablate_value_buckets(x, 0),
 *                               ablate_value_buckets(act(variant_i, x), (i+1)·CODES)))
 *                counted per (model, checkpoint, layer, site, code)
 * </pre>
 * so that the raw values never leave the GPU: only one small row per vector and the histogram's
 * counts do. The groups are merged per key on the CPU, exactly ({@link ValueStats#add}); the
 * histogram is the pass's bf16 histogram (exact counts).
 *
 * <p><b>What is exact.</b> Counts, zeros, extremes and the histogram (so the outlier count) are
 * the pass's, bit for bit, on either form. The moments: evaluated by the functions' CPU forms the
 * groups carry the pass's own lane sums, so they are the pass's bits; on the GPU each vector's
 * power sums are float64 segmented sums, merged exactly: the same whatever the partitioning,
 * within about n·2<sup>−53</sup> of the pass's sums, relative, for vectors of n values. The
 * sketch is built on the driver from the exact histogram ({@link QuantileSketch#ofCounts}): each
 * value stands at its bucket's middle (zeros as zeros), so a quantile is within the sketch's rank
 * error of the true one's bucket, at most 2<sup>−8</sup> of its value away besides; it depends on
 * the histogram and the key only (not on the files' layout), and is the same on both forms.
 */
public final class ProfilePlan implements Serializable {
  private static final long serialVersionUID = 1L;
  /** The per-vector reduction's SQL function. */
  public static final String VALUE_GROUP = "ablate_value_group";
  /** The histogram codes' SQL function. */
  public static final String VALUE_BUCKETS = "ablate_value_buckets";

  private final List<String> variants;
  private final List<Boolean> gated;
  private final int k;

  public ProfilePlan(List<Variant> variants, int k) {
    List<Variant> distinct = variants.stream().distinct().toList();
    this.variants = distinct.stream().map(Variant::name).toList();
    this.gated = distinct.stream().map(Variant::gated).toList();
    this.k = k;
    QuantileSketch.checkK(k);
    if ((long) (variants.size() + 1) * BucketsUdf.CODES > Integer.MAX_VALUE) {
      throw AblateException.badInput("too many variants to profile at once: %d",
          variants.size());
    }
  }

  /**
   * Registers {@value #VALUE_GROUP}{@code (x)} and {@value #VALUE_BUCKETS}{@code (x, offset)},
   * and the activation functions the plans call unless the session has them.
   */
  public static void register(SparkSession spark) {
    ActivationFunctions.ensureRegistered(spark);
    PlanFunctions.registerOnce(spark, VALUE_GROUP, args -> {
      if (args.size() != 1) {
        throw AblateException.badInput("%s: expected (x)", VALUE_GROUP);
      }
      return PlanFunctions.udf(new ValueGroupUdf(), ValueGroupUdf.SCHEMA, args, VALUE_GROUP);
    });
    PlanFunctions.registerOnce(spark, VALUE_BUCKETS, args -> {
      if (args.size() != 2 || !args.get(1).foldable()
          || !(args.get(1).dataType() instanceof IntegerType)) {
        throw AblateException.badInput("%s: expected (x, offset)", VALUE_BUCKETS);
      }
      int offset = (Integer) args.get(1).eval(null);
      return PlanFunctions.udf(new BucketsUdf(offset),
          DataTypes.createArrayType(DataTypes.IntegerType, true), args.subList(0, 1),
          VALUE_BUCKETS + "(" + offset + ")");
    });
  }

  /**
   * The statistics plan: one row per vector with {@code model, checkpoint, layer, site, len}, the
   * raw values' group {@code s} and a group {@code g0 ... g(k-1)} per variant (null where the
   * variant does not apply to the site). Variants without a GPU form are computed in a branch of
   * their own, with {@code len} and {@code s} null.
   */
  public Dataset<Row> statistics(ActivationDataset dataset) {
    return branches(dataset, this::statisticsOf);
  }

  /**
   * The histogram plan: rows of {@code model, checkpoint, layer, site, code, count}; code c counts
   * the raw values' code c (c &lt; CODES) or variant i's code c − (i+1)·CODES.
   */
  public Dataset<Row> histogram(ActivationDataset dataset) {
    return branches(dataset, this::codesOf).where("code IS NOT NULL")
        .groupBy("model", "checkpoint", "layer", "site", "code").count();
  }

  /** One branch of a plan: the rows of one kind of site, for the variants of one branch. */
  private interface Branch {
    /** Null when the branch has nothing to compute. */
    Dataset<Row> of(Dataset<Row> vectors, boolean gatedSite, boolean gpu);
  }

  /** The union of a plan's branches: both kinds of site, the GPU branch then the other. */
  private Dataset<Row> branches(ActivationDataset dataset, Branch branch) {
    register(dataset.rows().sparkSession());
    Dataset<Row> vectors = PlanInputs.vectors(dataset);
    Dataset<Row> plan = null;
    for (boolean gpu : gpuFirst()) {
      for (boolean gatedSite : new boolean[] {false, true}) {
        Dataset<Row> one = branch.of(PlanInputs.sites(vectors, gatedSite), gatedSite, gpu);
        if (one != null) {
          plan = plan == null ? one : plan.unionAll(one);
        }
      }
    }
    return plan;
  }

  /** The GPU branch, then the branch of variants without a GPU form when there are any. */
  private boolean[] gpuFirst() {
    boolean cpuOnly = variants.stream().anyMatch(v -> !PlanInputs.hasGpuForm(v));
    return cpuOnly ? new boolean[] {true, false} : new boolean[] {true};
  }

  /** The variants (by index) of one kind of site in the GPU branch ({@code gpu}) or the other. */
  private IntPredicate mine(boolean gatedSite, boolean gpu) {
    return i -> gated.get(i) == gatedSite && PlanInputs.hasGpuForm(variants.get(i)) == gpu;
  }

  private Dataset<Row> statisticsOf(Dataset<Row> vectors, boolean gatedSite, boolean gpu) {
    IntPredicate mine = mine(gatedSite, gpu);
    List<String> cols = new ArrayList<>(PlanInputs.KEYS);
    cols.add(gpu ? "size(x) AS len" : "CAST(NULL AS INT) AS len");
    String groupType = ValueGroupUdf.SCHEMA.sql();
    cols.add(gpu ? VALUE_GROUP + "(x) AS s" : "CAST(NULL AS " + groupType + ") AS s");
    boolean any = gpu;
    for (int i = 0; i < variants.size(); i++) {
      if (mine.test(i)) {
        cols.add(String.format("%s(act('%s', x)) AS g%d", VALUE_GROUP, variants.get(i), i));
        any = true;
      } else {
        cols.add(String.format("CAST(NULL AS %s) AS g%d", groupType, i));
      }
    }
    return any ? vectors.selectExpr(cols.toArray(new String[0])) : null;
  }

  private Dataset<Row> codesOf(Dataset<Row> vectors, boolean gatedSite, boolean gpu) {
    IntPredicate mine = mine(gatedSite, gpu);
    List<String> arrays = new ArrayList<>();
    if (gpu) {
      arrays.add(VALUE_BUCKETS + "(x, 0)");
    }
    for (int i = 0; i < variants.size(); i++) {
      if (mine.test(i)) {
        arrays.add(String.format("%s(act('%s', x), %d)", VALUE_BUCKETS, variants.get(i),
            (i + 1) * BucketsUdf.CODES));
      }
    }
    if (arrays.isEmpty()) {
      return null;
    }
    List<String> cols = new ArrayList<>(PlanInputs.KEYS);
    cols.add("explode(" + (arrays.size() == 1 ? arrays.get(0)
        : "concat(" + String.join(", ", arrays) + ")") + ") AS code");
    return vectors.selectExpr(cols.toArray(new String[0]));
  }

  /** Runs both plans and merges their rows; profiles as {@link ProfilePass#run} orders them. */
  public List<Profile> run(ActivationDataset dataset) {
    Map<ProfileKey, ValueStats> stats = statistics(dataset, statistics(dataset));
    if (stats.isEmpty()) {
      throw AblateException.badInput("the input has no vectors (%d files read)",
          dataset.files().size());
    }
    Map<ProfileKey, long[]> histograms = new TreeMap<>();
    for (Row r : histogram(dataset).collectAsList()) {
      VectorReader.Key key = new VectorReader.Key(r.getString(0), r.getString(1), r.getInt(2),
          r.getString(3));
      int code = r.getInt(4);
      int series = code / BucketsUdf.CODES;
      ProfileKey pk = ProfileKey.of(key, series == 0 ? "" : variants.get(series - 1));
      histograms.computeIfAbsent(pk, x -> new long[BucketsUdf.CODES])[code % BucketsUdf.CODES] +=
          r.getLong(5);
    }
    List<Profile> out = new ArrayList<>();
    for (Map.Entry<ProfileKey, ValueStats> e : stats.entrySet()) {
      long[] counts = histograms.getOrDefault(e.getKey(), new long[BucketsUdf.CODES]);
      ValueStats full = ValueStats.empty().merge(e.getValue());
      for (int c = 0; c < counts.length; c++) {
        if (counts[c] != 0) {
          full.addToBucket(BucketsUdf.bucketOf(c), counts[c]);
        }
      }
      out.add(Profile.of(e.getKey(), full, sketch(e.getKey(), full, counts), k));
    }
    return out;
  }

  /** The key's sketch from its histogram: each code's count at its representative value. */
  private QuantileSketch sketch(ProfileKey key, ValueStats stats, long[] counts) {
    if (stats.n() == 0) {
      return QuantileSketch.empty(k);
    }
    float lo = (float) stats.min();
    float hi = (float) stats.max();
    int used = 0;
    for (long c : counts) {
      used += c != 0 ? 1 : 0;
    }
    float[] items = new float[used];
    long[] weights = new long[used];
    int i = 0;
    for (int c = 0; c < counts.length; c++) {
      if (counts[c] != 0) {
        items[i] = Math.min(hi, Math.max(lo, BucketsUdf.representative(c)));
        weights[i++] = counts[c];
      }
    }
    return QuantileSketch.ofCounts(k, items, weights, lo, hi, Seeds.hash(key.text()));
  }

  /** The statistics plan's rows merged per key (groups without histograms). */
  private Map<ProfileKey, ValueStats> statistics(ActivationDataset dataset, Dataset<Row> plan) {
    JavaRDD<Row> rows = plan.toJavaRDD();
    LongAccumulator values = rows.context().longAccumulator(VectorReader.VALUES_ACCUMULATOR);
    List<String> names = variants;
    List<Tuple2<ProfileKey, ValueStats>> merged = rows
        .mapPartitions((Iterator<Row> it) -> partition(it, names, values).iterator())
        .mapToPair(t -> t)
        .reduceByKey(ValueStats::merge)
        .collect();
    Map<ProfileKey, ValueStats> out = new TreeMap<>();
    merged.forEach(t -> out.put(t._1(), t._2()));
    return out;
  }

  /** One partition's rows as accumulators per (key, raw or variant). */
  private static List<Tuple2<ProfileKey, ValueStats>> partition(Iterator<Row> it,
      List<String> names, LongAccumulator values) {
    Map<ProfileKey, ValueStats> stats = new HashMap<>();
    while (it.hasNext()) {
      Row r = it.next();
      VectorReader.Key key = new VectorReader.Key(r.getString(0), r.getString(1), r.getInt(2),
          r.getString(3));
      if (!r.isNullAt(4)) { // the GPU branch's rows: one per vector
        values.add(r.getInt(4));
      }
      for (int s = 0; s <= names.size(); s++) {
        if (!r.isNullAt(5 + s)) {
          ProfileKey pk = ProfileKey.of(key, s == 0 ? "" : names.get(s - 1));
          stats.computeIfAbsent(pk, x -> ValueStats.withoutHistogram())
              .add(ValueGroupUdf.fromRow(r.getStruct(5 + s)));
        }
      }
    }
    List<Tuple2<ProfileKey, ValueStats>> out = new ArrayList<>();
    stats.forEach((key, s) -> out.add(new Tuple2<>(key, s)));
    return out;
  }

  @Override
  public String toString() {
    return "ProfilePlan(" + String.join(";", variants) + ")";
  }
}

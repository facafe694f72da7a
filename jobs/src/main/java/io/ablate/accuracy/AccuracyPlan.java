package io.ablate.accuracy;

import io.ablate.AblateException;
import io.ablate.activation.Variant;
import io.ablate.dataset.ActivationDataset;
import io.ablate.dataset.PlanInputs;
import io.ablate.dataset.VectorReader;
import io.ablate.spark.ActivationFunctions;
import io.ablate.spark.PlanFunctions;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import scala.Tuple2;

/**
 * The accuracy pass as a Spark SQL plan that the RAPIDS Accelerator runs on the GPU: a second form
 * of {@link AccuracyPass}, with the same results. Per vector, as column expressions over Ablate's
 * SQL functions (each a {@code RapidsUDF}):
 * <pre>
 *   x   = values, or ablate_vector(data, dtype)                 the vector as array&lt;float&gt;
 *   r   = ablate_reference(reference, x)                         float64 reference, array&lt;double&gt;
 *   g_i = ablate_error_group(x, act(variant_i, x), r, gated)     the variant's per-vector group
 * </pre>
 * so the raw values never leave the GPU: only one row per vector does (its key, its length and a
 * small struct per variant). Those rows are merged per (model, checkpoint, layer, site, variant) on
 * the CPU, exactly ({@link ErrorStats#add}), in whatever order they come.
 *
 * <p><b>Determinism.</b> Evaluated by the functions' CPU forms the groups are the pass's own
 * ({@link ErrorStats#group}: the same kernels, reference and lane sums), so the metrics are the
 * pass's bits. On the GPU, counts and maxima are the same; each vector's sums are float64
 * segmented sums (no compensation), merged exactly: the same whatever the partitioning, within
 * about n·2<sup>−53</sup> of the pass's sums, relative, for vectors of n values.
 */
public final class AccuracyPlan implements Serializable {
  private static final long serialVersionUID = 1L;
  /** The per-vector reduction's SQL function. */
  public static final String ERROR_GROUP = "ablate_error_group";

  private final AccuracyPass pass;
  private final List<String> variants;
  private final List<Boolean> gated;
  private final String reference;
  private final String gatedReference;

  public AccuracyPlan(List<Variant> variants, Variant reference, Variant gatedReference) {
    this.pass = new AccuracyPass(variants, reference, gatedReference);
    List<Variant> distinct = variants.stream().distinct().toList();
    this.variants = distinct.stream().map(Variant::name).toList();
    this.gated = distinct.stream().map(Variant::gated).toList();
    this.reference = reference.name();
    this.gatedReference = gatedReference.name();
  }

  /**
   * Registers {@value #ERROR_GROUP}{@code (x, y, r, gated)} in {@code spark}, and the activation
   * functions the plan calls unless the session has them.
   */
  public static void register(SparkSession spark) {
    ActivationFunctions.ensureRegistered(spark);
    PlanFunctions.registerOnce(spark, ERROR_GROUP, args -> {
      if (args.size() != 4 || !args.get(3).foldable()) {
        throw AblateException.badInput("%s: expected (x, y, r, gated)", ERROR_GROUP);
      }
      boolean isGated = Boolean.TRUE.equals(args.get(3).eval(null));
      return PlanFunctions.udf(new ErrorGroupUdf(isGated), ErrorGroupUdf.SCHEMA,
          args.subList(0, 3), ERROR_GROUP);
    });
  }

  /**
   * The plan: one row per vector with {@code model, checkpoint, layer, site, len} and a group
   * struct {@code g0 ... g(k-1)} per variant (null where the variant does not apply to the site).
   * Variants without a GPU form (dynamically calibrated int8) are computed in a second branch of
   * their own, with {@code len} null, so that the plugin keeps the first branch on the GPU: one
   * operator that cannot run there would take the whole projection, every variant, with it.
   */
  public Dataset<Row> plan(ActivationDataset dataset) {
    register(dataset.rows().sparkSession());
    Dataset<Row> vectors = PlanInputs.vectors(dataset);
    Dataset<Row> plan = branch(vectors, true, true);
    if (!cpuOnly().isEmpty()) {
      plan = plan.unionAll(branch(vectors, false, false));
    }
    return plan;
  }

  /** The variants (by index) without a GPU form. */
  private List<Integer> cpuOnly() {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < variants.size(); i++) {
      if (!PlanInputs.hasGpuForm(variants.get(i))) {
        out.add(i);
      }
    }
    return out;
  }

  /** Both kinds of site, for the variants with ({@code gpu}) or without a GPU form. */
  private Dataset<Row> branch(Dataset<Row> vectors, boolean gpu, boolean lengths) {
    List<Integer> cpu = cpuOnly();
    java.util.function.IntPredicate mine = i -> cpu.contains(i) != gpu;
    return perSite(PlanInputs.sites(vectors, false), false, mine, lengths)
        .unionAll(perSite(PlanInputs.sites(vectors, true), true, mine, lengths));
  }

  /**
   * The group columns of one kind of site over its vectors, for the variants {@code mine} takes;
   * {@code len} null unless {@code lengths}.
   */
  private Dataset<Row> perSite(Dataset<Row> vectors, boolean gatedSite,
      java.util.function.IntPredicate mine, boolean lengths) {
    String ref = gatedSite ? gatedReference : reference;
    List<String> cols = new ArrayList<>(List.of("model", "checkpoint", "layer", "site",
        lengths ? "size(x) AS len" : "CAST(NULL AS INT) AS len"));
    boolean any = false;
    for (int i = 0; i < variants.size(); i++) {
      if (gated.get(i) == gatedSite && mine.test(i)) {
        cols.add(String.format("%s(x, act('%s', x), r, %b) AS g%d", ERROR_GROUP, variants.get(i),
            gatedSite, i));
        any = true;
      } else {
        cols.add(String.format("CAST(NULL AS %s) AS g%d", ErrorGroupUdf.SCHEMA.sql(), i));
      }
    }
    Dataset<Row> withRef = vectors.selectExpr("model", "checkpoint", "layer", "site", "x",
        any ? PlanFunctions.REFERENCE + "('" + ref + "', x) AS r" : "CAST(NULL AS ARRAY<DOUBLE>) AS r");
    return withRef.selectExpr(cols.toArray(new String[0]));
  }

  /**
   * Runs the plan and merges its rows per key; results as {@link AccuracyPass#run} gives them,
   * with {@code impl} naming the form that ran.
   */
  public List<AccuracyPass.Result> run(ActivationDataset dataset, String impl) {
    JavaRDD<Row> rows = plan(dataset).toJavaRDD();
    LongAccumulator values = rows.context().longAccumulator(VectorReader.VALUES_ACCUMULATOR);
    int count = variants.size();
    List<String> names = variants;
    List<Tuple2<String, Object>> merged = rows
        .mapPartitions((Iterator<Row> it) -> partition(it, names, count, values).iterator())
        .mapToPair(t -> t)
        .reduceByKey(AccuracyPass::mergeValues)
        .collect();
    return pass.results(merged, dataset.files().size(), impl);
  }

  /** One partition's rows as accumulators per (key, variant) and length counts per key. */
  private static List<Tuple2<String, Object>> partition(Iterator<Row> it, List<String> names,
      int count, LongAccumulator values) {
    Map<VectorReader.Key, ErrorStats[]> stats = new HashMap<>();
    Map<VectorReader.Key, Map<Integer, Long>> lengths = new HashMap<>();
    while (it.hasNext()) {
      Row r = it.next();
      VectorReader.Key key = new VectorReader.Key(r.getString(0), r.getString(1), r.getInt(2),
          r.getString(3));
      if (!r.isNullAt(4)) { // the first branch's rows: one per vector
        int len = r.getInt(4);
        values.add(len);
        lengths.computeIfAbsent(key, k -> new TreeMap<>()).merge(len, 1L, Long::sum);
      }
      ErrorStats[] keyStats = stats.computeIfAbsent(key, k -> new ErrorStats[count]);
      for (int v = 0; v < count; v++) {
        if (!r.isNullAt(5 + v)) {
          if (keyStats[v] == null) {
            keyStats[v] = ErrorStats.empty();
          }
          keyStats[v].add(ErrorGroupUdf.fromRow(r.getStruct(5 + v)));
        }
      }
    }
    List<Tuple2<String, Object>> out = new ArrayList<>();
    stats.forEach((key, byVariant) -> {
      for (int v = 0; v < count; v++) {
        if (byVariant[v] != null) {
          out.add(new Tuple2<>(new AccuracyPass.Slot(key, names.get(v)).text(), byVariant[v]));
        }
      }
    });
    lengths.forEach((key, l) -> out.add(new Tuple2<>(new AccuracyPass.Slot(key, null).text(), l)));
    return out;
  }

  @Override
  public String toString() {
    return "AccuracyPlan(" + variants.stream().collect(Collectors.joining(";")) + ")";
  }
}

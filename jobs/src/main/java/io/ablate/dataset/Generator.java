package io.ablate.dataset;

import io.ablate.encoding.Dtype;
import io.ablate.AblateException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Synthetic activation datasets that look like LLM FFN inputs, generated on the executors (no driver
 * bottleneck) and deterministic by seed whatever the partitioning: every row draws from its own
 * random stream, seeded from (seed, model, layer, site, row).
 *
 * <p>Per (model, layer): a Gaussian bulk N(shift·σ, (scale·σ_l)²) with σ_l = 0.5 + 0.1·layer; 5% of
 * values from a Student-t with ν = 4 (heavy tails); and six fixed outlier channels per model whose
 * values are 20–100× the bulk magnitude in a fraction {@code outlierRate} of rows (LLM.int8()
 * reports magnitudes ≥ 6 concentrated in about six hidden dimensions). {@code shift}, {@code scale}
 * and {@code outlierRate} simulate a later checkpoint; {@code driftLayers} limits them to some layers.
 * The gated site {@code ffn.gate_up} holds [gate | up]: the gate as above, the up half a plain
 * Gaussian bulk.
 */
public final class Generator implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Options of {@code ablate generate}; defaults are the documented ones. */
  public record Spec(long rows, int dim, int layers, String model, String checkpoint, long seed,
      boolean binary, Dtype dtype, double shift, double scale, double outlierRate,
      List<Integer> driftLayers, List<String> sites, int partitions) implements Serializable {

    public Spec {
      if (rows < 1 || dim < 1 || layers < 1) {
        throw AblateException.badInput("generate: rows, dim and layers must be positive (got %d, %d, %d)",
            rows, dim, layers);
      }
      if (!(scale > 0) || !Double.isFinite(shift) || !(outlierRate >= 0 && outlierRate <= 1)) {
        throw AblateException.badInput("generate: need scale > 0, a finite shift and 0 <= "
            + "outlier-rate <= 1 (got scale %s, shift %s, outlier-rate %s)", scale, shift, outlierRate);
      }
      for (String s : sites) {
        if (!s.equals(ActivationDataset.DEFAULT_SITE) && !s.equals(ActivationDataset.GATED_SITE)) {
          throw AblateException.badInput("generate: unknown site '%s'; valid: %s, %s", s,
              ActivationDataset.DEFAULT_SITE, ActivationDataset.GATED_SITE);
        }
      }
      if (!binary && dtype != Dtype.F32) {
        throw AblateException.badInput("generate: --dtype %s needs --encoding binary (array<float> "
            + "holds float32)", dtype.label());
      }
      driftLayers = List.copyOf(driftLayers);
      sites = List.copyOf(sites);
    }
  }

  /** Number of outlier channels per model. */
  static final int OUTLIER_CHANNELS = 6;

  private final Spec spec;

  public Generator(Spec spec) {
    this.spec = spec;
  }

  public StructType schema() {
    StructType s = new StructType()
        .add("model", DataTypes.StringType, false)
        .add("checkpoint", DataTypes.StringType, false)
        .add("layer", DataTypes.IntegerType, false)
        .add("site", DataTypes.StringType, false)
        .add("sample_id", DataTypes.StringType, false)
        .add("token", DataTypes.IntegerType, false);
    return spec.binary()
        ? s.add("data", DataTypes.BinaryType, false).add("dtype", DataTypes.StringType, false)
        : s.add("values", DataTypes.createArrayType(DataTypes.FloatType, false), false);
  }

  /**
   * The dataset: rows × layers × sites rows, spread over {@code partitions} partitions (0: the
   * session's default parallelism).
   */
  public Dataset<Row> generate(SparkSession spark) {
    long total = spec.rows() * spec.layers() * spec.sites().size();
    Generator self = this;
    int partitions = spec.partitions() > 0 ? spec.partitions()
        : spark.sparkContext().defaultParallelism();
    return spark.range(0, total, 1, partitions)
        .mapPartitions((MapPartitionsFunction<Long, Row>) ids -> {
          List<Row> out = new ArrayList<>();
          while (ids.hasNext()) {
            out.add(self.row(ids.next()));
          }
          Iterator<Row> it = out.iterator();
          return it;
        }, Encoders.row(schema()));
  }

  /** Row {@code id}: its (site, layer, sample) from the id alone, its values from its own stream. */
  Row row(long id) {
    long perLayer = spec.rows();
    int site = (int) (id / (perLayer * spec.layers()));
    int layer = (int) (id / perLayer % spec.layers());
    long sample = id % perLayer;
    String siteName = spec.sites().get(site);
    boolean gated = siteName.equals(ActivationDataset.GATED_SITE);
    float[] v = vector(layer, siteName, sample, gated);
    Object[] cells = {spec.model(), spec.checkpoint(), layer, siteName,
        "s" + (sample / 64), (int) (sample % 64), null, null};
    if (spec.binary()) {
      cells[6] = spec.dtype().encode(v, 0, v.length);
      cells[7] = spec.dtype().label();
      return RowFactory.create(cells);
    }
    Float[] boxed = new Float[v.length]; // Spark's external Row type for array<float>
    for (int i = 0; i < v.length; i++) {
      boxed[i] = v[i];
    }
    cells[6] = boxed;
    return RowFactory.create(java.util.Arrays.copyOf(cells, 7));
  }

  /** The vector of row {@code sample} of (layer, site): what {@link #generate} writes there. */
  public float[] vector(int layer, String site, long sample, boolean gated) {
    SplittableRandom rnd = new SplittableRandom(mix(spec.seed(), spec.model().hashCode(), layer,
        site.hashCode(), sample));
    boolean drifted = spec.driftLayers().isEmpty() || spec.driftLayers().contains(layer);
    double sigma = (0.5 + 0.1 * layer) * (drifted ? spec.scale() : 1);
    double mean = drifted ? spec.shift() * sigma : 0;
    double rate = drifted ? spec.outlierRate() : BASE_OUTLIER_RATE;
    int dim = spec.dim();
    float[] v = new float[gated ? 2 * dim : dim];
    for (int i = 0; i < dim; i++) {
      v[i] = (float) (mean + sigma * bulk(rnd));
    }
    if (rnd.nextDouble() < rate) {
      SplittableRandom channels = new SplittableRandom(mix(spec.seed(), spec.model().hashCode(), -1,
          0, 0));
      for (int c = 0; c < OUTLIER_CHANNELS; c++) {
        int channel = channels.nextInt(dim);
        double magnitude = 20 + 80 * channels.nextDouble();
        v[channel] = (float) (mean + sigma * magnitude * (rnd.nextBoolean() ? 1 : -1)
            * (0.75 + 0.5 * rnd.nextDouble()));
      }
    }
    for (int i = dim; i < v.length; i++) {
      v[i] = (float) (sigma * gaussian(rnd));
    }
    return v;
  }

  /** The default outlier rate, and the rate of layers outside {@code driftLayers}. */
  static final double BASE_OUTLIER_RATE = 0.25;

  /** N(0, 1), with 5% of draws Student-t (ν = 4) scaled to unit variance. */
  private static double bulk(SplittableRandom rnd) {
    double z = gaussian(rnd);
    if (rnd.nextDouble() < 0.05) {
      double chi2 = 0;
      for (int k = 0; k < 4; k++) {
        double g = gaussian(rnd);
        chi2 += g * g;
      }
      return z / Math.sqrt(chi2 / 4) / Math.sqrt(2); // t(4) has variance 2
    }
    return z;
  }

  private static double gaussian(SplittableRandom rnd) {
    double u1 = rnd.nextDouble();
    double u2 = rnd.nextDouble();
    return Math.sqrt(-2 * Math.log1p(-u1)) * Math.cos(2 * Math.PI * u2);
  }

  private static long mix(long seed, long a, long b, long c, long d) {
    long h = seed;
    for (long x : new long[] {a, b, c, d}) {
      h = (h ^ x) * 0x9E3779B97F4A7C15L;
      h ^= h >>> 31;
    }
    return h;
  }
}

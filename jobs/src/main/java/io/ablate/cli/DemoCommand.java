package io.ablate.cli;

import io.ablate.activation.Catalogue;
import io.ablate.activation.Variant;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code ablate demo}: the catalogue on a sample. Makes a small, seeded sample of FFN activation
 * inputs (Gaussian bulk with heavy tails, a layer-dependent scale and a few outlier channels), then
 * applies a representative variant list through the SQL functions and prints each variant's error
 * against exact GELU in float64, per layer. (The full ablation job, with its metrics repository,
 * replaces this with {@code ablate ablate} on the committed dataset.)
 */
final class DemoCommand implements Command {
  private static final String VARIANTS =
      "gelu_tanh;gelu_sigmoid;silu;relu;gelu@bf16;gelu@fp8_e4m3;gelu@int8;gelu@int8(calib=p99)";

  @Override
  public String name() {
    return "demo";
  }

  @Override
  public String summary() {
    return "the activation catalogue on a seeded sample: error of each variant against exact GELU";
  }

  @Override
  public String usage() {
    return "  --variants LIST   (default " + VARIANTS + ")\n"
        + "  --rows N          vectors per layer (default 128)\n"
        + "  --dim D           vector length (default 512)\n"
        + "  --layers L        (default 4)\n"
        + "  --seed S          (default 42)\n";
  }

  @Override
  public int run(Options options, PrintStream out) {
    List<Variant> variants = Catalogue.variants(options.get("variants", VARIANTS));
    int rows = (int) options.getLong("rows", 128, 1, 1_000_000);
    int dim = (int) options.getLong("dim", 512, 2, 1 << 20);
    int layers = (int) options.getLong("layers", 4, 1, 1000);
    long seed = options.getLong("seed", 42, Long.MIN_VALUE, Long.MAX_VALUE);
    SparkSession spark = Sessions.create(name(), options);
    options.requireAllUsed(name());
    try {
      out.printf("Sample: %d layers x %d vectors x %d values (seed %d), %s%n", layers, rows, dim,
          seed, spark.sparkContext().master());
      spark.createDataFrame(sample(layers, rows, dim, seed), new StructType()
              .add("layer", DataTypes.IntegerType)
              .add("values", DataTypes.createArrayType(DataTypes.FloatType, false)))
          .createOrReplaceTempView("ablate_sample_input");
      // The reference once, cached: exact GELU in float64 is the slow part of this demo.
      spark.sql("SELECT layer, values, act('gelu@fp64', values) AS r FROM ablate_sample_input")
          .cache().createOrReplaceTempView("ablate_sample");
      TextTable t = new TextTable("variant", "layer", "max_abs_err", "rmse",
          "max_rel_err (|ref|>1e-3)");
      for (Variant v : variants) {
        List<Row> result = spark.sql(String.format(Locale.ROOT,
            "SELECT layer, max(abs(e.y - e.r)), sqrt(avg((e.y - e.r) * (e.y - e.r))), "
                + "max(CASE WHEN abs(e.r) > 1e-3 THEN abs(e.y - e.r) / abs(e.r) END), count(*) "
                + "FROM (SELECT layer, explode(arrays_zip(y, r)) AS e FROM (SELECT layer, "
                + "act('%s', values) AS y, r FROM ablate_sample)) "
                + "GROUP BY layer ORDER BY layer", v.name())).collectAsList();
        for (Row r : result) {
          t.row(v.name(), r.getInt(0), fmt(r.getFloat(1)), fmt(r.getDouble(2)),
              r.isNullAt(3) ? "-" : fmt(r.getDouble(3)));
        }
      }
      out.print(t.render());
      out.println("Reference: act('gelu@fp64', x), exact GELU evaluated in float64 and rounded to "
          + "float32. Speed: 'ablate bench'.");
      return 0;
    } finally {
      spark.stop();
    }
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.3e", v);
  }

  /**
   * Seeded FFN-input-like vectors: N(0, σ_l) bulk with Student-t (ν = 4) tails on 5% of values, σ
   * growing with depth, and channels 7, 42, 300 as outliers 30-60x the bulk (as LLM.int8() reports).
   */
  static List<Row> sample(int layers, int rows, int dim, long seed) {
    List<Row> out = new ArrayList<>(layers * rows);
    for (int layer = 0; layer < layers; layer++) {
      Random rnd = new Random(seed * 1_000_003L + layer);
      double sigma = 0.5 + 0.25 * layer;
      for (int r = 0; r < rows; r++) {
        float[] v = new float[dim];
        for (int i = 0; i < dim; i++) {
          double z = rnd.nextGaussian();
          if (rnd.nextDouble() < 0.05) {
            double chi = 0;
            for (int k = 0; k < 4; k++) {
              double g = rnd.nextGaussian();
              chi += g * g;
            }
            z = z / Math.sqrt(chi / 4);
          }
          boolean outlier = i == 7 || i == 42 || i == 300;
          v[i] = (float) (sigma * z * (outlier ? 30 + 30 * rnd.nextDouble() : 1));
        }
        Float[] boxed = new Float[dim];
        for (int i = 0; i < dim; i++) {
          boxed[i] = v[i];
        }
        out.add(RowFactory.create(layer, boxed));
      }
    }
    return out;
  }
}

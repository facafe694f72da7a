package io.ablate.profile;

import io.ablate.AblateException;
import io.ablate.sketch.QuantileSketch;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * One row of the {@code profiles} table: the distribution of the finite values of one (model,
 * checkpoint, layer, site, variant) — variant null for the raw inputs. {@code n} counts finite
 * values (NaN and ±Inf are counted apart and left out of everything else); {@code m2, m3, m4} are
 * the central moment sums Σ(x−mean)^k, so variance = m2/n, skewness = √n·m3/m2^1.5 and kurtosis =
 * n·m4/m2² (3 for a Gaussian); {@code outliers} counts |x − mean| &gt; 6σ; {@code sketch} is a
 * {@link QuantileSketch} (its serialised form) of parameter {@code sketchK}.
 */
public record Profile(String model, String checkpoint, int layer, String site, String variant,
    long n, double mean, double m2, double m3, double m4, double min, double max, long zeros,
    long nans, long infs, long outliers, byte[] sketch, int sketchK) {

  /** From the exact statistics and the merged sketch of one key. */
  public static Profile of(ProfileKey key, ValueStats stats, QuantileSketch sketch, int k) {
    double[] m = stats.moments();
    return new Profile(key.model(), key.checkpoint(), key.layer(), key.site(), key.variantOrNull(),
        stats.n(), m[0], m[1], m[2], m[3], stats.min(), stats.max(), stats.zeros(), stats.nans(),
        stats.infs(), stats.outliers(), sketch.toBytes(), k);
  }

  public Row toRow() {
    return RowFactory.create(model, checkpoint, layer, site, variant, n, mean, m2, m3, m4, min, max,
        zeros, nans, infs, outliers, sketch, sketchK);
  }

  /** From a row of the table (by column name; other columns ignored). */
  public static Profile fromRow(Row r) {
    return new Profile(r.getAs("model"), r.getAs("checkpoint"), r.<Integer>getAs("layer"),
        r.getAs("site"), r.getAs("variant"), r.<Long>getAs("n"), r.<Double>getAs("mean"),
        r.<Double>getAs("m2"), r.<Double>getAs("m3"), r.<Double>getAs("m4"),
        r.<Double>getAs("min"), r.<Double>getAs("max"), r.<Long>getAs("zeros"),
        r.<Long>getAs("nans"), r.<Long>getAs("infs"), r.<Long>getAs("outliers"),
        r.getAs("sketch"), r.<Integer>getAs("sketch_k"));
  }

  public double variance() {
    return n == 0 ? Double.NaN : m2 / n;
  }

  public double std() {
    return Math.sqrt(variance());
  }

  public double skewness() {
    return Math.sqrt(n) * m3 / Math.pow(m2, 1.5);
  }

  public double kurtosis() {
    return n * m4 / (m2 * m2);
  }

  /** Fraction of finite values that are exactly 0. */
  public double sparsity() {
    return n == 0 ? Double.NaN : (double) zeros / n;
  }

  public double outlierRate() {
    return n == 0 ? Double.NaN : (double) outliers / n;
  }

  /** The sketch, read back; bad input names this profile. */
  public QuantileSketch quantiles() {
    if (sketch == null) {
      throw AblateException.badInput("profile %s has no sketch", describe());
    }
    return QuantileSketch.fromBytes(sketch, "sketch of profile " + describe());
  }

  /** "model m, checkpoint c, layer 3, site ffn.pre[, variant v]" for messages. */
  public String describe() {
    return "model " + model + ", checkpoint " + checkpoint + ", layer " + layer + ", site " + site
        + (variant == null ? "" : ", variant " + variant);
  }
}

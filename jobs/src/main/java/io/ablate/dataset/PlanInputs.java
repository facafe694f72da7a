package io.ablate.dataset;

import io.ablate.AblateException;
import io.ablate.activation.Catalogue;
import io.ablate.encoding.Dtype;
import io.ablate.spark.PlanFunctions;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * What the passes' SQL plans start from: an activation dataset as rows of {@code model,
 * checkpoint, layer, site} and its vector {@code x} as {@code array<float>}, whatever the encoding
 * (binary vectors through {@code ablate_vector}, which the RAPIDS Accelerator runs on the GPU).
 */
public final class PlanInputs {
  private PlanInputs() {}

  /** The key columns, in the order the plans' rows carry them. */
  public static final List<String> KEYS = List.of("model", "checkpoint", "layer", "site");

  /** The key columns and the vector {@code x}; rows whose vector is null are left out. */
  public static Dataset<Row> vectors(ActivationDataset dataset) {
    Dataset<Row> rows = dataset.rows();
    if (dataset.encoding() == ActivationDataset.Encoding.ARRAY) {
      return rows.selectExpr("model", "checkpoint", "layer", "site", "values AS x")
          .where("x IS NOT NULL");
    }
    // A binary dtype is a literal of the decoding function: one branch per dtype present.
    List<String> dtypes = rows.select("dtype").distinct().collectAsList().stream()
        .map(r -> r.isNullAt(0) ? null : r.getString(0))
        .sorted(Comparator.nullsFirst(Comparator.naturalOrder())).toList();
    Dataset<Row> out = null;
    for (String d : dtypes) {
      if (d == null) {
        throw AblateException.badInput("%s: a row's dtype is null; valid: f32, bf16, f16",
            String.join(", ", dataset.files().subList(0, Math.min(3, dataset.files().size()))));
      }
      String label = Dtype.parse(d).label();
      Dataset<Row> one = rows.where(functions.col("dtype").equalTo(d))
          .selectExpr("model", "checkpoint", "layer", "site",
              PlanFunctions.VECTOR + "(data, '" + label + "') AS x");
      out = out == null ? one : out.unionAll(one);
    }
    return (out == null ? rows.selectExpr("model", "checkpoint", "layer", "site",
        "CAST(NULL AS ARRAY<FLOAT>) AS x") : out).where("x IS NOT NULL");
  }

  /** The rows of gated sites ({@code gated}) or of the others. */
  public static Dataset<Row> sites(Dataset<Row> vectors, boolean gated) {
    return vectors.where("site " + (gated ? "=" : "<>") + " '" + ActivationDataset.GATED_SITE
        + "'");
  }

  /**
   * Whether the variant has a GPU form; one without (a dynamically calibrated int8) is computed
   * in a branch of its own, since one operator the plugin cannot run would take the whole
   * projection, every variant, off the GPU with it.
   */
  public static boolean hasGpuForm(String variant) {
    return Catalogue.variant(variant).expression().isPresent();
  }
}

package io.ablate.dataset;

import static org.apache.spark.sql.functions.call_function;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.exists;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.raise_error;
import static org.apache.spark.sql.functions.when;

import io.ablate.AblateException;
import io.ablate.activation.Catalogue;
import io.ablate.encoding.Dtype;
import io.ablate.spark.PlanFunctions;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.Column;

/**
 * What the passes' SQL plans start from: an activation dataset as rows of {@code model,
 * checkpoint, layer, site} and its vector {@code x} as {@code array<float>}, whatever the encoding
 * (binary vectors through {@code ablate_vector}, which the RAPIDS Accelerator runs on the GPU).
 */
public final class PlanInputs {
  private PlanInputs() {}

  /** The key columns, in the order the plans' rows carry them. */
  public static final List<String> KEYS = List.of("model", "checkpoint", "layer", "site");

  /**
   * The key columns and the vector {@code x}. A null vector or null element fails the query with
   * bad input naming the row, as the CPU passes' reader does ({@link VectorReader#vector}).
   */
  public static Dataset<Row> vectors(ActivationDataset dataset) {
    Dataset<Row> rows = dataset.rows();
    if (dataset.encoding() == ActivationDataset.Encoding.ARRAY) {
      Column values = col("values");
      return rows.where(when(values.isNull(), badRow(VectorReader.nullVector(dataset.encoding())))
              .when(exists(values, Column::isNull), badRow(VectorReader.NULL_ELEMENT))
              .otherwise(lit(true)))
          .select(col("model"), col("checkpoint"), col("layer"), col("site"), values.as("x"));
    }
    // A binary dtype is a literal of the decoding function: one branch per dtype present.
    List<String> dtypes = rows.select("dtype").distinct().collectAsList().stream()
        .map(r -> r.isNullAt(0) ? null : r.getString(0))
        .sorted(Comparator.nullsFirst(Comparator.naturalOrder())).toList();
    Dataset<Row> out = null;
    for (String d : dtypes) {
      if (d == null) {
        throw AblateException.badInput("%s: a row's dtype is null; valid: " + VectorReader.DTYPES,
            String.join(", ", dataset.files().subList(0, Math.min(3, dataset.files().size()))));
      }
      if (VectorReader.isF64(d)) {
        throw AblateException.badInput("%s: binary vectors of dtype %s are read by the CPU pass "
            + "(--engine cpu); the GPU plan reads f32, bf16 and f16", String.join(", ",
            dataset.files().subList(0, Math.min(3, dataset.files().size()))), d);
      }
      String label = Dtype.parse(d).label();
      Dataset<Row> one = rows.where(col("dtype").equalTo(d))
          .where(when(col("data").isNull(), badRow(VectorReader.nullVector(dataset.encoding())))
              .otherwise(lit(true)))
          .select(col("model"), col("checkpoint"), col("layer"), col("site"),
              call_function(PlanFunctions.VECTOR, col("data"), lit(label)).as("x"));
      out = out == null ? one : out.unionAll(one);
    }
    return out == null ? rows.selectExpr("model", "checkpoint", "layer", "site",
        "CAST(NULL AS ARRAY<FLOAT>) AS x").where("false") : out;
  }

  /**
   * Fails the query with {@code problem} after the row's place (in a filter: the plugin runs
   * raise_error as a boolean, not as an array), worded as {@link
   * VectorReader#where} words it: the file, sample_id, token and layer.
   */
  private static Column badRow(String problem) {
    Column where = concat_ws(", ", col("_file"), concat(lit("sample_id "), col("sample_id")),
        concat(lit("token "), col("token")), concat(lit("layer "), col("layer")));
    return raise_error(concat(lit(BAD_INPUT), where, lit(": " + problem)));
  }

  /** What starts the message of a row the plans refuse (see {@link #badInput}). */
  static final String BAD_INPUT = "ablate bad input: ";

  /**
   * The bad input a plan raised, as Ablate's own error (exit 2, the row named), if {@code t} or
   * one of its causes is such a failure; else null. Spark wraps the message of {@code
   * raise_error} in its own words and the task failure's.
   */
  public static AblateException badInput(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      String m = c.getMessage();
      int at = m == null ? -1 : m.indexOf(BAD_INPUT);
      if (at >= 0) {
        String rest = m.substring(at + BAD_INPUT.length());
        int end = rest.indexOf(" SQLSTATE");
        end = end < 0 ? rest.indexOf('\n') : end;
        return AblateException.badInput("%s", (end < 0 ? rest : rest.substring(0, end)).trim());
      }
    }
    return null;
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

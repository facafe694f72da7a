package io.ablate.dataset;

import io.ablate.AblateException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.UnresolvedAttribute;
import org.apache.spark.sql.catalyst.expressions.And;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.parser.ParseException;
import org.apache.spark.sql.classic.ExpressionUtils;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A selection over the key columns ({@code --where}, Spark SQL): parsed by Spark's parser, split
 * into conjuncts; those over partition columns only are evaluated per file before any file is
 * opened (partition pruning), and the whole condition is given to Spark's scan, which prunes the
 * same partitions and pushes the conditions on the files' columns to Parquet.
 */
final class Selection {
  private static final Selection ALL = new Selection(null, null, List.of());

  private final String text;
  private final Expression condition;
  private final List<Conjunct> conjuncts;

  private record Conjunct(Expression expression, Set<String> columns) {}

  private Selection(String text, Expression condition, List<Conjunct> conjuncts) {
    this.text = text;
    this.condition = condition;
    this.conjuncts = conjuncts;
  }

  /** Parses {@code text} (null: every row); bad input for a syntax error or a non-key column. */
  static Selection parse(SparkSession spark, String text) {
    if (text == null) {
      return ALL;
    }
    Expression e;
    try {
      e = ((org.apache.spark.sql.classic.SparkSession) spark).sessionState().sqlParser()
          .parseExpression(text);
    } catch (ParseException | RuntimeException ex) {
      throw AblateException.badInput("--where %s is not a Spark SQL condition: %s", text,
          ex.getMessage().lines().findFirst().orElse(""));
    }
    List<Conjunct> conjuncts = new ArrayList<>();
    split(e, conjuncts);
    for (Conjunct c : conjuncts) {
      for (String col : c.columns()) {
        if (!ActivationDataset.KEY_COLUMNS.contains(col)) {
          throw AblateException.badInput("--where %s names column '%s'; a selection is over the "
              + "key columns: %s", text, col, String.join(", ", ActivationDataset.KEY_COLUMNS));
        }
      }
    }
    return new Selection(text, e, conjuncts);
  }

  String text() {
    return text;
  }

  private static void split(Expression e, List<Conjunct> out) {
    if (e instanceof And and) {
      split(and.left(), out);
      split(and.right(), out);
      return;
    }
    Set<String> columns = new TreeSet<>();
    columns(e, columns);
    out.add(new Conjunct(e, columns));
  }

  private static void columns(Expression e, Set<String> out) {
    if (e instanceof UnresolvedAttribute a) {
      out.add(a.name().toLowerCase(Locale.ROOT));
    }
    scala.collection.Iterator<Expression> it = e.children().iterator();
    while (it.hasNext()) {
      columns(it.next(), out);
    }
  }

  /**
   * The input's files whose partition values pass every conjunct over partition columns only
   * (each conjunct evaluated by Spark over a local table of the files' values, on the driver).
   */
  Listing prune(SparkSession spark, Listing listing) {
    if (text == null || listing.columns().isEmpty() || listing.files().isEmpty()) {
      return listing;
    }
    Set<String> partitionColumns = new TreeSet<>(listing.columns());
    List<Expression> usable = conjuncts.stream()
        .filter(c -> !c.columns().isEmpty() && partitionColumns.containsAll(c.columns()))
        .map(Conjunct::expression).toList();
    if (usable.isEmpty()) {
      return listing;
    }
    List<StructField> fields = new ArrayList<>();
    fields.add(DataTypes.createStructField("_ablate_file", DataTypes.IntegerType, false));
    for (String c : listing.columns()) {
      fields.add(DataTypes.createStructField(c, Listing.type(c), true));
    }
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < listing.files().size(); i++) {
      Object[] v = new Object[fields.size()];
      v[0] = i;
      System.arraycopy(listing.values().get(i), 0, v, 1, v.length - 1);
      rows.add(RowFactory.create(v));
    }
    Dataset<Row> files = spark.createDataFrame(rows, new StructType(fields.toArray(new StructField[0])));
    for (Expression e : usable) {
      files = files.where(ExpressionUtils.column(e));
    }
    List<Integer> keep = files.select("_ablate_file").collectAsList().stream()
        .map(r -> r.getInt(0)).sorted().toList();
    return listing.subset(keep);
  }

  /** Bad input when the condition names a key column the input does not have. */
  void checkColumns(StructType schema, String path) {
    for (Conjunct c : conjuncts) {
      for (String col : c.columns()) {
        boolean found = false;
        for (String f : schema.fieldNames()) {
          found |= f.equalsIgnoreCase(col);
        }
        if (!found) {
          throw AblateException.badInput("--where %s names column '%s', which %s has neither in "
              + "its files nor in its directories", text, col, path);
        }
      }
    }
  }

  /** The rows of {@code rows} the selection keeps ({@code rows} itself without one). */
  Dataset<Row> apply(Dataset<Row> rows) {
    return text == null ? rows : rows.where(ExpressionUtils.column(condition));
  }
}

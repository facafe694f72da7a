package io.ablate.bench;

import io.ablate.job.Timeline;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A peer of Ablate's one-variant run, run by {@code ablate bench --only e2e} as a fresh process:
 * one figure from an {@code array<float>} activation dataset, the largest difference between the
 * two GELU approximations over its finite values, computed in float64 exactly as written,
 * <pre>
 *   gelu_tanh(x)    = 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
 *   gelu_sigmoid(x) = x·σ(1.702·x) = x / (1 + exp(−1.702·x))
 *   max |gelu_tanh(x) − gelu_sigmoid(x)|
 * </pre>
 * by hand-written Spark SQL over the exploded {@code values} column, or by DuckDB through its JDBC
 * driver reading the dataset's Parquet files. Usage: {@code EndToEndPeer spark|duckdb DIR}; prints
 * {@code values N} and {@code max_abs_diff D}. Its timeline ({@link Timeline}) marks {@code
 * session} when the engine is ready (the Spark session, the DuckDB connection), {@code first_task}
 * (Spark) and {@code pass_done} when the query returned.
 */
public final class EndToEndPeer {
  /** The peer's engines, as the first argument names them. */
  public static final String SPARK = "spark";
  public static final String DUCKDB = "duckdb";

  /** What a peer computed: the finite values it read and the largest difference. */
  public record Result(long values, double maxAbsDiff) {
    /** The lines the peer prints. */
    public String text() {
      return String.format(Locale.ROOT, "values %d%nmax_abs_diff %s%n", values,
          Double.toString(maxAbsDiff));
    }

    /** Reads {@link #text()} back (null if the text has no result). */
    public static Result parse(String text) {
      Long n = null;
      Double d = null;
      for (String line : text.split("\n")) {
        String[] f = line.trim().split(" ");
        if (f.length == 2 && f[0].equals("values")) {
          n = Long.parseLong(f[1]);
        } else if (f.length == 2 && f[0].equals("max_abs_diff")) {
          d = Double.parseDouble(f[1]);
        }
      }
      return n == null || d == null ? null : new Result(n, d);
    }
  }

  private EndToEndPeer() {}

  public static void main(String[] args) throws Exception {
    Timeline.mark(Timeline.MAIN);
    if (args.length != 2 || !(args[0].equals(SPARK) || args[0].equals(DUCKDB))) {
      System.err.println("usage: EndToEndPeer spark|duckdb DIR");
      System.exit(2);
    }
    Result r;
    if (args[0].equals(SPARK)) {
      SparkSession spark = SparkSession.builder().appName("spark sql peer").master("local[*]")
          .config("spark.driver.host", "127.0.0.1").config("spark.ui.enabled", "false")
          .getOrCreate();
      Timeline.mark(Timeline.SESSION);
      try {
        r = Timeline.pass(spark.sparkContext(), () -> spark(spark, args[1]));
      } finally {
        spark.stop();
      }
    } else {
      r = duckdb(args[1]);
    }
    System.out.print(r.text());
    System.out.flush();
    Timeline.mark(Timeline.EXIT);
    System.exit(0);
  }

  /** The figure by hand-written Spark SQL in {@code spark}. */
  public static Result spark(SparkSession spark, String input) {
    spark.read().parquet(input).createOrReplaceTempView("peer_vectors");
    Row r = spark.sql("SELECT count(x), max(abs(" + gap("D") + "))\n"
        + "FROM (SELECT CAST(v AS DOUBLE) AS x FROM peer_vectors LATERAL VIEW explode(`values`) "
        + "t AS v)\n"
        + "WHERE NOT isnan(x) AND abs(x) != double('inf')").first();
    return new Result(r.getLong(0), r.isNullAt(1) ? Double.NaN : r.getDouble(1));
  }

  /**
   * The figure by DuckDB (in memory, its own threads) over the Parquet files under {@code input}
   * (a file, or a directory read recursively); marks {@code session} once connected and {@code
   * pass_done} when the query returned.
   */
  public static Result duckdb(String input) throws SQLException {
    String files = java.nio.file.Files.isDirectory(java.nio.file.Path.of(input))
        ? input + "/**/*.parquet" : input;
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = c.createStatement()) {
      Timeline.mark(Timeline.SESSION);
      try (ResultSet rs = st.executeQuery("SELECT count(x), max(abs(" + gap("::DOUBLE") + "))\n"
          + "FROM (SELECT CAST(unnest(\"values\") AS DOUBLE) AS x FROM read_parquet('"
          + files.replace("'", "''") + "'))\n"
          + "WHERE isfinite(x)")) {
        rs.next();
        Result r = new Result(rs.getLong(1), rs.getDouble(2));
        Timeline.mark(Timeline.PASS_DONE);
        return r;
      }
    }
  }

  /**
   * gelu_tanh(x) − gelu_sigmoid(x) in SQL, each double literal followed by {@code suffix} (Spark's
   * {@code D}, DuckDB's {@code ::DOUBLE}).
   */
  static String gap(String suffix) {
    return String.format(Locale.ROOT, "0.5%1$s * x * (1%1$s + tanh(0.7978845608028654%1$s * (x + "
        + "0.044715%1$s * x * x * x))) - x / (1%1$s + exp(-1.702%1$s * x))", suffix);
  }
}

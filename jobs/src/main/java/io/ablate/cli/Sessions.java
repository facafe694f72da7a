package io.ablate.cli;

import io.ablate.spark.ActivationFunctions;
import org.apache.spark.sql.SparkSession;

/**
 * The Spark session of a command: {@code local[*]} unless a master is given (by {@code --master},
 * or by {@code spark-submit}, which sets {@code spark.master}), the {@code --conf} pairs, and the
 * activation functions registered.
 */
final class Sessions {
  private Sessions() {}

  static SparkSession create(String app, Options options) {
    SparkSession.Builder b = SparkSession.builder().appName("ablate " + app);
    String master = options.get("master", null);
    if (master != null) {
      b.master(master);
    } else if (System.getProperty("spark.master") == null) {
      b.master("local[*]");
      b.config("spark.driver.host", "127.0.0.1");
      b.config("spark.ui.enabled", "false");
    }
    for (String kv : options.confs()) {
      int eq = kv.indexOf('=');
      b.config(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
    }
    SparkSession spark = b.getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    ActivationFunctions.register(spark);
    return spark;
  }
}

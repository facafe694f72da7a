package io.ablate.testing;

import org.apache.spark.sql.SparkSession;

/** Local Spark sessions for tests: local[2], no UI, few shuffle partitions. */
public final class LocalSpark {
  private LocalSpark() {}

  public static SparkSession.Builder builder(String app) {
    return SparkSession.builder()
        .master("local[2]")
        .appName(app)
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.sql.session.timeZone", "UTC");
  }
}

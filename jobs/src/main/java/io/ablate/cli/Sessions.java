package io.ablate.cli;

import io.ablate.spark.ActivationFunctions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * The Spark session of a command: {@code local[*]} (or the command's own default) unless a master
 * is given (by {@code --master}, or by {@code spark-submit}, which sets {@code spark.master}), the
 * {@code --conf} pairs, and the activation functions registered.
 */
final class Sessions {
  private Sessions() {}

  /** {@code --master} and {@code --conf}, read when the options are parsed, applied later. */
  record Settings(String master, Map<String, String> confs) {
    static Settings of(Options options, String defaultMaster) {
      Map<String, String> confs = new LinkedHashMap<>();
      List<String> pairs = options.confs();
      for (String kv : pairs) {
        int eq = kv.indexOf('=');
        confs.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
      }
      String master = options.get("master", null);
      if (master == null && System.getProperty("spark.master") == null) {
        master = defaultMaster;
      }
      return new Settings(master, confs);
    }

    /** Whether this is a session on this machine (then no UI, loopback driver). */
    boolean local() {
      return master != null && master.startsWith("local");
    }
  }

  static SparkSession create(String app, Options options) {
    return create(app, Settings.of(options, "local[*]"));
  }

  static SparkSession create(String app, Settings settings) {
    SparkSession.Builder b = SparkSession.builder().appName("ablate " + app);
    if (settings.master() != null) {
      b.master(settings.master());
    }
    if (settings.local()) {
      b.config("spark.driver.host", "127.0.0.1");
      b.config("spark.ui.enabled", "false");
    }
    settings.confs().forEach(b::config);
    SparkSession spark = b.getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    ActivationFunctions.register(spark);
    return spark;
  }
}

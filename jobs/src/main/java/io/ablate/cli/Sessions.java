package io.ablate.cli;

import io.ablate.spark.ActivationFunctions;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * The Spark session of a command: {@code local[*]} (or the command's own default) unless a master
 * is given (by {@code --master}, a profile's or a {@code --conf} {@code spark.master}, or by {@code
 * spark-submit}, which sets {@code spark.master}), the {@code --profile} properties overridden by
 * the {@code --conf} pairs, and the activation functions registered. Logging is left to the log
 * configuration in force (the launcher's {@code conf/log4j2.properties}, or the user's own).
 */
final class Sessions {
  private Sessions() {}

  /**
   * {@code --profile}, {@code --conf} and {@code --master}, read when the options are parsed,
   * applied later. Precedence: profile &lt; {@code --conf} &lt; {@code --master}; {@code
   * spark.master} is taken out of the properties into {@link #master}.
   */
  record Settings(String master, Map<String, String> confs) {
    static Settings of(String profile, List<String> pairs, String givenMaster,
        String defaultMaster) {
      Map<String, String> confs = new LinkedHashMap<>();
      if (profile != null) {
        confs.putAll(SparkProfile.load(profile));
      }
      for (String kv : pairs) {
        int eq = kv.indexOf('=');
        confs.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
      }
      String fromConfs = confs.remove("spark.master");
      String master = givenMaster != null ? givenMaster : fromConfs;
      if (master == null && System.getProperty("spark.master") == null) {
        master = defaultMaster;
      }
      return new Settings(master, Collections.unmodifiableMap(confs));
    }

    /** Whether this is a session on this machine (then no UI, loopback driver). */
    boolean local() {
      return master != null && master.startsWith("local");
    }
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
    ActivationFunctions.register(spark);
    return spark;
  }
}

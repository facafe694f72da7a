package io.ablate.cli;

import io.ablate.job.RecordKryo;
import io.ablate.job.Timeline;
import io.ablate.spark.ActivationFunctions;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
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
   * applied later. Precedence: profile &lt; what {@code spark-submit} set (its {@code --master},
   * {@code --conf} and properties file, which reach the driver as {@code spark.*} system
   * properties) &lt; {@code --conf} &lt; {@code --master}: a profile fills only the keys the
   * submitter left unset. {@code spark.master} is taken out of the properties into {@link
   * #master}.
   */
  record Settings(String master, Map<String, String> confs) {
    static Settings of(String profile, List<String> pairs, String givenMaster,
        String defaultMaster) {
      return of(profile, pairs, givenMaster, defaultMaster, submitted());
    }

    /** {@link #of}, with what the submitter set given ({@code submitted}: key to value). */
    static Settings of(String profile, List<String> pairs, String givenMaster,
        String defaultMaster, Map<String, String> submitted) {
      Map<String, String> confs = new LinkedHashMap<>();
      if (profile != null) {
        SparkProfile.load(profile).forEach((k, v) -> {
          if (!submitted.containsKey(k)) {
            confs.put(k, v);
          }
        });
      }
      for (String kv : pairs) {
        int eq = kv.indexOf('=');
        confs.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
      }
      String fromConfs = confs.remove("spark.master");
      String master = givenMaster != null ? givenMaster : fromConfs;
      if (master == null && !submitted.containsKey("spark.master")) {
        master = defaultMaster;
      }
      String serializer = confs.getOrDefault("spark.serializer", submitted.get("spark.serializer"));
      String registrators = RecordKryo.registrators(serializer, confs.getOrDefault(
          "spark.kryo.registrator", submitted.get("spark.kryo.registrator")));
      if (registrators != null) {
        confs.put("spark.kryo.registrator", registrators);
      }
      return new Settings(master, Collections.unmodifiableMap(confs));
    }

    /** The {@code spark.*} system properties: what {@code spark-submit} passed the driver. */
    static Map<String, String> submitted() {
      Map<String, String> out = new LinkedHashMap<>();
      System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("spark."))
          .forEach(k -> out.put(k, System.getProperty(k)));
      return out;
    }

    /** Whether this is a session on this machine (then no UI, loopback driver). */
    boolean local() {
      return master != null && master.startsWith("local");
    }
  }

  /**
   * The Hadoop configuration of a command that reads and writes files without a Spark session:
   * Hadoop's defaults and the {@code spark.hadoop.*} properties (submitted, then the settings'),
   * as a session would have them.
   */
  static Configuration hadoopConf(Settings settings) {
    Map<String, String> all = new LinkedHashMap<>(Settings.submitted());
    all.putAll(settings.confs());
    Configuration conf = new Configuration();
    all.forEach((k, v) -> {
      if (k.startsWith(HADOOP_PREFIX)) {
        conf.set(k.substring(HADOOP_PREFIX.length()), v);
      }
    });
    return conf;
  }

  private static final String HADOOP_PREFIX = "spark.hadoop.";

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
    Timeline.mark(Timeline.SESSION);
    return spark;
  }
}

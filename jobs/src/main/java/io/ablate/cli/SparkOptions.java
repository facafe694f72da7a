package io.ablate.cli;

import io.ablate.AblateException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The Spark options of every command that starts Spark. */
final class SparkOptions {
  @Option(names = "--master", paramLabel = "URL",
      description = "Spark master (default: the command's own, local[*] for most; spark-submit "
          + "sets its own).")
  String master;

  @Option(names = "--conf", paramLabel = "key=value",
      description = "A Spark property (repeatable); overrides the profile's.")
  List<String> confs = new ArrayList<>();

  @Option(names = "--profile", paramLabel = "NAME|FILE",
      description = "Spark properties from conf/NAME.conf (local, cluster, gpu) or a file in "
          + "spark-defaults.conf format.")
  String profile;

  /**
   * The session settings: the profile's properties, then {@code specConfs} (a job spec's), then
   * {@code --conf}, then {@code --master}; {@code defaultMaster} when none of them names one.
   */
  Sessions.Settings settings(String defaultMaster, List<String> specConfs) {
    List<String> pairs = new ArrayList<>(specConfs);
    for (String kv : confs) {
      if (kv.indexOf('=') <= 0) {
        throw AblateException.badInput("--conf %s: expected key=value", kv);
      }
      pairs.add(kv);
    }
    return Sessions.Settings.of(profile, pairs, master, defaultMaster);
  }
}

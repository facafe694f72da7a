package io.ablate.job;

import io.ablate.AblateException;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;

/**
 * Which form of a pass runs: the CPU pass (Ablate's SIMD kernels over the Parquet reader's
 * batches) or the GPU plan (a SQL plan of Ablate's functions, which the RAPIDS Accelerator runs on
 * the GPU; without it, the plan runs on the functions' CPU forms). {@code auto} takes the GPU plan
 * when the RAPIDS plugin runs queries in the session.
 */
public enum Engine {
  AUTO, CPU, GPU;

  private static final String PLUGIN = "com.nvidia.spark.SQLPlugin";

  /** {@code auto}, {@code cpu} or {@code gpu}; bad input otherwise. */
  public static Engine parse(String s) {
    for (Engine e : values()) {
      if (e.name().equalsIgnoreCase(s.trim())) {
        return e;
      }
    }
    throw AblateException.badInput("--engine %s; valid: auto, cpu, gpu", s);
  }

  /** Whether the GPU plan runs: {@code gpu}, or {@code auto} with the plugin running queries. */
  public boolean gpuPlan(SparkSession spark) {
    return this == GPU || (this == AUTO && rapidsRuns(spark));
  }

  /**
   * Whether the RAPIDS Accelerator runs the queries of {@code spark}: its SQL plugin is in
   * {@code spark.plugins}, {@code spark.rapids.sql.enabled} is true and the mode is not
   * explain-only.
   */
  public static boolean rapidsRuns(SparkSession spark) {
    var conf = spark.conf();
    return conf.get("spark.plugins", "").contains(PLUGIN)
        && Boolean.parseBoolean(conf.get("spark.rapids.sql.enabled", "true").trim())
        && !conf.get("spark.rapids.sql.mode", "executeongpu").trim().toLowerCase(Locale.ROOT)
            .equals("explainonly");
  }

  /**
   * What ran, for the run's arguments: {@code cpu} (the CPU pass), {@code gpu} (the GPU plan, run
   * by the RAPIDS Accelerator) or {@code plan} (the GPU plan without the plugin: its functions'
   * CPU forms).
   */
  public String label(SparkSession spark) {
    return !gpuPlan(spark) ? "cpu" : rapidsRuns(spark) ? "gpu" : "plan";
  }
}

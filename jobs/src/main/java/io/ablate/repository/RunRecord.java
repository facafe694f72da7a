package io.ablate.repository;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ablate.AblateException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.spark.sql.SparkSession;

/**
 * One row of the {@code runs} table: what ran, on what, and how it ended. Timestamps are kept to
 * the microsecond, the precision of a Spark timestamp, so a record reads back equal to itself.
 *
 * @param runId the run's key
 * @param job the job name ({@code ablate}, {@code profile}, {@code eval}, ...)
 * @param status {@code running}, {@code succeeded} or {@code failed}
 * @param startedAt when the run began
 * @param finishedAt when it succeeded or failed; null while running
 * @param args the job's options as a JSON object
 * @param inputs the inputs read (paths or table names), as given
 * @param inputFingerprint a fingerprint of the inputs, so runs over the same data can be matched
 * @param sparkMaster the Spark master URL
 * @param executors the most executors registered when the run began or when it succeeded
 * @param version the Ablate version
 * @param host the driver's host name
 * @param error the failure message; null unless failed
 * @param exitCode the command's exit code as the run ended (0, 2 bad input, 3 gate tripped, 1
 *     anything else); null while running
 * @param platform where the run ran: application, deploy mode, versions, settings
 */
public record RunRecord(RunId runId, String job, Status status, Instant startedAt,
    Instant finishedAt, String args, String inputs, String inputFingerprint, String sparkMaster,
    int executors, String version, String host, String error, Integer exitCode,
    Platform platform) {

  /**
   * What a cluster operator needs to place a run: the Spark application and how it was submitted,
   * the versions that ran it, the commit Ablate was built from, and the Spark settings that change
   * results or speed.
   *
   * @param appId the Spark application id
   * @param deployMode {@code client} or {@code cluster}
   * @param sparkVersion Spark's version at run time
   * @param scalaVersion Scala's version at run time
   * @param javaVersion the driver's Java runtime version
   * @param gitCommit the commit Ablate was built from ({@code unknown} when built outside git;
   *     suffixed {@code -dirty} when the working tree had changes)
   * @param settings the set values of {@link #SETTINGS} as a JSON object
   */
  public record Platform(String appId, String deployMode, String sparkVersion,
      String scalaVersion, String javaVersion, String gitCommit, String settings) {
    /** No platform recorded (records written before these columns existed). */
    public static final Platform UNKNOWN = new Platform(null, null, null, null, null, null, "{}");

    public Platform {
      settings = settings == null ? "{}" : settings;
    }

    /** The platform of the session {@code spark} in this JVM. */
    public static Platform of(SparkSession spark) {
      var settings = new TreeMap<String, String>();
      for (String key : SETTINGS) {
        spark.conf().getOption(key).foreach(v -> settings.put(key, v));
      }
      String json;
      try {
        json = JSON.writeValueAsString(settings);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("a map of strings is always JSON", e);
      }
      return new Platform(spark.sparkContext().applicationId(),
          spark.conf().get("spark.submit.deployMode", "client"), spark.version(),
          scala.util.Properties.versionNumberString(), System.getProperty("java.runtime.version"),
          buildCommit(), json);
    }

    /** The platform of a run without a Spark session: this JVM and the Spark on its class path. */
    public static Platform withoutSpark() {
      return new Platform(null, null, org.apache.spark.package$.MODULE$.SPARK_VERSION(),
          scala.util.Properties.versionNumberString(), System.getProperty("java.runtime.version"),
          buildCommit(), "{}");
    }
  }

  /** The {@code spark_master} of a run that needed no Spark session (it read and wrote files). */
  public static final String NO_SPARK = "none";

  /**
   * The Spark settings recorded with each run: the ones that change results (serializer, the
   * plugin and whether the GPU runs SQL) or speed (parallelism, executor sizes, the JVM options
   * that enable the Vector API).
   */
  public static final List<String> SETTINGS = List.of(
      "spark.serializer", "spark.plugins", "spark.rapids.sql.enabled", "spark.rapids.sql.mode",
      "spark.sql.shuffle.partitions", "spark.default.parallelism",
      "spark.sql.files.maxPartitionBytes", "spark.sql.adaptive.enabled", "spark.cores.max",
      "spark.executor.instances", "spark.executor.cores", "spark.executor.memory",
      "spark.driver.memory", "spark.task.cpus", "spark.executor.resource.gpu.amount",
      "spark.task.resource.gpu.amount", "spark.executor.extraJavaOptions",
      "spark.dynamicAllocation.enabled");

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The state of a run, stored in lower case. */
  public enum Status {
    RUNNING, SUCCEEDED, FAILED;

    /** The stored form: {@code running}, {@code succeeded} or {@code failed}. */
    public String text() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The status of a stored form; bad input names it and the valid forms. */
    public static Status parse(String text) {
      for (Status s : values()) {
        if (s.text().equals(text)) {
          return s;
        }
      }
      throw AblateException.badInput(
          "run status '%s' is not valid: use running, succeeded or failed", text);
    }
  }

  public RunRecord {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(startedAt, "startedAt");
    if (job == null || job.isBlank()) {
      throw AblateException.badInput("run '%s' has no job name", runId);
    }
    startedAt = startedAt.truncatedTo(ChronoUnit.MICROS);
    finishedAt = finishedAt == null ? null : finishedAt.truncatedTo(ChronoUnit.MICROS);
    args = args == null ? "{}" : args;
    platform = platform == null ? Platform.UNKNOWN : platform;
  }

  /**
   * A record for a run that starts now, with the Spark master, executor count, Ablate version,
   * host and platform filled in from the session and the JVM.
   */
  public static RunRecord start(RunId runId, String job, String argsJson, String inputs,
      String inputFingerprint, SparkSession spark) {
    return new RunRecord(runId, job, Status.RUNNING, Instant.now(), null, argsJson, inputs,
        inputFingerprint, spark.sparkContext().master(), executorCount(spark), ablateVersion(),
        hostName(),
        null, null, Platform.of(spark));
  }

  /**
   * A record for a run that starts now in this process without a Spark session: {@code
   * spark_master} {@link #NO_SPARK}, one executor (this process), no application id.
   */
  public static RunRecord startWithoutSpark(RunId runId, String job, String argsJson,
      String inputs, String inputFingerprint) {
    return new RunRecord(runId, job, Status.RUNNING, Instant.now(), null, argsJson, inputs,
        inputFingerprint, NO_SPARK, 1, ablateVersion(), hostName(), null, null,
        Platform.withoutSpark());
  }

  /** The executors registered with the session now (1 in local mode: the driver). */
  public static int executorCount(SparkSession spark) {
    // The driver is listed too; local mode has only the driver, which is then the one executor.
    return Math.max(1, spark.sparkContext().getExecutorMemoryStatus().size() - 1);
  }

  /**
   * This record with {@code now} executors if more than it has: executors register while a run
   * starts, so a run's record keeps the most seen when it began or ended.
   */
  public RunRecord withExecutors(int now) {
    return now <= executors ? this : new RunRecord(runId, job, status, startedAt, finishedAt,
        args, inputs, inputFingerprint, sparkMaster, now, version, host, error, exitCode,
        platform);
  }

  /** This record with other args (a figure the work found, added before the run commits). */
  public RunRecord withArgs(String newArgs) {
    return new RunRecord(runId, job, status, startedAt, finishedAt, newArgs, inputs,
        inputFingerprint, sparkMaster, executors, version, host, error, exitCode, platform);
  }

  /** This record, running since {@code startedAt} (kept if set), not finished, no error. */
  public RunRecord running() {
    return new RunRecord(runId, job, Status.RUNNING, startedAt, null, args, inputs,
        inputFingerprint, sparkMaster, executors, version, host, null, null, platform);
  }

  /** This record, succeeded at {@code at}; the command exits with {@code exitCode} (0 or 3). */
  public RunRecord succeeded(Instant at, int exitCode) {
    return new RunRecord(runId, job, Status.SUCCEEDED, startedAt, at, args, inputs,
        inputFingerprint, sparkMaster, executors, version, host, null, exitCode, platform);
  }

  /** This record, failed at {@code at} with {@code message} and the command's exit code. */
  public RunRecord failed(Instant at, String message, int exitCode) {
    return new RunRecord(runId, job, Status.FAILED, startedAt, at, args, inputs,
        inputFingerprint, sparkMaster, executors, version, host, message, exitCode, platform);
  }

  /** Ablate's version, as the build wrote it ({@code dev} if the build's record is missing). */
  public static String ablateVersion() {
    return BUILD.getProperty("version", "dev");
  }

  /** The Spark and Scala versions Ablate was built against, e.g. "Spark 4.2.0, Scala 2.13". */
  public static String builtAgainst() {
    return "Spark " + BUILD.getProperty("spark", "?") + ", Scala " + BUILD.getProperty("scala", "?");
  }

  private static final Properties BUILD = build();

  private static Properties build() {
    Properties p = new Properties();
    try (InputStream in = RunRecord.class.getResourceAsStream(
        "/io/ablate/version.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // No record of the build: the version reads as dev.
    }
    return p;
  }

  /** The commit Ablate was built from, as {@code git describe} put it; {@code unknown} if none. */
  public static String buildCommit() {
    String c = BUILD.getProperty("commit", "");
    return c.isEmpty() || c.startsWith("${") ? "unknown" : c;
  }

  /** This machine's host name ({@code unknown} if it cannot be resolved). */
  public static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException | SecurityException e) {
      return "unknown";
    }
  }
}

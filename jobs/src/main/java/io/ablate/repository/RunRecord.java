package io.ablate.repository;

import io.ablate.AblateException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;
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
 * @param executors the number of executors when the run began
 * @param version the Ablate version
 * @param host the driver's host name
 * @param error the failure message; null unless failed
 */
public record RunRecord(RunId runId, String job, Status status, Instant startedAt,
    Instant finishedAt, String args, String inputs, String inputFingerprint, String sparkMaster,
    int executors, String version, String host, String error) {

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
  }

  /**
   * A record for a run that starts now, with the Spark master, executor count, Ablate version and
   * host filled in from the session and the JVM.
   */
  public static RunRecord start(RunId runId, String job, String argsJson, String inputs,
      String inputFingerprint, SparkSession spark) {
    // The driver is listed too; local mode has only the driver, which is then the one executor.
    int executors = Math.max(1, spark.sparkContext().getExecutorMemoryStatus().size() - 1);
    return new RunRecord(runId, job, Status.RUNNING, Instant.now(), null, argsJson, inputs,
        inputFingerprint, spark.sparkContext().master(), executors, ablateVersion(), hostName(),
        null);
  }

  /** This record, running since {@code startedAt} (kept if set), not finished, no error. */
  public RunRecord running() {
    return new RunRecord(runId, job, Status.RUNNING, startedAt, null, args, inputs,
        inputFingerprint, sparkMaster, executors, version, host, null);
  }

  /** This record, succeeded at {@code at}. */
  public RunRecord succeeded(Instant at) {
    return new RunRecord(runId, job, Status.SUCCEEDED, startedAt, at, args, inputs,
        inputFingerprint, sparkMaster, executors, version, host, null);
  }

  /** This record, failed at {@code at} with {@code message}. */
  public RunRecord failed(Instant at, String message) {
    return new RunRecord(runId, job, Status.FAILED, startedAt, at, args, inputs,
        inputFingerprint, sparkMaster, executors, version, host, message);
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

  /** This machine's host name ({@code unknown} if it cannot be resolved). */
  public static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException | SecurityException e) {
      return "unknown";
    }
  }
}

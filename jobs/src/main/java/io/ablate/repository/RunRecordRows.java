package io.ablate.repository;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code runs} table's columns and the conversion of a {@link RunRecord} to and from a row.
 * The files hold every column but {@code run_id}, which is the partition directory; {@code
 * updated_at} orders the records of one run (the latest one is the run's state).
 */
final class RunRecordRows {
  private RunRecordRows() {}

  static final String RUN_ID = "run_id";
  static final String UPDATED_AT = "updated_at";

  /** The columns stored in a runs file (no run_id: the partition directory holds it). */
  static final StructType FILE_SCHEMA = new StructType()
      .add("job", DataTypes.StringType, false)
      .add("status", DataTypes.StringType, false)
      .add("started_at", DataTypes.TimestampType, false)
      .add("finished_at", DataTypes.TimestampType, true)
      .add("args", DataTypes.StringType, true)
      .add("inputs", DataTypes.StringType, true)
      .add("input_fingerprint", DataTypes.StringType, true)
      .add("spark_master", DataTypes.StringType, true)
      .add("executors", DataTypes.IntegerType, false)
      .add("version", DataTypes.StringType, true)
      .add("host", DataTypes.StringType, true)
      .add("error", DataTypes.StringType, true)
      .add("exit_code", DataTypes.IntegerType, true)
      .add("app_id", DataTypes.StringType, true)
      .add("deploy_mode", DataTypes.StringType, true)
      .add("spark_version", DataTypes.StringType, true)
      .add("scala_version", DataTypes.StringType, true)
      .add("java_version", DataTypes.StringType, true)
      .add("git_commit", DataTypes.StringType, true)
      .add("settings", DataTypes.StringType, true)
      .add(UPDATED_AT, DataTypes.TimestampType, false);

  /** The table as read: the file columns, then run_id as a string. */
  static final StructType TABLE_SCHEMA = nullable(FILE_SCHEMA).add(RUN_ID, DataTypes.StringType);

  static Row toFileRow(RunRecord r, Instant updatedAt) {
    return RowFactory.create(r.job(), r.status().text(), ts(r.startedAt()), ts(r.finishedAt()),
        r.args(), r.inputs(), r.inputFingerprint(), r.sparkMaster(), r.executors(), r.version(),
        r.host(), r.error(), r.exitCode(), r.platform().appId(), r.platform().deployMode(),
        r.platform().sparkVersion(), r.platform().scalaVersion(), r.platform().javaVersion(),
        r.platform().gitCommit(), r.platform().settings(), ts(updatedAt));
  }

  /** A record from a row of the table as read ({@link #TABLE_SCHEMA} columns, by name). */
  static RunRecord fromTableRow(Row row) {
    Object executors = row.getAs("executors");
    return new RunRecord(RunId.of(row.getAs(RUN_ID)), row.getAs("job"),
        RunRecord.Status.parse(row.getAs("status")), instant(row.getAs("started_at")),
        instant(row.getAs("finished_at")), row.getAs("args"), row.getAs("inputs"),
        row.getAs("input_fingerprint"), row.getAs("spark_master"),
        executors == null ? 0 : ((Number) executors).intValue(), row.getAs("version"),
        row.getAs("host"), row.getAs("error"), row.getAs("exit_code"),
        new RunRecord.Platform(row.getAs("app_id"), row.getAs("deploy_mode"),
            row.getAs("spark_version"), row.getAs("scala_version"), row.getAs("java_version"),
            row.getAs("git_commit"), row.getAs("settings")));
  }

  private static StructType nullable(StructType s) {
    StructType out = new StructType();
    for (var f : s.fields()) {
      out = out.add(f.name(), f.dataType(), true);
    }
    return out;
  }

  private static Timestamp ts(Instant i) {
    return i == null ? null : Timestamp.from(i);
  }

  /** Spark hands timestamps back as Timestamp, Instant or (for TIMESTAMP_NTZ) LocalDateTime. */
  private static Instant instant(Object v) {
    if (v == null) {
      return null;
    } else if (v instanceof Timestamp t) {
      return t.toInstant();
    } else if (v instanceof LocalDateTime l) {
      return l.toInstant(ZoneOffset.UTC);
    }
    return (Instant) v;
  }
}

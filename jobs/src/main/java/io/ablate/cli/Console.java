package io.ablate.cli;

import io.ablate.job.JobListener;
import java.io.PrintStream;
import org.apache.spark.sql.SparkSession;

/**
 * Where a command's output goes: results (tables, and where the metrics are) to {@code out};
 * notes (what a run reads, how to read a table) to {@code out} unless quiet; progress to {@code
 * err} unless quiet, so that {@code out} can be piped.
 */
final class Console {
  private final PrintStream out;
  private final PrintStream err;
  private final boolean quiet;

  Console(PrintStream out, PrintStream err, boolean quiet) {
    this.out = out;
    this.err = err;
    this.quiet = quiet;
  }

  /** Results: always printed. */
  PrintStream out() {
    return out;
  }

  /** Errors and warnings a user can act on: always printed. */
  PrintStream err() {
    return err;
  }

  boolean quiet() {
    return quiet;
  }

  /** A line of notes (format and arguments as {@link String#format}); nothing when quiet. */
  void note(String format, Object... args) {
    if (!quiet) {
      out.print(String.format(java.util.Locale.ROOT, format, args) + System.lineSeparator());
    }
  }

  /** Text of notes as it is; nothing when quiet. */
  void noteText(String text) {
    if (!quiet) {
      out.print(text);
    }
  }

  /** A job listener that notes when a run starts: "Run ID: what it reads". */
  JobListener listener() {
    return new JobListener() {
      @Override
      public void runStarted(String runId, String description) {
        note("Run %s: %s", runId, description);
      }
    };
  }

  /** Reports the progress of {@code spark}'s described jobs on {@code err}, unless quiet. */
  void progressOf(SparkSession spark) {
    if (!quiet) {
      spark.sparkContext().addSparkListener(new ProgressReporter(err, 2000));
    }
  }
}

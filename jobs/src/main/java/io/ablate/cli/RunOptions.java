package io.ablate.cli;

import io.ablate.repository.RunId;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options of a command that records a run: the metrics repository, the run's id, and the
 * results file of its runs.
 */
final class RunOptions {
  @Option(names = "--metrics", required = true, paramLabel = "DIR",
      description = "The metrics repository (a run creates it if missing).")
  String metrics;

  @Option(names = "--run-id", paramLabel = "ID", converter = Converters.RunIds.class,
      description = "The run's id (default: a UTC timestamp and a random suffix).")
  RunId runId;

  @Mixin
  ResultsFile results;

  /** The given run id, or a new one. */
  RunId runId() {
    return runId != null ? runId : RunId.generate();
  }
}

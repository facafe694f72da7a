package io.ablate.job;

/**
 * What a job tells its caller while it runs, for the caller to show: a run has started, or a
 * phase of the work begins. Called on the driver's thread that runs the job.
 */
public interface JobListener {
  /** A listener that shows nothing. */
  JobListener NONE = new JobListener() {};

  /** A run began: its id and a line describing what it reads. */
  default void runStarted(String runId, String description) {}

  /** A phase of the work begins (e.g. "the accuracy pass"). */
  default void phase(String description) {}
}

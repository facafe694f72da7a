package io.ablate.job;

import io.ablate.repository.MetricsRepository;
import io.ablate.repository.RunRecord;

/**
 * One run of a metrics repository around a job's work: the run begins (its record says {@code
 * running}), the work stages its tables, and the run commits; if the work throws, the run is
 * recorded as failed with the error, its staged rows are dropped, and the error is rethrown. A
 * run therefore never leaves half-written metrics behind.
 */
public final class RunLifecycle {
  private RunLifecycle() {}

  /** A job's work inside a run: stage tables with {@link MetricsRepository.Run#write}. */
  @FunctionalInterface
  public interface Work<R> {
    R run(MetricsRepository.Run run) throws Exception;
  }

  /**
   * Runs {@code work} as the run {@code record} of {@code repo} and returns its result once the
   * run is committed. Checked exceptions of the work are rethrown wrapped in a {@link
   * RuntimeException}.
   */
  public static <R> R inRun(MetricsRepository repo, RunRecord record, Work<R> work) {
    return inRun(repo, record, work, result -> 0);
  }

  /**
   * As {@link #inRun(MetricsRepository, RunRecord, Work)}, the run's record keeping the exit code
   * {@code exitCode} gives its result (a gate that tripped: 3), so a run submitted in cluster mode,
   * whose exit code no caller sees, still says how it ended.
   */
  public static <R> R inRun(MetricsRepository repo, RunRecord record, Work<R> work,
      java.util.function.ToIntFunction<R> exitCode) {
    try (MetricsRepository.Run run = repo.begin(record)) {
      try {
        R result = work.run(run);
        run.commit(exitCode.applyAsInt(result));
        Timeline.mark(Timeline.COMMITTED);
        return result;
      } catch (RuntimeException | Error e) {
        run.fail(e);
        throw e;
      } catch (Exception e) {
        run.fail(e);
        throw new RuntimeException(e);
      }
    }
  }
}

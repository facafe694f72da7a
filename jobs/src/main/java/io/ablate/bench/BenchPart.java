package io.ablate.bench;

/**
 * One part of {@code ablate bench} (kernels, SQL functions, the job, FFN blocks, profiles, ...).
 * A part measures, then hands everything to the {@link BenchSuite.Context}: its latency rows, its
 * Markdown section for the performance documentation, and a few lines for the printed summary. Parts run one after the
 * other in the same JVM; a part that needs Spark asks the context for the one session of the run.
 *
 * <p>To add a part: implement this (its options parsed by {@code BenchCommand} into the part's
 * constructor) and add it to {@code BenchCommand}'s list of parts.
 */
public interface BenchPart {
  /** The name {@code --only} selects it by. */
  String name();

  /** Runs the part; what it measured goes to {@code ctx}. */
  void run(BenchSuite.Context ctx) throws Exception;
}

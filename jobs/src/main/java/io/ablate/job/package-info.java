/**
 * The jobs: one class per job (ablation, profile, drift, eval, capture, generate), each taking
 * typed, validated {@code Options}, running inside a Spark session its caller owns and returning
 * an immutable {@code Result} that the caller renders. A job that records metrics runs as one run
 * of the metrics repository ({@link io.ablate.job.RunLifecycle}): begin, write its tables, commit,
 * or fail with the error and leave nothing half-written; its options are recorded as the run's
 * {@code args} ({@link io.ablate.job.RunArgs}, JSON by Jackson). A job that writes a dataset
 * writes it whole or not at all ({@link io.ablate.job.DatasetWriter}).
 *
 * <p>Dependencies point one way: the CLI (and anything else) calls jobs; jobs call the passes
 * ({@code accuracy}, {@code latency}, {@code profile}, {@code drift}, {@code eval}), which use the
 * accumulators, datasets and the activation catalogue. A job prints nothing: it reports progress
 * through a {@link io.ablate.job.JobListener} and names its Spark jobs after its phases.
 *
 * <p><b>Errors.</b> Bad options and bad input are {@link io.ablate.AblateException}s of kind bad
 * input (exit 2), most of them raised when the {@code Options} are built, before Spark starts.
 */
package io.ablate.job;

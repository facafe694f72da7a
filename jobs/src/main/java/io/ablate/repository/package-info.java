/**
 * The metrics repository: one directory of Parquet tables partitioned by {@code run_id}, written
 * run by run ({@link io.ablate.repository.MetricsRepository}: begin, write, commit or fail), the
 * run records of the {@code runs} table ({@link io.ablate.repository.RunRecord}), run ids ({@link
 * io.ablate.repository.RunId}) and the schema and key columns of every table ({@link
 * io.ablate.repository.Tables}, the one place they are defined).
 *
 * <p><b>Atomicity.</b> A run's metrics appear to readers all at once or not at all, and a re-run
 * of an id replaces only that run. <b>Errors:</b> bad table names and run ids are bad input; a
 * failure of the file system is an {@link io.ablate.AblateException} naming the path.
 */
package io.ablate.repository;

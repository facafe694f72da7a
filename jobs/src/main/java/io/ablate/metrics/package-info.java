/**
 * Mergeable metric accumulators. A metric is computed per Spark partition into a small accumulator,
 * the accumulators are merged (in whatever order and grouping Spark chooses) and the metric values
 * are derived from the merged state; raw activations never travel to the driver.
 *
 * <p>Each accumulator has a static {@code empty()}, an update, an associative and commutative
 * {@code merge}, getters for its derived values and {@code toBytes()} / {@code fromBytes(byte[])}.
 * Merging must be <em>exactly</em> associative so that a metric row is bit-identical whether the
 * data came in 1 partition or 7: floating-point sums are therefore kept exactly
 * ({@link io.ablate.metrics.ExactSum}, a superaccumulator rounded once, at the end), counts are
 * longs and maxima are doubles. {@link io.ablate.metrics.ErrorStats} is the accumulator behind the
 * {@code accuracy} table; its javadoc is that table's contract.
 *
 * <p><b>Error behaviour.</b> Accumulators never throw on data: NaN and infinite values are counted
 * or classified as each class documents, and a metric that is undefined for the data (an empty
 * accumulator, no element with a large enough reference) is NaN. {@code fromBytes} throws
 * {@link io.ablate.AblateException} (bad input) naming what is wrong with malformed bytes; bulk
 * updates throw {@link IndexOutOfBoundsException} for offsets outside the arrays. Accumulators are
 * mutable and not thread-safe: use one per task or partition and merge.
 */
package io.ablate.metrics;

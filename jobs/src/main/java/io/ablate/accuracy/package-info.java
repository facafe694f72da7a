/**
 * The accuracy of activation variants against a float64 reference: one pass over an activation
 * dataset ({@link io.ablate.accuracy.AccuracyPass}) that applies every variant to every vector and
 * accumulates its error per (model, checkpoint, layer, site, variant) in a mergeable accumulator
 * ({@link io.ablate.accuracy.ErrorStats}, whose javadoc is the {@code accuracy} table's contract).
 *
 * <p><b>Determinism.</b> Sums are exact ({@link io.ablate.numeric.ExactSum}), counts are longs and
 * maxima are doubles, so merging is exactly associative: a metric row is bit-identical whether the
 * data came in 1 partition or 7, and whatever the JIT tier of the executor.
 *
 * <p><b>Error behaviour.</b> Accumulators never throw on data: NaN and infinite values are counted
 * or classified as documented, and a metric undefined for the data is NaN. An input with no
 * vectors, vectors of different lengths within one key and malformed accumulator bytes are bad
 * input ({@link io.ablate.AblateException}, exit 2), with the counts or the file named.
 */
package io.ablate.accuracy;

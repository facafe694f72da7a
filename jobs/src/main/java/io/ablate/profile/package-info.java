/**
 * Profiles: a compact, mergeable description of the distribution of each (model, checkpoint,
 * layer, site) of an activation dataset, and of each variant's outputs — exact counts, extrema and
 * moments ({@link io.ablate.profile.ValueStats}) and a quantile sketch
 * ({@link io.ablate.sketch.QuantileSketch}) — built in one pass ({@link
 * io.ablate.profile.ProfilePass}) into the {@code profiles} table, so that drift never rescans raw
 * data.
 *
 * <p><b>Determinism.</b> The same files give the same profile bytes whatever the Spark
 * partitioning: exact sums and counts merge exactly; sketches are built per (key, Parquet row
 * group) with their own seeded coin flips ({@link io.ablate.sketch.SketchBuilder}) and merged in
 * row-group order with seeded merges.
 *
 * <p><b>Error behaviour.</b> NaN and ±Inf values are counted and left out of the moments and the
 * sketch; an empty input, an odd-length gated vector and a sketch k out of range are bad input
 * ({@link io.ablate.AblateException}, exit 2) naming the file or value.
 */
package io.ablate.profile;

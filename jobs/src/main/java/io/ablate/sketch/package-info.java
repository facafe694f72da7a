/**
 * Quantile sketches Ablate owns end to end: {@link io.ablate.sketch.QuantileSketch} (a KLL-style
 * sketch: levels of sorted items of weight 2<sup>h</sup>, exact extremes, a seeded merge, its own
 * serialised form, quantiles, ranks and a sorted view) and {@link io.ablate.sketch.SketchBuilder},
 * which sketches one long stream fast (radix-sorted compactors, a sampler for long streams).
 *
 * <p><b>Determinism.</b> Every coin flip comes from a seed the caller gives ({@link
 * io.ablate.sketch.Seeds} derives them from what is sketched): the same values in the same order
 * with the same seeds give the same bytes in any thread or JVM, with no shared state.
 *
 * <p><b>Error behaviour.</b> The values sketched must be finite (callers count NaN and ±Inf
 * apart). A k out of range, merging sketches of different k and malformed bytes are bad input
 * ({@link io.ablate.AblateException}) naming what is wrong.
 */
package io.ablate.sketch;

/**
 * Numerics the accumulators share: floating-point sums kept exactly ({@link
 * io.ablate.numeric.ExactSum}, a superaccumulator rounded once, at the end, so that a sum does not
 * depend on the order or grouping of its terms) and a one-read scan of a float vector's extremes
 * and zeros with the Vector API ({@link io.ablate.numeric.FloatScan}).
 *
 * <p>Malformed serialised sums are bad input ({@link io.ablate.AblateException}); everything else
 * is total over IEEE values, NaN and infinities included, as each class documents.
 */
package io.ablate.numeric;

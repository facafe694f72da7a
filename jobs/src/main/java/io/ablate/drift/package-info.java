/**
 * Drift between profiles: references to profile runs and checkpoints
 * ({@link io.ablate.drift.ProfileRef}: run ids, {@code run/checkpoint}, {@code latest},
 * {@code previous}), the metrics of one key from two profiles' sketches and moments
 * ({@link io.ablate.drift.DriftMetrics}: PSI, KS, Jensen–Shannon, W1, moment and quantile
 * deltas), and the gate ({@link io.ablate.drift.Thresholds}: warn and alert levels per metric,
 * status {@code ok}/{@code warn}/{@code alert}; the CLI exits with 3 on alert). Reads profiles
 * only, never raw data.
 *
 * <p><b>Error behaviour.</b> A reference that does not resolve, two sides with no key in common,
 * sketches of different k and malformed thresholds are bad input ({@link io.ablate.AblateException},
 * exit 2) with a message naming what is missing and what exists. Metrics undefined for the data
 * (an empty profile, σ = 0) are NaN and take no part in the status.
 */
package io.ablate.drift;

/**
 * Quality gates: thresholds on the metrics of a run's rows ({@link io.ablate.gate.Gate}: {@code
 * [SUBJECT:]METRIC OP NUMBER}), bound to a table's columns and subjects before any work runs
 * ({@link io.ablate.gate.Gates}), and checked row by row ({@link io.ablate.gate.GateCheck}, the
 * rows of the {@code gates} table). Used by {@code ablate ablate} (accuracy rows), {@code ablate
 * eval} ({@code prompt_eval} rows, {@code _delta} against the baseline config) and {@code ablate
 * compare} (a candidate's rows against a baseline run's, {@code _delta} and {@code _ratio}).
 *
 * <p><b>Error behaviour.</b> Malformed gates, unknown metrics and unknown subjects are bad input
 * ({@link io.ablate.AblateException}, exit 2) naming the gate and what is valid. A missing value
 * (null or NaN) fails its gate; ±Infinity compares as a number. A tripped gate is not an error:
 * the run commits and the command exits with 3.
 */
package io.ablate.gate;

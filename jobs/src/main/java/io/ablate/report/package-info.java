/**
 * Plots drawn as SVG text, for the HTML report: scales and axes ({@link io.ablate.report.Scale}),
 * and the few chart kinds the report needs (scatter with a Pareto front, heatmap, grouped and
 * diverging bars, step lines, ranges). Pure functions of their data: the same rows give the same
 * bytes, no script runs in the page, and nothing is fetched to view it.
 */
package io.ablate.report;

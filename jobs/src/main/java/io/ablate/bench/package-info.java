/**
 * Benchmarks, run by {@code ablate bench} as one suite of {@link io.ablate.bench.BenchPart}s in one
 * JVM: kernels ({@link io.ablate.bench.KernelBench}: scalar, SIMD, PyTorch through DJL, the copy
 * bandwidth), FFN blocks at model shapes ({@link io.ablate.bench.FfnBench}: PyTorch products, the
 * activation by Ablate's kernels or PyTorch, fused vs unfused, against limits measured in the same
 * run, each block checked against float64 by {@link io.ablate.bench.FfnReference}), the SQL
 * functions ({@link io.ablate.bench.UdfBench}) and the accuracy job ({@link io.ablate.bench.JobBench});
 * and, outside that JVM, the commands end to end ({@link io.ablate.bench.EndToEndBench}: each a
 * fresh process started by {@link io.ablate.bench.FreshJvm}, split by its timeline, against peers
 * in Spark SQL and DuckDB, {@link io.ablate.bench.EndToEndPeer}).
 *
 * <p>Figures are medians over repetitions after warm-up, with the spread; every figure can become a
 * row of the {@code latency} table. A part that cannot run a peer (no PyTorch engine, no GPU) says
 * why and records nothing for it; a failed reference check fails the run.
 */
package io.ablate.bench;

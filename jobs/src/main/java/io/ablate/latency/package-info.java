/**
 * How fast each variant runs, per implementation: the kernel timer ({@link
 * io.ablate.latency.KernelTimer}: scalar, SIMD, PyTorch through DJL, the GPU when one is present)
 * over a batch of values, the memory-copy roofline it is compared with, the latency pass that times
 * every variant on the executors' own partitions ({@link io.ablate.latency.LatencyPass}) and the
 * rows of the {@code latency} table ({@link io.ablate.latency.LatencyRow}).
 *
 * <p>Figures are medians over repetitions after a JIT warm-up, with p95 and p99 of the samples.
 * An implementation that cannot run (no PyTorch engine, no GPU) is left out with a note saying why;
 * timing never changes a result.
 */
package io.ablate.latency;

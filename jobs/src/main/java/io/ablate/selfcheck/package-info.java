/**
 * The GPU self-check ({@code ablate gpu-check}, and the {@code gpu}-tagged test the {@code -Pgpu}
 * build runs): on a machine with an NVIDIA GPU, every variant's GPU form against its CPU form on
 * device columns of every shape ({@link io.ablate.selfcheck.DeviceCheck}), device memory back at
 * its starting level, then the SQL functions and both passes' GPU plans under the RAPIDS
 * Accelerator against the CPU ({@link io.ablate.selfcheck.PlanCheck}). The comparisons and the data
 * they build are plain Java, tested on any machine; only the device calls need the GPU.
 */
package io.ablate.selfcheck;

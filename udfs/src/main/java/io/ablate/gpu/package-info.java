/**
 * GPU forms of the activations, on cuDF columns (the RAPIDS Accelerator's columnar batches).
 *
 * <p>{@link io.ablate.gpu.CudfLowering} evaluates an expanded definition
 * ({@link io.ablate.expr.GpuExpansion}) over FLOAT32/FLOAT64 columns: every select-free part of the
 * tree is one compiled AST expression, evaluated in float64 in one fused kernel; each select becomes
 * one {@code ifElse}. {@link io.ablate.gpu.GpuActivation} applies that to the column shapes the UDFs
 * take: scalar columns, the child column of {@code LIST<FLOAT32>} (offsets and nulls kept with
 * {@code replaceListChild}), {@code BINARY} (cuDF {@code LIST<UINT8>}) vectors reinterpreted in place
 * as float32 or bfloat16, and gated vectors split with {@code segmentedGather}.
 *
 * <p>No GPU is available where this is built and tested: the code is compiled against cuDF, shown to
 * be placed on the GPU by the plugin's explain-only mode, and the expression it evaluates is checked
 * numerically on the CPU by the accuracy suite (the same {@code Expr} object, interpreted). Errors on
 * bad input (odd gate_up lengths, mismatched gate/up lengths, binary lengths not a multiple of the
 * dtype width) are raised as {@link io.ablate.AblateException} with the lengths involved. Every
 * intermediate device column is closed in the {@code try} that made it; inputs are never closed.
 */
package io.ablate.gpu;

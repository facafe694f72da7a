/**
 * A small expression language in which every activation is defined once.
 *
 * <p>An {@link io.ablate.expr.Expr} is an immutable tree over inputs ({@code x}, or {@code gate} and
 * {@code up}), constants, elementwise operators and a comparison-select. The same tree is
 * <ul>
 *   <li>the <b>float64 reference</b>: {@link io.ablate.expr.Interpreter} evaluates it in double with
 *       accurate primitives ({@link io.ablate.expr.Erf} for erf/erfc, {@code Math.log1p}, ...);</li>
 *   <li>the source of the <b>GPU form</b>: {@link io.ablate.expr.GpuExpansion} rewrites the operators
 *       cuDF lacks (erf, log1p, expm1, max/min, rounding to small float formats) into ones it has; the
 *       result is lowered to cuDF AST by {@code io.ablate.gpu.CudfLowering} and, because there is no GPU
 *       everywhere, can be evaluated on the CPU by the same interpreter, so one accuracy suite checks it.</li>
 *   <li>the <b>training form</b>: {@code io.ablate.model.TorchExpr} lowers it to PyTorch operations
 *       that autograd differentiates.</li>
 * </ul>
 * A definition's parameters are constants in it; a symbolic definition, for training them, has
 * {@link io.ablate.expr.Expr.Param} nodes instead, which only the training form binds.
 *
 * <p>NaN and infinities follow IEEE 754 arithmetic; definitions route NaN to NaN explicitly (comparisons
 * with NaN are false) and never throw on any input.
 */
package io.ablate.expr;

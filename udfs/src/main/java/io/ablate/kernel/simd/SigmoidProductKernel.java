package io.ablate.kernel.simd;

import static jdk.incubator.vector.VectorOperators.EQ;
import static jdk.incubator.vector.VectorOperators.OR;

import io.ablate.expr.DoubleExp;
import jdk.incubator.vector.FloatVector;

/**
 * Kernels of the form a·σ(k) = a / (1 + e^−k), with a = x (silu, swish, gelu_sigmoid, gelu_tanh) or
 * a = 1 (sigmoid). One exponential, three roundings. A subclass gives k in vector form (in its own
 * loop, which calls {@link #timesSigmoid}) and in scalar form (for the fix-up).
 *
 * <p>Below k = −80, e^−k would overflow and flush the result to 0 though a·e^k is still a float32
 * (subnormal, or normal when |a| is large): those lanes are recomputed in double with
 * {@link DoubleExp} (IEEE operations only: the same bits on every JVM and tier, and several times
 * cheaper than {@code StrictMath.exp}, which outlier channels made a visible cost). The limit at
 * x = −∞ (where x·σ(k) is −∞·0) is −0.
 */
abstract class SigmoidProductKernel extends BlockedSimdKernel {
  static final float DEEP_TAIL = -80f;
  // Vector constants (static final: folded by C2, no broadcast spending the inlining budget).
  private static final FloatVector V_MINUS_DEEP_TAIL = FloatVector.broadcast(S, -DEEP_TAIL);
  private static final FloatVector V_ONE = FloatVector.broadcast(S, 1f);
  private static final FloatVector V_NEG_ZERO = FloatVector.broadcast(S, -0f);
  private static final FloatVector V_NEG_INF = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
  /**
   * Beyond 2⁶⁴, x·σ(k) = x for every k = βx with β up to 2⁶³ (e^−k is then clamped to e^−87):
   * kernels that compensate k's rounding compute k from min(x, HUGE), so that +∞ (and a k that
   * would overflow) leaves the compensation finite (∞ − ∞ would give NaN).
   */
  static final FloatVector V_HUGE = FloatVector.broadcast(S, 0x1p64f);
  private final boolean timesX;

  /** @param timesX a = x when true, a = 1 (plain σ) when false */
  SigmoidProductKernel(boolean timesX) {
    this.timesX = timesX;
  }

  /** The sigmoid's argument k at x, as the vector loop computes it (same operations, same bits). */
  abstract float argument(float x);

  /**
   * The sigmoid's argument at x in double, as the definition states it (its constants in double):
   * the deep tail's fix-up uses it, since there e^k amplifies the float argument's rounding by |k|
   * (k = −90 rounded to float is off by up to 2.7e-6, which is 45 float ulps of e^k).
   */
  abstract double exactArgument(float x);

  /*
   * The loops hold as few operations as they can: C2 compiles one into vector instructions only
   * within its node budget, and gelu_tanh's loop was at its edge (NodeCountInliningCutoff; the
   * exponential's last steps and the deep-tail test then ran unintrinsified, boxing every vector).
   * So the deep tail is not clamped in the vector form (its lanes are rewritten anyway), and
   * x = −∞, which has k = −∞ in every kernel but a swish with β ≤ 0, is left to the fix-up too.
   */

  /** x·σ(k); lanes with k &lt; −80 (x = −∞ among them, where k = −∞) are left for the fix-up. */
  static FloatVector timesSigmoid(FloatVector x, FloatVector k) {
    return x.div(VectorExp.expNormal(k.neg()).add(V_ONE));
  }

  /**
   * x·σ(k + kLow), kLow the part of the exact argument that the float k lost to rounding (|kLow|
   * ≤ a few ulps of k): e^−(k + kLow) = e^−k·(1 − kLow) to second order (kLow² ≤ 1e-10, far below
   * a float ulp). Without it the result's relative error grows as |k|·2⁻²⁴: 70 ulps at k = −65.
   * Lanes with k &lt; −80 are left for the fix-up.
   */
  static FloatVector timesSigmoid(FloatVector x, FloatVector k, FloatVector kLow) {
    FloatVector e = VectorExp.expNormal(k.neg());
    return x.div(kLow.neg().fma(e, e).add(V_ONE));
  }

  /** y with −0 where x = −∞: for a k that is not −∞ there (swish with β ≤ 0). */
  static FloatVector minusZeroAtMinusInf(FloatVector x, FloatVector y) {
    return y.blend(V_NEG_ZERO, x.compare(EQ, V_NEG_INF));
  }

  /** σ(k); lanes with k &lt; −80 are left for the fix-up. */
  static FloatVector sigmoid(FloatVector k) {
    return V_ONE.div(VectorExp.expNormal(k.neg()).add(V_ONE));
  }

  /**
   * 1 if some lane has k &lt; −80 (x = −∞ among them), else 0: the sign bits of k + 80, OR-ed over
   * the lanes (a NaN lane may count too; the fix-up leaves it as it is). Not a comparison: C2
   * sometimes compiled {@code k.compare(LT, −80).anyTrue()} here with the comparison as a call to
   * the API's fallback on a heap vector (JFR: {@code FloatVector.bTest} under this method, in
   * about one job run in three, gelu_tanh's pass 30–60% slower); a reduction has no mask object.
   */
  static int deep(FloatVector k) {
    return k.add(V_MINUS_DEEP_TAIL).reinterpretAsInts().reduceLanes(OR) >>> 31;
  }

  /**
   * Rewrites, in the vectors starting at {@code at[0, count)}, the lanes whose k is below −80 (and
   * x·σ(k) at x = −∞, −0). The loop records those vectors rather than calling here: only they are
   * rescanned (with LLM-like outlier channels most blocks have one, and rescanning whole blocks
   * tripled gelu_tanh's cost: 3.2 instead of 1.0 ns a value, measured), and the loop keeps no call
   * (0.82 against 1.05 ns a value with the call in the loop).
   */
  final void fixUp(float[] xs, float[] f, int[] at, int count) {
    for (int v = 0; v < count; v++) {
      fixUpVector(xs, f, at[v]);
    }
  }

  private void fixUpVector(float[] xs, float[] f, int i) {
    for (int j = i; j < i + L; j++) {
      float x = xs[j];
      float k = argument(x);
      if (timesX && x == Float.NEGATIVE_INFINITY) {
        f[j] = -0f; // the limit of x·σ(k)
      } else if (k < DEEP_TAIL) {
        double a = timesX ? x : 1.0;
        double kd = exactArgument(x);
        f[j] = (float) (a * (kd < DoubleExp.MIN_ARG ? 0.0 : DoubleExp.exp(kd)));
      }
    }
  }
}

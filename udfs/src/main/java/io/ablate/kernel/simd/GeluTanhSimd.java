package io.ablate.kernel.simd;

import io.ablate.PerThread;
import jdk.incubator.vector.FloatVector;

/**
 * SIMD kernel of gelu_tanh, as x·σ(k), k = 2·√(2/π)·(x + 0.044715x³) (tanh u = 2σ(2u) − 1).
 *
 * <p>Where k &lt; 0, σ(k) ≈ e^k turns k's absolute rounding error into the result's relative error:
 * with k rounded as it came, 17 ulps at x = −3.9 and 190 near −9.5. So k is computed with what its
 * rounding lost, kLow, to first order: the rounding of x² and of the final product (each exact by
 * FMA), of the factor c = LINEAR + CUBIC·x² (exact by one more FMA, see {@link #arguments}), and of
 * both constants (their float64 remainders); {@link #timesSigmoid(FloatVector, FloatVector,
 * FloatVector)} applies it. That is about 2.9 ulps at most where the result is a normal float32,
 * for about 25% more time per value than the uncompensated loop (the kernel benchmark).
 */
public final class GeluTanhSimd extends SigmoidProductKernel {
  /** 2·√(2/π) and 2·√(2/π)·0.044715: the sigmoid argument is x·(LINEAR + CUBIC·x²). */
  private static final double LINEAR_EXACT = 2 * Math.sqrt(2 / Math.PI);
  private static final double CUBIC_EXACT = LINEAR_EXACT * 0.044715;
  private static final float LINEAR = (float) LINEAR_EXACT;
  private static final float CUBIC = (float) CUBIC_EXACT;
  // As static final vectors: C2 folds them to loads, where scalar operands broadcast at each use and
  // spend C2's node budget, which this loop is close to (past it, every vector is boxed).
  private static final FloatVector V_LINEAR = FloatVector.broadcast(S, LINEAR);
  private static final FloatVector V_CUBIC = FloatVector.broadcast(S, CUBIC);
  /**
   * LINEAR with its bits below 2⁻¹² cleared: c − LINEAR_HI is exact for every c in [LINEAR, 2¹²),
   * i.e. |x| below 240 (beyond, the result is x or the deep tail's fix-up).
   */
  private static final float LINEAR_HI = (float) (Math.floor(LINEAR * 0x1p12) / 0x1p12);
  private static final FloatVector V_LINEAR_HI = FloatVector.broadcast(S, LINEAR_HI);
  /** The rest of the linear constant: (LINEAR − LINEAR_HI) + (LINEAR_EXACT − LINEAR). */
  private static final FloatVector V_REST = FloatVector.broadcast(S,
      (float) ((LINEAR - LINEAR_HI) + (LINEAR_EXACT - LINEAR)));
  private static final FloatVector V_CUBIC_LO = FloatVector.broadcast(S,
      (float) (CUBIC_EXACT - CUBIC));
  /**
   * Above 2²⁰, x·σ(k) = x (k &gt; 10¹⁶); k is computed from min(x, 2²⁰) so that x² stays finite
   * and the compensation is not ∞ − ∞ (+∞ included).
   */
  private static final FloatVector V_CLAMP = FloatVector.broadcast(S, 0x1p20f);

  public GeluTanhSimd() {
    super(true);
  }

  /** Per thread, the block's kLow (see {@link #compute}). */
  private static final PerThread<float[]> LOW = new PerThread<>(() -> new float[BLOCK]);

  /*
   * Two loops in two methods, each compiled on its own (see arguments): with the compensation and
   * the exponential in one loop C2 ran out of node budget and boxed every vector (3.4 ns a value,
   * against 0.9 for the loop without compensation and 1.1 for these two). The first writes k to f
   * and kLow to a block of scratch, the second reads them back from L1.
   */
  @Override
  void compute(float[] xs, float[] f, int n) {
    int[] deepAt = new int[n / L + 1]; // a pair's second vector may be recorded past n
    float[] low = LOW.get();
    int count = arguments(xs, f, low, deepAt, n);
    products(xs, f, low, n);
    fixUp(xs, f, deepAt, count);
  }

  /** {@code f[i] = x·σ(k + kLow)} from k in {@code f} and kLow in {@code low}. */
  private static void products(float[] xs, float[] f, float[] low, int n) {
    for (int i = 0; i < n; i += L) {
      timesSigmoid(load(xs, i), load(f, i), load(low, i)).intoArray(f, i);
    }
  }

  /**
   * k into {@code k}, what its rounding lost into {@code low}, for the vectors below {@code n}
   * rounded up to an even number of vectors (the scratch blocks hold whole pairs); records the
   * vectors below {@code n} with a deep-tail lane in {@code deepAt} and returns their number.
   *
   * <p>Two vectors per iteration, written out: the method's bytecode then exceeds C2's
   * FreqInlineSize (325 bytes), so C2 compiles it on its own rather than inline it into
   * {@link #compute}, whose exponential loop keeps the node budget to itself (inlined, the two loops
   * overran it and every vector was boxed: 3–5 ns a value against 1.1).
   */
  private static int arguments(float[] xs, float[] k, float[] low, int[] deepAt, int n) {
    int count = 0;
    for (int i = 0; i < n; i += 2 * L) {
      FloatVector xa = load(xs, i).min(V_CLAMP);
      FloatVector xb = load(xs, i + L).min(V_CLAMP);
      FloatVector x2a = xa.mul(xa);
      FloatVector x2b = xb.mul(xb);
      FloatVector ca = x2a.fma(V_CUBIC, V_LINEAR);
      FloatVector cb = x2b.fma(V_CUBIC, V_LINEAR);
      FloatVector ka = xa.mul(ca);
      FloatVector kb = xb.mul(cb);
      // c's rounding, exactly: LINEAR_HI − c is exact (both multiples of c's ulp or coarser), so
      // one FMA gives x²·CUBIC + LINEAR_HI − c = (c's error) − (LINEAR − LINEAR_HI), rounded once;
      // then x²'s rounding times CUBIC, and the constants' remainders.
      FloatVector lowA = V_CUBIC.fma(xa.fma(xa, x2a.neg()), V_CUBIC_LO.fma(x2a, V_REST))
          .add(x2a.fma(V_CUBIC, V_LINEAR_HI.sub(ca)));
      FloatVector lowB = V_CUBIC.fma(xb.fma(xb, x2b.neg()), V_CUBIC_LO.fma(x2b, V_REST))
          .add(x2b.fma(V_CUBIC, V_LINEAR_HI.sub(cb)));
      // k's: the product's rounding (exact by FMA) plus x times the factor's.
      xa.fma(lowA, xa.fma(ca, ka.neg())).intoArray(low, i);
      xb.fma(lowB, xb.fma(cb, kb.neg())).intoArray(low, i + L);
      ka.intoArray(k, i);
      kb.intoArray(k, i + L);
      // Kept if some lane is in the deep tail (outlier channels have them); a pair's second vector
      // past n is never kept.
      deepAt[count] = i;
      count += deep(ka);
      deepAt[count] = i + L;
      count += deep(kb) & (i + L < n ? 1 : 0);
    }
    return count;
  }

  @Override
  double exactArgument(float x) {
    return LINEAR_EXACT * (x + 0.044715 * x * (double) x * x);
  }

  @Override
  float argument(float x) {
    float xc = Math.min(x, 0x1p20f);
    return xc * Math.fma(xc * xc, CUBIC, LINEAR);
  }
}

package io.ablate.kernel.simd;

import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.LT;

import jdk.incubator.vector.FloatVector;

/**
 * SIMD kernel of mish, as x·n/(n + 2) with n = eˣ(eˣ + 2) = tanh(softplus x) rewritten without
 * tanh.
 *
 * <p>Computed from E = eˣ·2⁴⁸ ({@link VectorExp#expTimes2To48}), a normal float even where eˣ is
 * not: below x = −87 eˣ is subnormal while mish(x) ≈ x·eˣ is still normal down to x ≈ −91.6, and
 * eˣ's lost bits were 47 ulps of the result at x = −91.2. With N = 2⁴⁸·n = E·eˣ + 2E (one FMA,
 * eˣ = E·2⁻⁴⁸ only added to 2 there), mish = x·N/(N + 2⁴⁹): every scaling exact, no test per
 * vector. Below −110 the result is −0 (|x|·eˣ is under half the smallest subnormal; −∞ included);
 * above 20 it is x (n/(n + 2) rounds to 1; +∞ included), where x·N could overflow.
 */
public final class MishSimd extends BlockedSimdKernel {
  private static final FloatVector V_EXP_MAX_ARG = constant(20f);
  private static final FloatVector V_TWO_POW_MINUS_48 = constant(0x1p-48f);
  private static final FloatVector V_TWO_POW_49 = constant(0x1p49f);
  private static final FloatVector V_ZERO_TAIL = constant(-110f);
  private static final FloatVector V_NEG_ZERO = constant(-0f);

  @Override
  void compute(float[] xs, float[] f, int n) {
    for (int i = 0; i < n; i += L) {
      f(load(xs, i)).intoArray(f, i);
    }
  }

  private static FloatVector f(FloatVector x) {
    FloatVector big = VectorExp.expTimes2To48(x.min(V_EXP_MAX_ARG));
    FloatVector scaledN = big.fma(big.mul(V_TWO_POW_MINUS_48), big.add(big));
    // x·N before the division: N/(N + 2⁴⁹) itself is as small as eˣ.
    return x.mul(scaledN).div(scaledN.add(V_TWO_POW_49))
        .blend(V_NEG_ZERO, x.compare(LT, V_ZERO_TAIL)).blend(x, x.compare(GT, V_EXP_MAX_ARG));
  }
}

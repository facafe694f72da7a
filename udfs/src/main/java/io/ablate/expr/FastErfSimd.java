package io.ablate.expr;

import static jdk.incubator.vector.VectorOperators.LSHL;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector half of {@link FastErf#erfc(double[], double[], int)}: erfc from erfcx (already in
 * {@code out}) and e^(−x²), with exactly the operations of {@link FastErf#erfc(double)} and {@link
 * DoubleExp}, lane by lane, so the same bits in every JIT tier. Loaded only when
 * {@code jdk.incubator.vector} is present. Lanes with |x| ≥ {@value FastErf#LIMIT} or NaN are
 * computed too (meaningless values) and overwritten by the caller.
 */
final class FastErfSimd {
  private static final VectorSpecies<Double> S = io.ablate.kernel.simd.Species.DOUBLE;
  // Constants as static final vectors: C2 folds them to loads (a broadcast per use costs inlining
  // budget).
  private static final DoubleVector ONE = v(1.0);
  private static final DoubleVector HALF = v(0.5);
  private static final DoubleVector SIXTH = v(DoubleExp.SIXTH);
  private static final DoubleVector LOG2E = v(DoubleExp.LOG2E);
  private static final DoubleVector ROUND = v(DoubleExp.ROUND);
  private static final DoubleVector LN2_HI = v(DoubleExp.LN2_HI);
  private static final DoubleVector LN2_LO = v(DoubleExp.LN2_LO);
  private static final LongVector HI_MASK = LongVector.broadcast(S.withLanes(long.class),
      DoubleExp.HI_MASK);
  private static final LongVector SCALE_OFFSET = LongVector.broadcast(S.withLanes(long.class),
      1023 - DoubleExp.ROUND_BITS);
  private static final LongVector SIGN = LongVector.broadcast(S.withLanes(long.class),
      Long.MIN_VALUE);
  private static final LongVector ONE_BITS = LongVector.broadcast(S.withLanes(long.class),
      Double.doubleToRawLongBits(1.0));
  private static final DoubleVector C0 = c(0);
  private static final DoubleVector C1 = c(1);
  private static final DoubleVector C2 = c(2);
  private static final DoubleVector C3 = c(3);
  private static final DoubleVector C4 = c(4);
  private static final DoubleVector C5 = c(5);
  private static final DoubleVector C6 = c(6);
  private static final DoubleVector C7 = c(7);
  private static final DoubleVector C8 = c(8);
  private static final DoubleVector C9 = c(9);
  private static final DoubleVector C10 = c(10);
  private static final DoubleVector C11 = c(11);
  private static final DoubleVector C12 = c(12);
  private static final DoubleVector C13 = c(13);

  private FastErfSimd() {}

  /**
   * {@code out[k] = erfc(x[k])} from {@code out[k] = erfcx(|x[k]|)}, for k below the largest
   * multiple of the vector length not above {@code n}; returns that multiple.
   */
  static int finish(double[] x, double[] out, int n) {
    int bound = S.loopBound(n);
    for (int k = 0; k < bound; k += S.length()) {
      DoubleVector xv = DoubleVector.fromArray(S, x, k);
      DoubleVector a = xv.abs();
      // DoubleExp.expMinusSquare(a)
      DoubleVector hi = a.reinterpretAsLongs().and(HI_MASK).reinterpretAsDoubles();
      DoubleVector lo = a.sub(hi);
      DoubleVector d = lo.mul(a.add(hi));
      DoubleVector expMinusD = ONE.sub(d.mul(ONE.sub(d.mul(HALF.sub(d.mul(SIXTH))))));
      DoubleVector e = exp(hi.neg().mul(hi)).mul(expMinusD);
      // s = copySign(1, x): 1.0 with x's sign bit (−0 and NaN included)
      DoubleVector s = xv.reinterpretAsLongs().and(SIGN).or(ONE_BITS).reinterpretAsDoubles();
      DoubleVector erfcx = DoubleVector.fromArray(S, out, k);
      ONE.sub(s).add(s.mul(erfcx.mul(e))).intoArray(out, k);
    }
    return bound;
  }

  /** {@link DoubleExp#exp}, lane by lane. */
  private static DoubleVector exp(DoubleVector x) {
    DoubleVector t = x.mul(LOG2E).add(ROUND);
    DoubleVector n = t.sub(ROUND);
    DoubleVector scale = t.reinterpretAsLongs().add(SCALE_OFFSET).lanewise(LSHL, 52)
        .reinterpretAsDoubles();
    DoubleVector r = x.sub(n.mul(LN2_HI)).sub(n.mul(LN2_LO));
    DoubleVector p = C13.mul(r).add(C12);
    p = p.mul(r).add(C11);
    p = p.mul(r).add(C10);
    p = p.mul(r).add(C9);
    p = p.mul(r).add(C8);
    p = p.mul(r).add(C7);
    p = p.mul(r).add(C6);
    p = p.mul(r).add(C5);
    p = p.mul(r).add(C4);
    p = p.mul(r).add(C3);
    p = p.mul(r).add(C2);
    p = p.mul(r).add(C1);
    p = p.mul(r).add(C0);
    return p.mul(scale);
  }

  private static DoubleVector v(double c) {
    return DoubleVector.broadcast(S, c);
  }

  private static DoubleVector c(int k) {
    return v(DoubleExp.INV_FACTORIAL[k]);
  }
}

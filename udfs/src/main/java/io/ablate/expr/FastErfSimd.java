package io.ablate.expr;

import static jdk.incubator.vector.VectorOperators.LSHL;

import io.ablate.PerThread;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector form of {@link FastErf#erfc(double[], double[], int)}: erfcx by the same Estrin
 * tree, e^(−x²) and the sign, with exactly the operations of {@link FastErf#erfc(double)} and
 * {@link DoubleExp}, lane by lane, so the same bits in every JIT tier. Loaded only when
 * {@code jdk.incubator.vector} is present.
 */
final class FastErfSimd {
  private static final VectorSpecies<Double> S = io.ablate.kernel.simd.Species.DOUBLE;
  // Constants as static final vectors: E2 folds them to loads (a broadcast per use costs inlining
  // budget).
  private static final DoubleVector ONE = v(1.0);
  private static final DoubleVector LIMIT = v(FastErf.LIMIT);
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
  private static final DoubleVector E2 = e(2);
  private static final DoubleVector E3 = e(3);
  private static final DoubleVector E4 = e(4);
  private static final DoubleVector E5 = e(5);
  private static final DoubleVector E6 = e(6);
  private static final DoubleVector E7 = e(7);
  private static final DoubleVector E8 = e(8);
  private static final DoubleVector E9 = e(9);
  private static final DoubleVector E10 = e(10);
  private static final DoubleVector E11 = e(11);
  private static final DoubleVector E12 = e(12);
  private static final DoubleVector E13 = e(13);
  private static final DoubleVector K = v(FastErf.K);
  private static final DoubleVector MID = v(FastErf.MID);
  private static final DoubleVector INV_HALF = v(FastErf.INV_HALF);
  // The polynomial's coefficients, one constant each (an array of vectors would load boxed ones).
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
  private static final DoubleVector C14 = c(14);
  private static final DoubleVector C15 = c(15);
  private static final DoubleVector C16 = c(16);
  private static final DoubleVector C17 = c(17);
  private static final DoubleVector C18 = c(18);
  private static final DoubleVector C19 = c(19);
  private static final DoubleVector C20 = c(20);

  private FastErfSimd() {}

  /** Per thread, the start of each vector that has a NaN or far-tail lane (see {@link #finish}). */
  private static final PerThread<int[][]> RARE = new PerThread<>(() -> new int[1][0]);

  /**
   * {@code out[k] = erfc(x[k])} for k below the largest multiple of the vector length not above
   * {@code n}; returns that multiple. The vectors flag their lanes with NaN or |x| ≥
   * {@value FastErf#LIMIT} (outlier channels put some in most rows), and only those lanes are
   * recomputed, by {@link FastErf#farTail}, after the loops: a scalar pass over every element to find
   * them cost as much as the vector erfc itself.
   */
  static int erfc(double[] x, double[] out, int n) {
    int bound = S.loopBound(n);
    int[][] rare = RARE.get();
    if (rare[0].length < bound / S.length()) {
      rare[0] = new int[bound / S.length()];
    }
    int[] rareAt = rare[0];
    erfcx(x, out, bound);
    int count = finish(x, out, bound, rareAt);
    for (int i = 0; i < count; i++) {
      for (int k = rareAt[i]; k < rareAt[i] + S.length(); k++) {
        if (!(Math.abs(x[k]) < FastErf.LIMIT)) {
          out[k] = FastErf.farTail(x[k]);
        }
      }
    }
    return bound;
  }

  /*
   * Two loops in two methods, each compiled on its own: in one, C2 reached its node budget
   * (NodeCountInliningCutoff) before the exponential and boxed every vector of it.
   */

  /** {@code out[k] = erfcx(|x[k]|)} for k below {@code bound}, a multiple of the vector length. */
  private static void erfcx(double[] x, double[] out, int bound) {
    for (int k = 0; k < bound; k += S.length()) {
      DoubleVector a = DoubleVector.fromArray(S, x, k).abs();
      // FastErf.erfcx(a): Estrin's scheme, the same tree
      DoubleVector t = a.sub(K).div(a.add(K));
      DoubleVector u = t.sub(MID).mul(INV_HALF);
      DoubleVector u2 = u.mul(u);
      DoubleVector u4 = u2.mul(u2);
      DoubleVector u8 = u4.mul(u4);
      DoubleVector u16 = u8.mul(u8);
      DoubleVector q0 = C1.mul(u).add(C0);
      DoubleVector q1 = C3.mul(u).add(C2);
      DoubleVector q2 = C5.mul(u).add(C4);
      DoubleVector q3 = C7.mul(u).add(C6);
      DoubleVector q4 = C9.mul(u).add(C8);
      DoubleVector q5 = C11.mul(u).add(C10);
      DoubleVector q6 = C13.mul(u).add(C12);
      DoubleVector q7 = C15.mul(u).add(C14);
      DoubleVector q8 = C17.mul(u).add(C16);
      DoubleVector q9 = C19.mul(u).add(C18);
      DoubleVector r0 = q1.mul(u2).add(q0);
      DoubleVector r1 = q3.mul(u2).add(q2);
      DoubleVector r2 = q5.mul(u2).add(q4);
      DoubleVector r3 = q7.mul(u2).add(q6);
      DoubleVector r4 = q9.mul(u2).add(q8);
      DoubleVector s0 = r1.mul(u4).add(r0);
      DoubleVector s1 = r3.mul(u4).add(r2);
      DoubleVector s2 = C20.mul(u4).add(r4);
      // (s0 + s1·u8) + s2·u16, as the scalar form's left-to-right sum
      s1.mul(u8).add(s0).add(s2.mul(u16)).mul(ONE.sub(t)).intoArray(out, k);
    }
  }

  /**
   * {@code out[k] = erfc(x[k])} from {@code out[k] = erfcx(|x[k]|)}, for k below {@code bound};
   * records in {@code rareAt} the start of each vector with a lane not below
   * {@value FastErf#LIMIT} (or NaN), whose value there is meaningless, and returns their number.
   */
  private static int finish(double[] x, double[] out, int bound, int[] rareAt) {
    int count = 0;
    for (int k = 0; k < bound; k += S.length()) {
      DoubleVector xv = DoubleVector.fromArray(S, x, k);
      DoubleVector a = xv.abs();
      rareAt[count] = k;
      // Some lane not below LIMIT (or NaN) iff some a − LIMIT has a clear sign bit: a reduction,
      // not a comparison (C2 sometimes compiled the kernels' mask comparisons as calls; see
      // SigmoidProductKernel.deep).
      count += (int) (~a.sub(LIMIT).reinterpretAsLongs().reduceLanes(VectorOperators.AND) >>> 63);
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
    return count;
  }

  /** {@link DoubleExp#exp}, lane by lane. */
  private static DoubleVector exp(DoubleVector x) {
    DoubleVector t = x.mul(LOG2E).add(ROUND);
    DoubleVector n = t.sub(ROUND);
    DoubleVector scale = t.reinterpretAsLongs().add(SCALE_OFFSET).lanewise(LSHL, 52)
        .reinterpretAsDoubles();
    DoubleVector r = x.sub(n.mul(LN2_HI)).sub(n.mul(LN2_LO));
    DoubleVector r2 = r.mul(r);
    DoubleVector r4 = r2.mul(r2);
    DoubleVector r8 = r4.mul(r4);
    DoubleVector q0 = E3.mul(r).add(E2);
    DoubleVector q1 = E5.mul(r).add(E4);
    DoubleVector q2 = E7.mul(r).add(E6);
    DoubleVector q3 = E9.mul(r).add(E8);
    DoubleVector q4 = E11.mul(r).add(E10);
    DoubleVector q5 = E13.mul(r).add(E12);
    DoubleVector s0 = q1.mul(r2).add(q0);
    DoubleVector s1 = q3.mul(r2).add(q2);
    DoubleVector s2 = q5.mul(r2).add(q4);
    DoubleVector poly = s1.mul(r4).add(s0).add(s2.mul(r8));
    DoubleVector p = r2.mul(poly).add(r).add(ONE);
    return p.mul(scale);
  }

  private static DoubleVector v(double c) {
    return DoubleVector.broadcast(S, c);
  }

  private static DoubleVector e(int k) {
    return v(DoubleExp.INV_FACTORIAL[k]);
  }

  private static DoubleVector c(int k) {
    return v(FastErf.COEFFS[k]);
  }
}

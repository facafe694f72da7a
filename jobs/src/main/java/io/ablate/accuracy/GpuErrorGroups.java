package io.ablate.accuracy;

import ai.rapids.cudf.BinaryOp;
import ai.rapids.cudf.ColumnVector;
import ai.rapids.cudf.ColumnView;
import ai.rapids.cudf.DType;
import ai.rapids.cudf.Scalar;
import ai.rapids.cudf.SegmentedReductionAggregation;
import io.ablate.gpu.DeviceScope;
import io.ablate.gpu.GpuVectors;
import io.ablate.gpu.RowReductions;

/**
 * The GPU form of {@code ablate_error_group}: per row, the {@link ErrorStats.Group} of one vector
 * from its inputs, outputs and reference, with cuDF. Elements are classified as {@link ErrorStats}
 * classifies them (NaN or infinite input, NaN output, special reference, compared); the counts,
 * the maxima (|err|; |err|/|r| for |r| ≥ {@value ErrorStats#REL_FLOOR}; |err| times the inverse
 * float32 ulp of r where r rounds to a normal float32, built from r's exponent bits as the CPU
 * builds it) are the CPU form's, bit for
 * bit; the five sums are float64 segmented sums of the compared elements' terms (their
 * compensations 0). Rows with a null input, output or reference are null.
 */
final class GpuErrorGroups {
  private static final SegmentedReductionAggregation SUM = SegmentedReductionAggregation.sum();
  private static final SegmentedReductionAggregation MAX = SegmentedReductionAggregation.max();

  private GpuErrorGroups() {}

  /**
   * The groups of rows {@code x} (inputs; gated: {@code [gate | up]}), {@code y}, {@code r}. Each
   * intermediate is released after its last use and each count or maximum is reduced as soon as
   * its column is final, so that few of the batch's element columns are alive at once.
   */
  static ColumnVector groups(boolean gated, ColumnView x, ColumnView y, ColumnView r) {
    try (DeviceScope s = new DeviceScope()) {
      ColumnVector ys = s.add(GpuVectors.compact(y));
      ColumnVector rs = s.add(GpuVectors.compact(r));
      ColumnView out = s.add(ys.getChildColumnView(0));
      ColumnView ref = s.add(rs.getChildColumnView(0));
      Scalar zeroD = s.add(Scalar.fromDouble(0.0));
      Scalar none = s.add(Scalar.fromDouble(Double.NEGATIVE_INFINITY));
      // Classes, as ErrorStats: input, then output, then reference.
      ColumnVector in = s.add(inputs(gated, x));
      ColumnVector nanIn = s.add(in.isNan());
      ColumnVector infIn = s.add(RowReductions.isInfinite(in));
      s.release(in);
      ColumnVector badIn = s.add(nanIn.binaryOp(BinaryOp.LOGICAL_OR, infIn, DType.BOOL8));
      ColumnVector nanInN = s.add(RowReductions.countTrue(ys, nanIn));
      ColumnVector infInN = s.add(RowReductions.countTrue(ys, infIn));
      s.release(nanIn, infIn);
      ColumnVector finIn = s.add(badIn.not());
      s.release(badIn);
      ColumnVector nanY = s.add(out.isNan());
      ColumnVector nanOut = s.add(finIn.binaryOp(BinaryOp.LOGICAL_AND, nanY, DType.BOOL8));
      ColumnVector nanOutN = s.add(RowReductions.countTrue(ys, nanOut));
      s.release(nanOut);
      ColumnVector notNanY = s.add(nanY.not());
      s.release(nanY);
      ColumnVector yOk = s.add(finIn.binaryOp(BinaryOp.LOGICAL_AND, notNanY, DType.BOOL8));
      s.release(finIn, notNanY);
      ColumnVector rNan = s.add(ref.isNan());
      ColumnVector rInf = s.add(RowReductions.isInfinite(ref));
      ColumnVector rBad = s.add(rNan.binaryOp(BinaryOp.LOGICAL_OR, rInf, DType.BOOL8));
      s.release(rInf);
      ColumnVector special = s.add(yOk.binaryOp(BinaryOp.LOGICAL_AND, rBad, DType.BOOL8));
      ColumnVector yd = s.add(out.castTo(DType.FLOAT64));
      ColumnVector differ = s.add(yd.binaryOp(BinaryOp.NOT_EQUAL, ref, DType.BOOL8));
      ColumnVector differs = s.add(differ.binaryOp(BinaryOp.LOGICAL_OR, rNan, DType.BOOL8));
      s.release(differ, rNan);
      ColumnVector mismatch = s.add(special.binaryOp(BinaryOp.LOGICAL_AND, differs,
          DType.BOOL8));
      s.release(differs);
      ColumnVector specialN = s.add(RowReductions.countTrue(ys, special));
      ColumnVector mismatchN = s.add(RowReductions.countTrue(ys, mismatch));
      s.release(special, mismatch);
      ColumnVector rOk = s.add(rBad.not());
      s.release(rBad);
      ColumnVector compared = s.add(yOk.binaryOp(BinaryOp.LOGICAL_AND, rOk, DType.BOOL8));
      s.release(yOk, rOk);
      ColumnVector yZero = s.add(yd.binaryOp(BinaryOp.EQUAL, zeroD, DType.BOOL8));
      ColumnVector zeros = s.add(compared.binaryOp(BinaryOp.LOGICAL_AND, yZero, DType.BOOL8));
      s.release(yZero);
      ColumnVector comparedN = s.add(RowReductions.countTrue(ys, compared));
      ColumnVector zerosN = s.add(RowReductions.countTrue(ys, zeros));
      s.release(zeros);
      // Sums of the compared elements' terms (0 elsewhere), in double as ErrorStats forms them.
      ColumnVector err = s.add(yd.binaryOp(BinaryOp.SUB, ref, DType.FLOAT64));
      ColumnVector abs = s.add(err.abs());
      ColumnVector absSum = s.add(RowReductions.reduceWhere(ys, compared, abs, SUM, zeroD));
      ColumnVector sqErr = s.add(err.binaryOp(BinaryOp.MUL, err, DType.FLOAT64));
      s.release(err);
      ColumnVector sqErrSum = s.add(RowReductions.reduceWhere(ys, compared, sqErr, SUM, zeroD));
      s.release(sqErr);
      ColumnVector sqRef = s.add(ref.binaryOp(BinaryOp.MUL, ref, DType.FLOAT64));
      ColumnVector sqRefSum = s.add(RowReductions.reduceWhere(ys, compared, sqRef, SUM, zeroD));
      s.release(sqRef);
      ColumnVector sqOut = s.add(yd.binaryOp(BinaryOp.MUL, yd, DType.FLOAT64));
      ColumnVector sqOutSum = s.add(RowReductions.reduceWhere(ys, compared, sqOut, SUM, zeroD));
      s.release(sqOut);
      ColumnVector refOut = s.add(ref.binaryOp(BinaryOp.MUL, yd, DType.FLOAT64));
      s.release(yd);
      ColumnVector refOutSum = s.add(RowReductions.reduceWhere(ys, compared, refOut, SUM, zeroD));
      s.release(refOut);
      // Maxima over the compared elements (−∞ elsewhere).
      ColumnVector maxAbs = s.add(RowReductions.reduceWhere(ys, compared, abs, MAX, none));
      ColumnVector absRef = s.add(ref.abs());
      Scalar floor = s.add(Scalar.fromDouble(ErrorStats.REL_FLOOR));
      ColumnVector aboveFloor = s.add(absRef.binaryOp(BinaryOp.GREATER_EQUAL, floor,
          DType.BOOL8));
      ColumnVector relOk = s.add(compared.binaryOp(BinaryOp.LOGICAL_AND, aboveFloor,
          DType.BOOL8));
      s.release(aboveFloor);
      ColumnVector rel = s.add(abs.binaryOp(BinaryOp.DIV, absRef, DType.FLOAT64));
      ColumnVector maxRel = s.add(RowReductions.reduceWhere(ys, relOk, rel, MAX, none));
      s.release(rel, relOk);
      // max_ulp only where the reference rounds to a normal float32; the others are counted.
      Scalar ulpLow = s.add(Scalar.fromDouble(ErrorStats.ULP_LOW));
      Scalar ulpHigh = s.add(Scalar.fromDouble(ErrorStats.ULP_HIGH));
      ColumnVector atLeastLow = s.add(absRef.binaryOp(BinaryOp.GREATER_EQUAL, ulpLow,
          DType.BOOL8));
      ColumnVector belowHigh = s.add(absRef.binaryOp(BinaryOp.LESS, ulpHigh, DType.BOOL8));
      s.release(absRef);
      ColumnVector normal = s.add(atLeastLow.binaryOp(BinaryOp.LOGICAL_AND, belowHigh,
          DType.BOOL8));
      s.release(atLeastLow, belowHigh);
      ColumnVector ulpOk = s.add(compared.binaryOp(BinaryOp.LOGICAL_AND, normal, DType.BOOL8));
      ColumnVector notNormal = s.add(normal.not());
      s.release(normal);
      ColumnVector excluded = s.add(compared.binaryOp(BinaryOp.LOGICAL_AND, notNormal,
          DType.BOOL8));
      s.release(notNormal);
      ColumnVector excludedN = s.add(RowReductions.countTrue(ys, excluded));
      s.release(excluded);
      ColumnVector inverseUlp = s.add(inverseFloatUlp(ref));
      s.release(ref, rs);
      ColumnVector ulps = s.add(abs.binaryOp(BinaryOp.MUL, inverseUlp, DType.FLOAT64));
      s.release(abs, inverseUlp);
      ColumnVector maxUlp = s.add(RowReductions.reduceWhere(ys, ulpOk, ulps, MAX, none));
      s.release(ulps, ulpOk, compared);
      ColumnVector noComp = s.add(ColumnVector.fromScalar(zeroD, (int) y.getRowCount()));
      ColumnVector n = s.add(RowReductions.counts(ys));
      ColumnVector struct = s.add(ColumnVector.makeStruct(y.getRowCount(), n, nanInN, infInN,
          nanOutN, specialN, mismatchN, comparedN, zerosN, excludedN, maxAbs, maxRel, maxUlp,
          absSum, noComp, sqErrSum, noComp, sqRefSum, noComp, sqOutSum, noComp, refOutSum,
          noComp));
      return struct.mergeAndSetValidity(BinaryOp.BITWISE_AND, x, y, r);
    }
  }

  /** Each element's input value whose class the element takes (gated: from gate and up). */
  private static ColumnVector inputs(boolean gated, ColumnView x) {
    if (!gated) {
      try (ColumnVector xs = GpuVectors.compact(x);
           ColumnView child = xs.getChildColumnView(0)) {
        return child.copyToColumnVector();
      }
    }
    // NaN if up is NaN; else up if up is infinite and gate finite; else gate (as the CPU pass).
    try (DeviceScope s = new DeviceScope();
         GpuVectors.Halves h = GpuVectors.halves(x)) {
      ColumnView g = s.add(h.gate().getChildColumnView(0));
      ColumnView u = s.add(h.up().getChildColumnView(0));
      ColumnVector uNan = s.add(u.isNan());
      ColumnVector uInf = s.add(RowReductions.isInfinite(u));
      ColumnVector gNan = s.add(g.isNan());
      ColumnVector gInf = s.add(RowReductions.isInfinite(g));
      ColumnVector gBad = s.add(gNan.binaryOp(BinaryOp.LOGICAL_OR, gInf, DType.BOOL8));
      ColumnVector gFinite = s.add(gBad.not());
      ColumnVector takeUp = s.add(uInf.binaryOp(BinaryOp.LOGICAL_AND, gFinite, DType.BOOL8));
      ColumnVector upOrGate = s.add(takeUp.ifElse(u, g));
      return uNan.ifElse(u, upOrGate);
    }
  }

  /**
   * 2<sup>150 − e</sup>, e = the biased exponent of (float) r clamped to [1, 254]: the inverse of
   * r's float32 ulp where (float) r is normal (elsewhere a finite placeholder, max_ulp leaves those
   * elements out), built from exponent bits, exactly as the CPU form builds it.
   */
  private static ColumnVector inverseFloatUlp(ColumnView r) {
    try (DeviceScope s = new DeviceScope()) {
      Scalar twentyThree = s.add(Scalar.fromInt(23));
      Scalar byteMask = s.add(Scalar.fromInt(0xFF));
      Scalar lo = s.add(Scalar.fromInt(1));
      Scalar hi = s.add(Scalar.fromInt(254));
      Scalar top = s.add(Scalar.fromLong(150 + 1023));
      Scalar fiftyTwo = s.add(Scalar.fromInt(52));
      ColumnVector f = s.add(r.castTo(DType.FLOAT32));
      ColumnView bits = s.add(f.bitCastTo(DType.INT32));
      ColumnVector shifted = s.add(bits.binaryOp(BinaryOp.SHIFT_RIGHT_UNSIGNED, twentyThree,
          DType.INT32));
      s.release(bits, f);
      ColumnVector e = s.add(shifted.binaryOp(BinaryOp.BITWISE_AND, byteMask, DType.INT32));
      s.release(shifted);
      ColumnVector atLeast = s.add(e.binaryOp(BinaryOp.NULL_MAX, lo, DType.INT32));
      s.release(e);
      ColumnVector clamped = s.add(atLeast.binaryOp(BinaryOp.NULL_MIN, hi, DType.INT32));
      s.release(atLeast);
      ColumnVector biased = s.add(top.binaryOp(BinaryOp.SUB, clamped, DType.INT64));
      s.release(clamped);
      ColumnVector doubleBits = s.add(biased.binaryOp(BinaryOp.SHIFT_LEFT, fiftyTwo,
          DType.INT64));
      s.release(biased);
      return s.add(doubleBits.bitCastTo(DType.FLOAT64)).copyToColumnVector();
    }
  }
}

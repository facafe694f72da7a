package io.ablate.accuracy;

import ai.rapids.cudf.BinaryOp;
import ai.rapids.cudf.ColumnVector;
import ai.rapids.cudf.ColumnView;
import ai.rapids.cudf.DType;
import ai.rapids.cudf.NullPolicy;
import ai.rapids.cudf.Scalar;
import ai.rapids.cudf.SegmentedReductionAggregation;
import io.ablate.gpu.GpuVectors;
import java.util.ArrayList;
import java.util.List;

/**
 * The GPU form of {@code ablate_error_group}: per row, the {@link ErrorStats.Group} of one vector
 * from its inputs, outputs and reference, with cuDF. Elements are classified as {@link ErrorStats}
 * classifies them (NaN or infinite input, NaN output, special reference, compared); the counts,
 * the maxima (|err|; |err|/|r| for |r| ≥ {@value ErrorStats#REL_FLOOR}; |err| times the inverse
 * float32 ulp of r, built from r's exponent bits as the CPU builds it) are the CPU form's, bit for
 * bit; the five sums are float64 segmented sums of the compared elements' terms (their
 * compensations 0). Rows with a null input, output or reference are null.
 */
final class GpuErrorGroups {
  private GpuErrorGroups() {}

  /** The groups of rows {@code x} (inputs; gated: {@code [gate | up]}), {@code y}, {@code r}. */
  static ColumnVector groups(boolean gated, ColumnView x, ColumnView y, ColumnView r) {
    try (Scope s = new Scope()) {
      ColumnVector ys = s.add(GpuVectors.compact(y));
      ColumnVector rs = s.add(GpuVectors.compact(r));
      ColumnVector out = s.add(s.add(ys.getChildColumnView(0)).copyToColumnVector());
      ColumnVector ref = s.add(s.add(rs.getChildColumnView(0)).copyToColumnVector());
      ColumnVector in = s.add(inputs(gated, x));
      // Classes, as ErrorStats: input, then output, then reference.
      ColumnVector nanIn = s.add(in.isNan());
      ColumnVector infIn = s.add(isInfinite(s, in));
      ColumnVector badIn = s.add(nanIn.binaryOp(BinaryOp.LOGICAL_OR, infIn, DType.BOOL8));
      ColumnVector finIn = s.add(badIn.not());
      ColumnVector nanY = s.add(out.isNan());
      ColumnVector nanOut = s.add(finIn.binaryOp(BinaryOp.LOGICAL_AND, nanY, DType.BOOL8));
      ColumnVector notNanY = s.add(nanY.not());
      ColumnVector yOk = s.add(finIn.binaryOp(BinaryOp.LOGICAL_AND, notNanY, DType.BOOL8));
      ColumnVector rNan = s.add(ref.isNan());
      ColumnVector rInf = s.add(isInfinite(s, ref));
      ColumnVector rBad = s.add(rNan.binaryOp(BinaryOp.LOGICAL_OR, rInf, DType.BOOL8));
      ColumnVector special = s.add(yOk.binaryOp(BinaryOp.LOGICAL_AND, rBad, DType.BOOL8));
      ColumnVector yd = s.add(out.castTo(DType.FLOAT64));
      ColumnVector differ = s.add(yd.binaryOp(BinaryOp.NOT_EQUAL, ref, DType.BOOL8));
      ColumnVector differs = s.add(differ.binaryOp(BinaryOp.LOGICAL_OR, rNan, DType.BOOL8));
      ColumnVector mismatch = s.add(special.binaryOp(BinaryOp.LOGICAL_AND, differs,
          DType.BOOL8));
      ColumnVector rOk = s.add(rBad.not());
      ColumnVector compared = s.add(yOk.binaryOp(BinaryOp.LOGICAL_AND, rOk, DType.BOOL8));
      Scalar zeroD = s.add(Scalar.fromDouble(0.0));
      ColumnVector yZero = s.add(yd.binaryOp(BinaryOp.EQUAL, zeroD, DType.BOOL8));
      ColumnVector zeros = s.add(compared.binaryOp(BinaryOp.LOGICAL_AND, yZero, DType.BOOL8));
      // Terms of the compared elements (0 elsewhere), in double as ErrorStats forms them.
      ColumnVector err = s.add(yd.binaryOp(BinaryOp.SUB, ref, DType.FLOAT64));
      ColumnVector abs = s.add(err.abs());
      ColumnVector absT = s.add(compared.ifElse(abs, zeroD));
      ColumnVector sqErr = s.add(err.binaryOp(BinaryOp.MUL, err, DType.FLOAT64));
      ColumnVector sqErrT = s.add(compared.ifElse(sqErr, zeroD));
      ColumnVector sqRef = s.add(ref.binaryOp(BinaryOp.MUL, ref, DType.FLOAT64));
      ColumnVector sqRefT = s.add(compared.ifElse(sqRef, zeroD));
      ColumnVector sqOut = s.add(yd.binaryOp(BinaryOp.MUL, yd, DType.FLOAT64));
      ColumnVector sqOutT = s.add(compared.ifElse(sqOut, zeroD));
      ColumnVector refOut = s.add(ref.binaryOp(BinaryOp.MUL, yd, DType.FLOAT64));
      ColumnVector refOutT = s.add(compared.ifElse(refOut, zeroD));
      // Maxima over the compared elements (−∞ elsewhere).
      Scalar none = s.add(Scalar.fromDouble(Double.NEGATIVE_INFINITY));
      ColumnVector maxAbsT = s.add(compared.ifElse(abs, none));
      ColumnVector absRef = s.add(ref.abs());
      Scalar floor = s.add(Scalar.fromDouble(ErrorStats.REL_FLOOR));
      ColumnVector aboveFloor = s.add(absRef.binaryOp(BinaryOp.GREATER_EQUAL, floor,
          DType.BOOL8));
      ColumnVector relOk = s.add(compared.binaryOp(BinaryOp.LOGICAL_AND, aboveFloor,
          DType.BOOL8));
      ColumnVector rel = s.add(abs.binaryOp(BinaryOp.DIV, absRef, DType.FLOAT64));
      ColumnVector relT = s.add(relOk.ifElse(rel, none));
      ColumnVector inverseUlp = s.add(inverseFloatUlp(s, ref));
      ColumnVector ulps = s.add(abs.binaryOp(BinaryOp.MUL, inverseUlp, DType.FLOAT64));
      ColumnVector ulpT = s.add(compared.ifElse(ulps, none));
      // Per row: the list structure of y over each derived column, reduced.
      List<ColumnVector> fields = new ArrayList<>();
      fields.add(s.add(count(ys)));
      for (ColumnVector c : List.of(nanIn, infIn, nanOut, special, mismatch, compared, zeros)) {
        fields.add(s.add(reduce(s, ys, c, SegmentedReductionAggregation.sum(), DType.INT64)));
      }
      for (ColumnVector c : List.of(maxAbsT, relT, ulpT)) {
        fields.add(s.add(reduce(s, ys, c, SegmentedReductionAggregation.max(), DType.FLOAT64)));
      }
      ColumnVector noComp = s.add(ColumnVector.fromScalar(zeroD, (int) y.getRowCount()));
      for (ColumnVector c : List.of(absT, sqErrT, sqRefT, sqOutT, refOutT)) {
        fields.add(s.add(reduce(s, ys, c, SegmentedReductionAggregation.sum(), DType.FLOAT64)));
        fields.add(noComp);
      }
      ColumnVector struct = s.add(ColumnVector.makeStruct(y.getRowCount(),
          fields.toArray(new ColumnView[0])));
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
    try (Scope s = new Scope();
         GpuVectors.Halves h = GpuVectors.halves(x)) {
      ColumnVector g = s.add(s.add(h.gate().getChildColumnView(0)).copyToColumnVector());
      ColumnVector u = s.add(s.add(h.up().getChildColumnView(0)).copyToColumnVector());
      ColumnVector uNan = s.add(u.isNan());
      ColumnVector uInf = s.add(isInfinite(s, u));
      ColumnVector gNan = s.add(g.isNan());
      ColumnVector gInf = s.add(isInfinite(s, g));
      ColumnVector gBad = s.add(gNan.binaryOp(BinaryOp.LOGICAL_OR, gInf, DType.BOOL8));
      ColumnVector gFinite = s.add(gBad.not());
      ColumnVector takeUp = s.add(uInf.binaryOp(BinaryOp.LOGICAL_AND, gFinite, DType.BOOL8));
      ColumnVector upOrGate = s.add(takeUp.ifElse(u, g));
      return uNan.ifElse(u, upOrGate);
    }
  }

  /** Whether each value is +∞ or −∞. */
  private static ColumnVector isInfinite(Scope s, ColumnView v) {
    Scalar inf = s.add(v.getType().equals(DType.FLOAT32) ? Scalar.fromFloat(Float.POSITIVE_INFINITY)
        : Scalar.fromDouble(Double.POSITIVE_INFINITY));
    ColumnVector abs = s.add(v.abs());
    return abs.binaryOp(BinaryOp.EQUAL, inf, DType.BOOL8);
  }

  /**
   * 2<sup>150 − e</sup>, e = the biased exponent of (float) r clamped to [1, 254]: the inverse of
   * r's float32 ulp (Float.MIN_VALUE's for zero and subnormals, Float.MAX_VALUE's beyond the float
   * range), built from exponent bits, exactly as the CPU form builds it.
   */
  private static ColumnVector inverseFloatUlp(Scope s, ColumnView r) {
    ColumnVector f = s.add(r.castTo(DType.FLOAT32));
    ColumnVector bits = s.add(s.add(f.bitCastTo(DType.INT32)).copyToColumnVector());
    Scalar twentyThree = s.add(Scalar.fromInt(23));
    Scalar byteMask = s.add(Scalar.fromInt(0xFF));
    Scalar lo = s.add(Scalar.fromInt(1));
    Scalar hi = s.add(Scalar.fromInt(254));
    ColumnVector shifted = s.add(bits.binaryOp(BinaryOp.SHIFT_RIGHT_UNSIGNED, twentyThree,
        DType.INT32));
    ColumnVector e = s.add(shifted.binaryOp(BinaryOp.BITWISE_AND, byteMask, DType.INT32));
    ColumnVector atLeast = s.add(e.binaryOp(BinaryOp.NULL_MAX, lo, DType.INT32));
    ColumnVector clamped = s.add(atLeast.binaryOp(BinaryOp.NULL_MIN, hi, DType.INT32));
    Scalar top = s.add(Scalar.fromLong(150 + 1023));
    ColumnVector biased = s.add(top.binaryOp(BinaryOp.SUB, clamped, DType.INT64));
    Scalar fiftyTwo = s.add(Scalar.fromInt(52));
    ColumnVector doubleBits = s.add(biased.binaryOp(BinaryOp.SHIFT_LEFT, fiftyTwo, DType.INT64));
    return s.add(doubleBits.bitCastTo(DType.FLOAT64)).copyToColumnVector();
  }

  /** Each row's element count. */
  private static ColumnVector count(ColumnView lists) {
    try (ColumnVector counts = lists.countElements();
         ColumnVector wide = counts.castTo(DType.INT64);
         Scalar zero = Scalar.fromLong(0)) {
      return wide.replaceNulls(zero);
    }
  }

  /**
   * {@code values} (one per element of {@code lists}, in element order) reduced per row: sums of
   * BOOL8 classes as counts, sums or maxima of terms; an empty or null row reduces to 0 (sums) or
   * −∞ (maxima).
   */
  private static ColumnVector reduce(Scope s, ColumnView lists, ColumnView values,
      SegmentedReductionAggregation agg, DType type) {
    ColumnVector typed = s.add(values.castTo(type));
    ColumnView asLists = s.add(lists.replaceListChild(typed));
    ColumnVector reduced = s.add(asLists.listReduce(agg, NullPolicy.EXCLUDE, type));
    boolean max = type.equals(DType.FLOAT64) && agg.equals(SegmentedReductionAggregation.max());
    Scalar empty = s.add(type.equals(DType.INT64) ? Scalar.fromLong(0)
        : Scalar.fromDouble(max ? Double.NEGATIVE_INFINITY : 0.0));
    return reduced.replaceNulls(empty);
  }

  /** Device columns, views and scalars closed together, in reverse order of their creation. */
  static final class Scope implements AutoCloseable {
    private final List<AutoCloseable> owned = new ArrayList<>();

    <T extends AutoCloseable> T add(T resource) {
      owned.add(resource);
      return resource;
    }

    @Override
    public void close() {
      RuntimeException failure = null;
      for (int i = owned.size() - 1; i >= 0; i--) {
        try {
          owned.get(i).close();
        } catch (Exception e) {
          if (failure == null) {
            failure = new IllegalStateException("closing device memory", e);
          }
        }
      }
      if (failure != null) {
        throw failure;
      }
    }
  }
}

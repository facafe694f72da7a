package io.ablate.selfcheck;

import io.ablate.activation.AccuracyBound;
import io.ablate.activation.Variant;
import io.ablate.encoding.ColumnKind;
import io.ablate.encoding.Dtype;
import io.ablate.precision.FloatFormat;
import io.ablate.precision.Precision;
import java.util.ArrayList;
import java.util.List;

/**
 * Compares a GPU form's rows with the CPU form's, row by row: the row count, which rows are null,
 * which elements are null, each vector's length, and each value. Exact variants (fp32 variants
 * whose bound is half an ulp) must agree bit for bit; other fp32 variants within twice their
 * stated bound of each other (each form is within the bound of the float64 reference; a gated
 * variant's absolute part scaled by |up|); reduced
 * precisions and binary outputs within one step of the coarser format (two roundings of values a
 * few float32 ulps apart may land on neighbouring steps); static int8 within one quantisation
 * step. NaN matches NaN only.
 */
public final class Compare {
  private Compare() {}

  /** What a comparison found: its verdict, the largest difference in float32 ulps, the first problem. */
  public record Result(boolean ok, double maxUlp, String problem) {}

  /**
   * Compares the rows of one case; {@code expected} from the CPU form, {@code actual} the GPU's.
   * For gated variants the absolute part of the bound scales with |up|, which {@code c}'s inputs
   * give (null: no scaling).
   */
  public static Result rows(Variant variant, Cases.Case c, List<Object> expected,
      List<Object> actual) {
    Cases.Shape shape = c == null ? Cases.Shape.ARRAY : c.shape();
    if (expected.size() != actual.size()) {
      return new Result(false, Double.NaN, "rows: expected " + expected.size() + ", got "
          + actual.size());
    }
    double maxUlp = 0;
    for (int i = 0; i < expected.size(); i++) {
      Object e = expected.get(i);
      Object a = actual.get(i);
      if ((e == null) != (a == null)) {
        return new Result(false, maxUlp, "row " + i + ": expected " + (e == null ? "null" : "a value")
            + ", got " + (a == null ? "null" : "a value"));
      }
      if (e == null) {
        continue;
      }
      List<Float> ev = values(e, shape);
      List<Float> av = values(a, shape);
      List<Float> ups = variant.gated() && c != null ? ups(c, i, shape) : null;
      if (ev.size() != av.size()) {
        return new Result(false, maxUlp, "row " + i + ": expected " + ev.size() + " values, got "
            + av.size());
      }
      for (int k = 0; k < ev.size(); k++) {
        Float x = ev.get(k);
        Float y = av.get(k);
        if ((x == null) != (y == null)) {
          return new Result(false, maxUlp, "row " + i + ", element " + k + ": null in one form only");
        }
        if (x == null) {
          continue;
        }
        maxUlp = Math.max(maxUlp, AccuracyBound.ulpError(x, y));
        Float up = ups == null || k >= ups.size() ? null : ups.get(k);
        double absScale = up == null ? 1 : Math.max(1, Math.abs(up));
        if (!accepts(variant, shape, x, y, absScale)) {
          return new Result(false, maxUlp, "row " + i + ", element " + k + ": expected " + x
              + ", got " + y);
        }
      }
    }
    return new Result(true, maxUlp, null);
  }

  /** Row i's up values: the second half of a packed vector, or the second argument's row. */
  private static List<Float> ups(Cases.Case c, int i, Cases.Shape shape) {
    if (shape.pair()) {
      Object up = c.second().get(i);
      return up == null ? null : values(up, shape);
    }
    Object row = c.first().get(i);
    if (row == null) {
      return null;
    }
    List<Float> all = values(row, shape);
    return all.subList(all.size() / 2, all.size());
  }

  /**
   * Whether a GPU value {@code y} is close enough to the CPU's {@code x} (see the class comment);
   * {@code absScale} scales the absolute part of the bound (|up| for gated variants).
   */
  static boolean accepts(Variant variant, Cases.Shape shape, float x, float y, double absScale) {
    if (Float.isNaN(x) || Float.isNaN(y)) {
      return Float.isNaN(x) && Float.isNaN(y);
    }
    if (x == y) {
      return true;
    }
    if (Float.isInfinite(x) || Float.isInfinite(y)) {
      return false;
    }
    double diff = Math.abs((double) x - y);
    double allowed = 0;
    Precision p = variant.precision();
    if (p instanceof Precision.Reduced r) {
      allowed = step(r.format(), Math.max(Math.abs(x), Math.abs(y)));
    } else if (p instanceof Precision.Int8 q && q.isStatic()) {
      allowed = q.scale();
    } else if (p instanceof Precision.Float32) {
      AccuracyBound b = variant.activation().bound();
      if (b.ulps() <= 0.5 && b.absolute() == 0) {
        return false; // exact: only the same bits
      }
      allowed = Math.max(2 * b.ulps() * Math.ulp(Math.max(Math.abs(x), Math.abs(y))),
          2 * b.absolute() * absScale);
    }
    if (shape.kind == ColumnKind.BINARY && shape.dtype != Dtype.F32) {
      FloatFormat f = shape.dtype == Dtype.BF16 ? FloatFormat.BF16 : FloatFormat.FP16;
      allowed = Math.max(allowed, step(f, Math.max(Math.abs(x), Math.abs(y))));
    }
    return diff <= allowed;
  }

  /** One step of format {@code f} at magnitude {@code m} (its subnormal step below its range). */
  static double step(FloatFormat f, double m) {
    int e = m == 0 ? f.minExponent() : Math.max(f.minExponent(), Math.getExponent(m));
    return Math.scalb(1.0, e - f.mantissaBits());
  }

  /** A row's values: a scalar, a list of boxed floats, or binary bytes decoded. */
  static List<Float> values(Object row, Cases.Shape shape) {
    List<Float> out = new ArrayList<>();
    if (row instanceof Float f) {
      out.add(f);
    } else if (row instanceof Double d) {
      out.add((float) (double) d);
    } else if (row instanceof byte[] b) {
      for (float f : shape.dtype.decode(b)) {
        out.add(f);
      }
    } else if (row instanceof Object[] arr) {
      for (Object o : arr) {
        out.add(o == null ? null : ((Number) o).floatValue());
      }
    } else if (row instanceof List<?> l) {
      for (Object o : l) {
        out.add(o == null ? null : ((Number) o).floatValue());
      }
    } else {
      throw new IllegalArgumentException("not a row value: " + row.getClass());
    }
    return out;
  }
}

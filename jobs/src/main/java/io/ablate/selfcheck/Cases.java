package io.ablate.selfcheck;

import io.ablate.encoding.ColumnKind;
import io.ablate.encoding.Dtype;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The inputs of the GPU self-check, built on the host: for each column shape an activation call
 * takes, rows that exercise what the GPU forms must get right. Float and double columns hold
 * random values, the special values (±0, ±∞, NaN, subnormals, huge magnitudes) and null rows;
 * {@code array<float>} rows are ragged (0 to 33 values), some null, some with null elements;
 * binary rows encode such vectors in f32, bf16 or f16, some null; gated calls come packed
 * {@code [gate | up]} or as gate and up apart, with rows null on one side only.
 */
public final class Cases {
  private Cases() {}

  /** The column shapes, with the kind and dtype of their calls. */
  public enum Shape {
    FLOAT(ColumnKind.FLOAT, Dtype.F32, false), DOUBLE(ColumnKind.DOUBLE, Dtype.F32, false),
    ARRAY(ColumnKind.FLOAT_ARRAY, Dtype.F32, false), F32(ColumnKind.BINARY, Dtype.F32, false),
    BF16(ColumnKind.BINARY, Dtype.BF16, false), F16(ColumnKind.BINARY, Dtype.F16, false),
    /** Gated only: two scalar columns, gate and up. */
    FLOAT_PAIR(ColumnKind.FLOAT, Dtype.F32, false),
    /** Gated only: gate and up as two array columns. */
    ARRAY_PAIR(ColumnKind.FLOAT_ARRAY, Dtype.F32, false),
    /** Gated only: one array column of [gate | up]. */
    ARRAY_PACKED(ColumnKind.FLOAT_ARRAY, Dtype.F32, true),
    /** Gated only: one bf16 binary column of [gate | up]. */
    BF16_PACKED(ColumnKind.BINARY, Dtype.BF16, true);

    public final ColumnKind kind;
    public final Dtype dtype;
    public final boolean packed;

    Shape(ColumnKind kind, Dtype dtype, boolean packed) {
      this.kind = kind;
      this.dtype = dtype;
      this.packed = packed;
    }

    /** Whether the shape is one for gated variants. */
    public boolean gated() {
      return this == FLOAT_PAIR || this == ARRAY_PAIR || this == ARRAY_PACKED
          || this == BF16_PACKED;
    }

    /** Two data columns (gate and up apart). */
    public boolean pair() {
      return this == FLOAT_PAIR || this == ARRAY_PAIR;
    }
  }

  /** The special values every shape carries. */
  static final float[] SPECIAL = {0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
      Float.NaN, Float.MIN_VALUE, -Float.MIN_VALUE, 1e-40f, Float.MIN_NORMAL, Float.MAX_VALUE,
      -Float.MAX_VALUE, 1e30f, -1e30f, 88.7f, -88.7f, 20f, -20f, 1f, -1f};

  /**
   * One case: the rows of its one or two argument columns, as host values (Float, Double, a list
   * of boxed floats with possible nulls, byte[]; null for a null row).
   */
  public record Case(Shape shape, List<Object> first, List<Object> second) {
    public int rows() {
      return first.size();
    }
  }

  /** The case of {@code shape}, {@code rows} rows from {@code seed}. */
  public static Case of(Shape shape, int rows, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<Object> a = new ArrayList<>();
    List<Object> b = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      boolean nullRow = i % 7 == 3;
      switch (shape) {
        case FLOAT, FLOAT_PAIR -> {
          a.add(nullRow ? null : value(r, i));
          b.add(i % 11 == 5 ? null : value(r, i + 1));
        }
        case DOUBLE -> a.add(nullRow ? null : (double) value(r, i));
        case ARRAY, ARRAY_PACKED -> a.add(nullRow ? null : vector(r, length(r, i), true,
            shape.packed));
        case ARRAY_PAIR -> {
          int n = length(r, i);
          a.add(nullRow ? null : vector(r, n, true, false));
          b.add(i % 11 == 5 ? null : vector(r, n, true, false));
        }
        default -> a.add(nullRow ? null : bytes(vector(r, length(r, i), false, shape.packed),
            shape.dtype));
      }
    }
    return new Case(shape, a, shape.pair() ? b : List.of());
  }

  private static int length(SplittableRandom r, int i) {
    int[] lengths = {0, 1, 5, 16, 33};
    return lengths[(i + r.nextInt(5)) % lengths.length];
  }

  private static float value(SplittableRandom r, int i) {
    return i % 3 == 0 ? SPECIAL[r.nextInt(SPECIAL.length)] : (float) (4 * r.nextGaussian());
  }

  /** A vector of n values (2n when packed: [gate | up]); null elements only where allowed. */
  private static List<Float> vector(SplittableRandom r, int n, boolean nullElements,
      boolean packed) {
    int len = packed ? 2 * n : n;
    Float[] v = new Float[len];
    for (int k = 0; k < len; k++) {
      v[k] = nullElements && r.nextInt(23) == 0 ? null : value(r, k);
    }
    return Arrays.asList(v);
  }

  /** A vector's values encoded in {@code dtype} (little-endian). */
  static byte[] bytes(List<Float> v, Dtype dtype) {
    float[] f = new float[v.size()];
    for (int k = 0; k < f.length; k++) {
      f[k] = v.get(k);
    }
    return dtype.encode(f, 0, f.length);
  }
}

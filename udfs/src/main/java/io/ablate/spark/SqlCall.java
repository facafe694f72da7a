package io.ablate.spark;

import io.ablate.AblateException;
import io.ablate.activation.Catalogue;
import io.ablate.activation.Variant;
import io.ablate.encoding.ColumnKind;
import io.ablate.encoding.Dtype;
import io.ablate.expr.Expr;
import io.ablate.expr.GpuExpansion;
import io.ablate.kernel.Kernel;
import io.ablate.precision.FloatFormat;
import java.io.Serializable;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * One call of an activation in SQL, as the analyzer resolved it: which variant, on which column
 * kind, with which binary dtype, and, for gated variants, whether gate and up come packed in one
 * vector or as two. Serializable (it ships to executors); the variant and its kernel are resolved
 * again, lazily, where it runs. Evaluates rows on the CPU with the variant's SIMD kernel.
 */
public final class SqlCall implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String function;
  private final String variantName;
  private final ColumnKind kind;
  private final Dtype dtype;
  private final boolean gated;
  private final boolean packed;

  private transient Variant variant;
  private transient Kernel kernel;

  SqlCall(String function, Variant variant, ColumnKind kind, Dtype dtype, boolean packed) {
    this.function = function;
    this.variantName = variant.name();
    this.kind = kind;
    this.dtype = dtype;
    this.gated = variant.gated();
    this.packed = packed;
    this.variant = variant;
  }

  public String function() {
    return function;
  }

  public Variant variant() {
    if (variant == null) {
      variant = Catalogue.variant(variantName);
    }
    return variant;
  }

  public ColumnKind kind() {
    return kind;
  }

  public Dtype dtype() {
    return dtype;
  }

  public boolean packed() {
    return packed;
  }

  /** Number of data arguments: 2 for gated variants given gate and up separately. */
  public int dataArgs() {
    return gated && !packed ? 2 : 1;
  }

  /** Name shown in plans, e.g. {@code swiglu} or {@code act(gelu@bf16)}. */
  public String displayName() {
    return function.equals("act") ? "act(" + variantName + ")" : function;
  }

  public DataType resultType() {
    switch (kind) {
      case FLOAT: return DataTypes.FloatType;
      case DOUBLE: return DataTypes.DoubleType;
      case FLOAT_ARRAY: return DataTypes.createArrayType(DataTypes.FloatType, true);
      default: return DataTypes.BinaryType;
    }
  }

  /**
   * The expression the GPU evaluates; for bf16 binary output, rounded to float32 and then to bf16
   * before packing, as the CPU form rounds its float32 outputs: the same two roundings, the same
   * bits.
   */
  public Expr gpuExpression() {
    Expr e = variant().expression().orElseThrow(() -> new IllegalStateException(
        variantName + " has no single-expression form"));
    if (kind == ColumnKind.BINARY && dtype == Dtype.BF16) {
      e = Expr.round(FloatFormat.BF16, Expr.round(FloatFormat.FP32, e));
    }
    return GpuExpansion.expand(e);
  }

  private Kernel kernel() {
    if (kernel == null) {
      kernel = variant().kernel();
    }
    return kernel;
  }

  // ---- CPU evaluation ----

  /** A float (or a double, through float32): the variant at one value. */
  public float applyScalar(float x) {
    float[] v = {x};
    float[] out = new float[1];
    if (gated) {
      throw new IllegalStateException("gated scalar calls take two values");
    }
    kernel().apply(v, 0, out, 0, 1);
    return out[0];
  }

  /** Gated, on two scalar values. */
  public float applyScalar(float gate, float up) {
    float[] out = new float[1];
    kernel().applyGated(new float[] {gate}, 0, new float[] {up}, 0, out, 0, 1);
    return out[0];
  }

  /** One vector: elementwise, or gated {@code [gate | up]} (output half as long). */
  public float[] applyVector(float[] x) {
    if (!gated) {
      float[] out = new float[x.length];
      kernel().apply(x, 0, out, 0, x.length);
      return out;
    }
    if (x.length % 2 != 0) {
      throw AblateException.badInput("%s: a [gate | up] vector has odd length %d; expected two "
          + "halves of equal length", displayName(), x.length);
    }
    int h = x.length / 2;
    float[] out = new float[h];
    kernel().applyGated(x, 0, x, h, out, 0, h);
    return out;
  }

  /** Gated, on separate gate and up vectors of equal length. */
  public float[] applyPair(float[] gate, float[] up) {
    if (gate.length != up.length) {
      throw AblateException.badInput("%s: gate has %d values but up has %d; they must be equal",
          displayName(), gate.length, up.length);
    }
    float[] out = new float[gate.length];
    kernel().applyGated(gate, 0, up, 0, out, 0, gate.length);
    return out;
  }

  /**
   * Catalyst's internal values (Float, Double, ArrayData, byte[]), as the CPU expression receives
   * them. Arrays are read with {@code toFloatArray} (a bulk copy: no boxing) unless they hold nulls.
   */
  public Object evalInternal(Object a, Object b) {
    switch (kind) {
      case FLOAT:
        return b == null ? applyScalar((Float) a) : applyScalar((Float) a, (Float) b);
      case DOUBLE:
        return (double) (b == null ? applyScalar((float) (double) (Double) a)
            : applyScalar((float) (double) (Double) a, (float) (double) (Double) b));
      case BINARY:
        if (b == null) {
          return encode(applyVector(dtype.decode((byte[]) a)));
        }
        return encode(applyPair(dtype.decode((byte[]) a), dtype.decode((byte[]) b)));
      default:
        return arrays((ArrayData) a, (ArrayData) b);
    }
  }

  /**
   * The values a {@code ScalaUDF} receives (Float, Double, a Scala sequence of boxed floats, byte[]):
   * the CPU path of the GPU form, used where the plugin leaves the expression on the CPU. Boxing is
   * inherent to ScalaUDF here; the {@link ActivationExpression} avoids it when there is no plugin.
   */
  public Object evalExternal(Object a, Object b) {
    if (a == null || (dataArgs() == 2 && b == null)) {
      return null;
    }
    if (kind != ColumnKind.FLOAT_ARRAY) {
      return evalInternal(a, b);
    }
    ArrayData x = new GenericArrayData((scala.collection.Seq<?>) a);
    ArrayData y = b == null ? null : new GenericArrayData((scala.collection.Seq<?>) b);
    ArrayData out = arrays(x, y);
    return out.toObjectArray(DataTypes.FloatType);
  }

  private byte[] encode(float[] v) {
    return dtype.encode(v, 0, v.length);
  }

  private ArrayData arrays(ArrayData a, ArrayData b) {
    boolean[] nulls = nulls(a, b);
    float[] x = a.toFloatArray();
    float[] out = b == null ? applyVector(x) : applyPair(x, b.toFloatArray());
    if (nulls == null) {
      return UnsafeArrayData.fromPrimitiveArray(out);
    }
    Object[] boxed = new Object[out.length]; // rare path: arrays with null elements
    for (int i = 0; i < out.length; i++) {
      boxed[i] = nulls[i] ? null : (Object) out[i];
    }
    return new GenericArrayData(boxed);
  }

  /** Null positions of the output, or null when no element is null. */
  private boolean[] nulls(ArrayData a, ArrayData b) {
    int n = a.numElements();
    int outLength = b == null && gated ? n / 2 : n;
    boolean[] nulls = null;
    for (int i = 0; i < n; i++) {
      boolean isNull = a.isNullAt(i) || (b != null && i < b.numElements() && b.isNullAt(i));
      if (isNull) {
        if (nulls == null) {
          nulls = new boolean[outLength];
        }
        nulls[b == null && gated ? i % Math.max(1, outLength) : i] = true;
      }
    }
    return nulls;
  }
}

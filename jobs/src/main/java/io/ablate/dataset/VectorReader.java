package io.ablate.dataset;

import io.ablate.encoding.Dtype;
import io.ablate.AblateException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.spark.rdd.InputFileBlockHolder;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Reads the rows of {@link ActivationDataset#internalRows()}: the key of each row (with the defaults
 * of {@link ActivationDataset#rows()} for a missing or null model, checkpoint or site, and integer
 * columns of any width that fit an int) and its vector as a primitive float array (a bulk copy of
 * the array data, or a decode of the binary data; never boxed), with the row-level checks of the
 * contract: a known dtype, and a binary length that is a multiple of its width. Errors name the
 * file, the sample and token, and the value.
 */
public final class VectorReader implements Serializable {
  /**
   * The name of the accumulator a pass counts the values it reads in: progress reporting shows
   * values/s from the tasks' updates of it.
   */
  public static final String VALUES_ACCUMULATOR = "ablate.values";

  private static final long serialVersionUID = 1L;

  /** What a metric row is keyed by. */
  public record Key(String model, String checkpoint, int layer, String site)
      implements Serializable, Comparable<Key> {
    @Override
    public int compareTo(Key o) {
      int c = model.compareTo(o.model);
      c = c != 0 ? c : checkpoint.compareTo(o.checkpoint);
      c = c != 0 ? c : Integer.compare(layer, o.layer);
      return c != 0 ? c : site.compareTo(o.site);
    }
  }

  private final ActivationDataset.Encoding encoding;
  private final Column model;
  private final Column checkpoint;
  private final Column layer;
  private final Column site;
  private final Column sampleId;
  private final Column token;
  private final int vector;
  private final int dtype;
  /** Whether the vectors are {@code array<double>}, read rounded to float32. */
  private final boolean doubles;
  /** Counts the values that rounding to float32 changed (null: not counted). */
  private final LongAccumulator rounded;

  /** A column of the stored rows: its ordinal (−1 when the files lack it) and its type. */
  private record Column(String name, int ordinal, DataType type) implements Serializable {
    static Column of(StructType schema, String name) {
      for (int i = 0; i < schema.size(); i++) {
        if (schema.fields()[i].name().equals(name)) {
          return new Column(name, i, schema.fields()[i].dataType());
        }
      }
      return new Column(name, -1, DataTypes.NullType);
    }

    boolean isNull(InternalRow r) {
      return ordinal < 0 || r.isNullAt(ordinal);
    }

    /** The value of an integer column (int, long, short or byte) of a non-null row. */
    long wide(InternalRow r) {
      if (type instanceof IntegerType) {
        return r.getInt(ordinal);
      }
      if (type instanceof ShortType) {
        return r.getShort(ordinal);
      }
      return type instanceof ByteType ? r.getByte(ordinal) : r.getLong(ordinal);
    }

    /** The string, or {@code fallback} when missing or null (as {@link ActivationDataset#rows()}). */
    String string(InternalRow r, String fallback) {
      return isNull(r) ? fallback : r.getUTF8String(ordinal).toString();
    }

    /** A string or integer id as text (decimal digits for an integer). */
    String id(InternalRow r) {
      return type instanceof StringType ? r.getUTF8String(ordinal).toString()
          : Long.toString(wide(r));
    }
  }

  /** For {@link ActivationDataset#internalRows()}. */
  public VectorReader(ActivationDataset dataset) {
    this(dataset.encoding(), dataset.storedSchema(), dataset.roundedAccumulator());
  }

  VectorReader(ActivationDataset.Encoding encoding, StructType schema) {
    this(encoding, schema, null);
  }

  private VectorReader(ActivationDataset.Encoding encoding, StructType schema,
      LongAccumulator rounded) {
    this.encoding = encoding;
    this.model = Column.of(schema, "model");
    this.checkpoint = Column.of(schema, "checkpoint");
    this.layer = Column.of(schema, "layer");
    this.site = Column.of(schema, "site");
    this.sampleId = Column.of(schema, "sample_id");
    this.token = Column.of(schema, "token");
    this.vector = schema.fieldIndex(encoding == ActivationDataset.Encoding.ARRAY ? "values" : "data");
    this.dtype = encoding == ActivationDataset.Encoding.BINARY ? schema.fieldIndex("dtype") : -1;
    this.doubles = encoding == ActivationDataset.Encoding.ARRAY
        && ((ArrayType) schema.fields()[vector].dataType()).elementType() instanceof DoubleType;
    this.rounded = rounded;
  }

  public Key key(InternalRow r) {
    if (layer.isNull(r)) {
      throw AblateException.badInput("%s: column 'layer' is null", where(r));
    }
    return new Key(model.string(r, ActivationDataset.UNKNOWN),
        checkpoint.string(r, ActivationDataset.UNKNOWN), integer(r, layer),
        site.string(r, ActivationDataset.DEFAULT_SITE));
  }

  /** An integer column (int, or a long, short or byte that fits an int) of a non-null row. */
  private int integer(InternalRow r, Column c) {
    long v = c.wide(r);
    if (v != (int) v) {
      throw AblateException.badInput("%s: column '%s' has value %d, beyond the int range",
          where(r), c.name(), v);
    }
    return (int) v;
  }

  /**
   * The file of the row just read by this task: Spark's own record of it (what
   * {@code input_file_name()} returns), kept per task thread by the file scan.
   */
  public static UTF8String file() {
    return InputFileBlockHolder.getInputFilePath();
  }

  /**
   * The row's vector. A null vector or a null element is bad input naming the row: a missing
   * value is not a zero, and a row left out would change every count without a trace.
   */
  public float[] vector(InternalRow r) {
    if (r.isNullAt(vector)) {
      throw AblateException.badInput("%s: %s", where(r), nullVector(encoding));
    }
    if (encoding == ActivationDataset.Encoding.ARRAY) {
      ArrayData values = r.getArray(vector);
      for (int i = 0, n = values.numElements(); i < n; i++) {
        if (values.isNullAt(i)) {
          throw AblateException.badInput("%s: %s", where(r), NULL_ELEMENT);
        }
      }
      return doubles ? rounded(values.toDoubleArray()) : values.toFloatArray();
    }
    if (r.isNullAt(dtype)) {
      throw AblateException.badInput("%s: dtype is null; valid: %s", where(r), DTYPES);
    }
    String name = r.getUTF8String(dtype).toString();
    if (isF64(name)) {
      byte[] bytes = r.getBinary(vector);
      if (bytes.length % Double.BYTES != 0) {
        throw AblateException.badInput("%s: binary vector of %d bytes is not a multiple of 8 "
            + "(dtype f64)", where(r), bytes.length);
      }
      double[] d = new double[bytes.length / Double.BYTES];
      ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(d);
      return rounded(d);
    }
    Dtype d;
    try {
      d = Dtype.parse(name);
    } catch (AblateException e) {
      throw AblateException.badInput("%s: unknown dtype '%s'; valid: %s", where(r), name, DTYPES);
    }
    byte[] bytes = r.getBinary(vector);
    if (bytes.length % d.width() != 0) {
      throw AblateException.badInput("%s: binary vector of %d bytes is not a multiple of %d "
          + "(dtype %s)", where(r), bytes.length, d.width(), d.label());
    }
    return d.decode(bytes);
  }

  /**
   * float64 values rounded to nearest float32, the variants' input (the reference is then computed
   * on the same float32 values); counts the values the rounding changed (a NaN stays a NaN).
   */
  private float[] rounded(double[] d) {
    float[] f = new float[d.length];
    long changed = 0;
    for (int i = 0; i < d.length; i++) {
      f[i] = (float) d[i];
      changed += f[i] != d[i] && !Double.isNaN(d[i]) ? 1 : 0;
    }
    if (rounded != null && changed != 0) {
      rounded.add(changed);
    }
    return f;
  }

  /** The binary dtypes the CPU passes read. */
  public static final String DTYPES = "f32, bf16, f16, f64";

  /**
   * Whether a binary dtype is little-endian float64, read rounded to float32 as {@code
   * array<double>} vectors are (not one of the {@link Dtype}s the activation functions encode).
   */
  public static boolean isF64(String dtype) {
    String d = dtype.trim().toLowerCase(java.util.Locale.ROOT);
    return d.equals("f64") || d.equals("float64") || d.equals("double");
  }

  /** What is wrong with a row whose vector column is null (after the row's place). */
  public static String nullVector(ActivationDataset.Encoding encoding) {
    return "column '" + (encoding == ActivationDataset.Encoding.ARRAY ? "values" : "data")
        + "' is null: a missing vector is not a vector of zeros; drop the row or fill it";
  }

  /** What is wrong with an array vector holding a null element (after the row's place). */
  public static final String NULL_ELEMENT = "column 'values' holds a null element: a missing "
      + "value is not a zero; drop the row or fill it";

  /** "file …, sample_id …, token …, layer …" for error messages. */
  public String where(InternalRow r) {
    String f = file().toString();
    StringBuilder sb = new StringBuilder(f.isEmpty() ? "?" : f);
    if (!sampleId.isNull(r)) {
      sb.append(", sample_id ").append(sampleId.id(r));
    }
    if (!token.isNull(r)) {
      sb.append(", token ").append(token.wide(r));
    }
    if (!layer.isNull(r)) {
      sb.append(", layer ").append(layer.wide(r));
    }
    return sb.toString();
  }
}

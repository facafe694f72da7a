package io.ablate.dataset;

import io.ablate.AblateException;
import java.io.Serializable;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.StructType;

/**
 * Reads the rows of an {@link ActivationDataset} as Spark's internal rows: the key of each row and
 * its vector as a primitive float array (a bulk copy of the array data, or a decode of the binary
 * data; never boxed), with the row-level checks of the contract: a known dtype, and a binary length
 * that is a multiple of its width. Errors name the file, the sample and token, and the value.
 */
public final class VectorReader implements Serializable {
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
  private final int model;
  private final int checkpoint;
  private final int layer;
  private final int site;
  private final int sampleId;
  private final int token;
  private final int vector;
  private final int dtype;
  private final int file;

  public VectorReader(ActivationDataset dataset) {
    this(dataset.encoding(), dataset.rows().schema());
  }

  VectorReader(ActivationDataset.Encoding encoding, StructType schema) {
    this.encoding = encoding;
    this.model = schema.fieldIndex("model");
    this.checkpoint = schema.fieldIndex("checkpoint");
    this.layer = schema.fieldIndex("layer");
    this.site = schema.fieldIndex("site");
    this.sampleId = schema.fieldIndex("sample_id");
    this.token = schema.fieldIndex("token");
    this.vector = schema.fieldIndex(encoding == ActivationDataset.Encoding.ARRAY ? "values" : "data");
    this.dtype = encoding == ActivationDataset.Encoding.BINARY ? schema.fieldIndex("dtype") : -1;
    this.file = schema.fieldIndex("_file");
  }

  public Key key(InternalRow r) {
    if (r.isNullAt(layer)) {
      throw AblateException.badInput("%s: column 'layer' is null", where(r));
    }
    return new Key(r.getUTF8String(model).toString(), r.getUTF8String(checkpoint).toString(),
        r.getInt(layer), r.getUTF8String(site).toString());
  }

  /** The row's vector, or null when the vector column is null (such rows are skipped and counted). */
  public float[] vector(InternalRow r) {
    if (r.isNullAt(vector)) {
      return null;
    }
    if (encoding == ActivationDataset.Encoding.ARRAY) {
      return r.getArray(vector).toFloatArray();
    }
    if (r.isNullAt(dtype)) {
      throw AblateException.badInput("%s: dtype is null; valid: f32, bf16, f16", where(r));
    }
    String name = r.getUTF8String(dtype).toString();
    Dtype d;
    try {
      d = Dtype.parse(name);
    } catch (AblateException e) {
      throw AblateException.badInput("%s: %s", where(r), e.getMessage());
    }
    byte[] bytes = r.getBinary(vector);
    if (bytes.length % d.width() != 0) {
      throw AblateException.badInput("%s: binary vector of %d bytes is not a multiple of %d "
          + "(dtype %s)", where(r), bytes.length, d.width(), d.label());
    }
    return d.decode(bytes);
  }

  /** "file …, sample_id …, token …, layer …" for error messages. */
  public String where(InternalRow r) {
    StringBuilder sb = new StringBuilder(r.isNullAt(file) ? "?" : r.getUTF8String(file).toString());
    if (!r.isNullAt(sampleId)) {
      sb.append(", sample_id ").append(r.getUTF8String(sampleId));
    }
    if (!r.isNullAt(token)) {
      sb.append(", token ").append(r.getInt(token));
    }
    if (!r.isNullAt(layer)) {
      sb.append(", layer ").append(r.getInt(layer));
    }
    return sb.toString();
  }
}

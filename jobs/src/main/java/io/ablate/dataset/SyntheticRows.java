package io.ablate.dataset;

import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.SplittableRandom;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.vectorized.OnHeapColumnVector;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * Rows of the activation contract made up in memory, in the form Spark's Parquet reader hands the
 * passes (a columnar batch of on-heap vectors, rows as views into it): what warms a fresh JVM's
 * code for the passes before the first real rows arrive. Half the rows are {@code ffn.pre} vectors
 * of {@code dim} values, half {@code ffn.gate_up} vectors of 2·{@code dim}, so that elementwise and
 * gated variants both run.
 */
public final class SyntheticRows {
  private static final StructType SCHEMA = new StructType()
      .add("layer", DataTypes.IntegerType).add("site", DataTypes.StringType)
      .add("values", DataTypes.createArrayType(DataTypes.FloatType));

  private final ColumnarBatch batch;
  private final VectorReader reader;

  private SyntheticRows(ColumnarBatch batch) {
    this.batch = batch;
    this.reader = new VectorReader(ActivationDataset.Encoding.ARRAY, SCHEMA);
  }

  /** {@code rows} rows (at least 2), values drawn from N(0, 3²) with {@code seed}. */
  public static SyntheticRows of(int rows, int dim, long seed) {
    OnHeapColumnVector[] cols = OnHeapColumnVector.allocateColumns(rows, SCHEMA);
    SplittableRandom random = new SplittableRandom(seed);
    float[] values = new float[2 * dim];
    cols[2].arrayData().reserve(rows * 2 * dim);
    int offset = 0;
    for (int r = 0; r < rows; r++) {
      boolean gated = r % 2 == 1;
      int n = gated ? 2 * dim : dim;
      for (int i = 0; i < n; i++) {
        values[i] = (float) (random.nextGaussian() * 3);
      }
      cols[0].putInt(r, r % 4);
      cols[1].putByteArray(r, (gated ? ActivationDataset.GATED_SITE
          : ActivationDataset.DEFAULT_SITE).getBytes(StandardCharsets.UTF_8));
      cols[2].arrayData().putFloats(offset, n, values, 0);
      cols[2].putArray(r, offset, n);
      offset += n;
    }
    ColumnarBatch batch = new ColumnarBatch(cols);
    batch.setNumRows(rows);
    return new SyntheticRows(batch);
  }

  /** The reader of these rows' keys and vectors. */
  public VectorReader reader() {
    return reader;
  }

  /** The rows, from the first. */
  public Iterator<InternalRow> rows() {
    return batch.rowIterator();
  }
}

package io.ablate.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Iterator;
import org.apache.spark.sql.catalyst.InternalRow;
import org.junit.jupiter.api.Test;

/** The warm-up's rows read as the contract's rows: keys, sites, vector lengths, finite values. */
class SyntheticRowsTest {
  @Test
  void rowsAlternateElementwiseAndGatedVectorsOfTheGivenLength() {
    SyntheticRows rows = SyntheticRows.of(6, 40, 7);
    Iterator<InternalRow> it = rows.rows();
    int n = 0;
    double sumSquares = 0;
    long values = 0;
    while (it.hasNext()) {
      InternalRow r = it.next();
      VectorReader.Key key = rows.reader().key(r);
      float[] v = rows.reader().vector(r);
      boolean gated = n % 2 == 1;
      assertEquals(gated ? ActivationDataset.GATED_SITE : ActivationDataset.DEFAULT_SITE,
          key.site());
      assertEquals(n % 4, key.layer());
      assertEquals(ActivationDataset.UNKNOWN, key.model());
      assertEquals(gated ? 80 : 40, v.length);
      for (float x : v) {
        assertTrue(Float.isFinite(x));
        sumSquares += x * x;
      }
      values += v.length;
      n++;
    }
    assertEquals(6, n);
    double sd = Math.sqrt(sumSquares / values);
    assertTrue(sd > 2.5 && sd < 3.5, "drawn from N(0, 3²): sd " + sd);
  }
}

package io.ablate.latency;

import io.ablate.repository.Tables;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** Nearest-rank percentiles over merged samples, and the derived columns of a latency row. */
class LatencySamplesTest {
  @Test
  void nearestRankPercentiles() {
    double[] hundred = new double[100];
    for (int i = 0; i < 100; i++) {
      hundred[99 - i] = i + 1; // 100 .. 1: the order given does not matter
    }
    LatencySamples s = LatencySamples.of(hundred, 10);
    assertEquals(50, s.percentile(0.50));
    assertEquals(95, s.percentile(0.95));
    assertEquals(99, s.percentile(0.99));
    assertEquals(1, s.percentile(0));
    assertEquals(100, s.percentile(1));
    // 15 repetitions (the default): p50 is the 8th smallest, p95 and p99 the largest
    double[] fifteen = new double[15];
    for (int i = 0; i < 15; i++) {
      fifteen[i] = 10 + i;
    }
    LatencySamples f = LatencySamples.of(fifteen, 1);
    assertEquals(17, f.percentile(0.50));
    assertEquals(24, f.percentile(0.95));
    assertEquals(24, f.percentile(0.99));
    assertEquals(7, LatencySamples.of(new double[] {7}, 1).percentile(0.5));
  }

  @Test
  void mergeEqualsTheSamplesTogetherInAnyOrder() {
    Random rnd = new Random(3);
    double[][] parts = new double[4][];
    for (int p = 0; p < parts.length; p++) {
      parts[p] = rnd.doubles(5 + p * 3, 0.1, 9).toArray();
    }
    LatencySamples ab = LatencySamples.of(parts[0], 100).merge(LatencySamples.of(parts[1], 200))
        .merge(LatencySamples.of(parts[2], 100).merge(LatencySamples.of(parts[3], 50)));
    LatencySamples ba = LatencySamples.of(parts[3], 50).merge(LatencySamples.of(parts[1], 200))
        .merge(LatencySamples.of(parts[0], 100)).merge(LatencySamples.of(parts[2], 100));
    double[] all = Arrays.stream(parts).flatMapToDouble(Arrays::stream).toArray();
    Arrays.sort(all);
    assertEquals(all.length, ab.reps());
    assertEquals(5 * 100 + 8 * 200 + 11 * 100 + 14 * 50, ab.elems());
    assertEquals(ab.elems(), ba.elems());
    for (double q : new double[] {0, 0.1, 0.5, 0.95, 0.99, 1}) {
      double expected = all[Math.max(1, (int) Math.ceil(q * all.length)) - 1];
      assertEquals(expected, ab.percentile(q), "q " + q);
      assertEquals(expected, ba.percentile(q), "q " + q);
    }
  }

  @Test
  void badSamplesAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> LatencySamples.of(new double[0], 1));
    assertThrows(IllegalArgumentException.class, () -> LatencySamples.of(new double[] {1}, 0));
    assertThrows(IllegalArgumentException.class,
        () -> LatencySamples.of(new double[] {Double.NaN}, 1));
    assertThrows(IllegalArgumentException.class,
        () -> LatencySamples.of(new double[] {1}, 1).percentile(1.5));
  }

  @Test
  void aRowDerivesRatesFromTheMedianAndRoundTrips() {
    LatencySamples s = LatencySamples.of(new double[] {2, 1, 4, 3, 8}, 1000); // p50 = 3 ns
    LatencyRow r = LatencyRow.of("swiglu@bf16", "bf16", "simd", 4096, "h", "7", "cpu simd=256",
        "ffn.gate_up", LatencyRow.GATED_BYTES, s, 8e9);
    assertEquals(3, r.nsPerElemP50());
    assertEquals(8, r.nsPerElemP95());
    assertEquals(8, r.nsPerElemP99());
    assertEquals(5, r.reps());
    assertEquals(5000, r.nElems());
    assertEquals(1e9 / 3, r.elemsPerSec(), 1e-6);
    assertEquals(12e9 / 3, r.bytesPerSec(), 1e-3);
    assertEquals(0.5, r.rooflineFrac(), 1e-12);
    Row row = r.toRow();
    assertEquals(Tables.LATENCY_SCHEMA.size(), row.size());
    assertEquals(r, LatencyRow.fromRow(new org.apache.spark.sql.catalyst.expressions
        .GenericRowWithSchema(rowValues(row), Tables.LATENCY_SCHEMA)));
    // an unknown roofline is stored as null, not NaN
    Row unknown = LatencyRow.of("relu", "fp32", "sql", 1, "h", "driver", "d", null,
        LatencyRow.ELEMENTWISE_BYTES, s, Double.NaN).toRow();
    assertNull(unknown.get(Tables.LATENCY_SCHEMA.fieldIndex("roofline_bytes_per_s")));
    assertNull(unknown.get(Tables.LATENCY_SCHEMA.fieldIndex("roofline_frac")));
  }

  private static Object[] rowValues(Row row) {
    Object[] v = new Object[row.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = row.get(i);
    }
    return v;
  }
}

package io.ablate.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ablate.activation.Catalogue;
import io.ablate.expr.Interpreter;
import io.ablate.testing.LocalSpark;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The end-to-end benchmark's peers compute what they claim: max |gelu_tanh − gelu_sigmoid| over
 * the finite values of a dataset, as Ablate's float64 definitions of the two variants give it.
 * Both peers and this test compute in float64 with different formulas of the same functions
 * (Ablate's gelu_tanh is x·σ(2·√(2/π)·(x + 0.044715·x³))) and their own tanh and exp, so they agree
 * to a few ulps of the figure (about 0.02): within {@link EndToEndBench#PEER_TOLERANCE}, 1e-12.
 */
class EndToEndPeerTest {
  @TempDir
  static Path dir;
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = LocalSpark.builder("e2e-peers").getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /** Ablate's float64 definitions over every finite value of {@code input}. */
  private static EndToEndPeer.Result ablate(String input) {
    Interpreter.Compiled tanh = Interpreter.compile(Catalogue.variant("gelu_tanh").definition());
    Interpreter.Compiled sigmoid = Interpreter.compile(
        Catalogue.variant("gelu_sigmoid").definition());
    long n = 0;
    double max = Double.NEGATIVE_INFINITY;
    for (Row r : spark.read().parquet(input).select("values").collectAsList()) {
      for (Object o : r.getList(0)) {
        double x = (Float) o;
        if (Double.isFinite(x)) {
          n++;
          max = Math.max(max, Math.abs(tanh.eval(new double[] {x})
              - sigmoid.eval(new double[] {x})));
        }
      }
    }
    return new EndToEndPeer.Result(n, max);
  }

  private static void assertSameFigure(EndToEndPeer.Result expected, EndToEndPeer.Result actual) {
    assertEquals(expected.values(), actual.values());
    assertEquals(expected.maxAbsDiff(), actual.maxAbsDiff(), EndToEndBench.PEER_TOLERANCE,
        actual.toString());
  }

  @Test
  void bothPeersFindAblatesFigureOverTheBenchmarkDataset() throws Exception {
    String input = dir.resolve("vectors").toString();
    JobBench.prepare(spark, 4 * 1024 * 8, input);
    EndToEndPeer.Result expected = ablate(input);
    assertEquals(4 * 1024 * 8, expected.values());
    // About 0.02 at |x| near 2: a real difference, not rounding.
    assertTrue(expected.maxAbsDiff() > 0.01 && expected.maxAbsDiff() < 0.03, expected.toString());
    assertSameFigure(expected, EndToEndPeer.duckdb(input));
    assertSameFigure(expected, EndToEndPeer.spark(spark, input));
  }

  @Test
  void nonFiniteValuesAreLeftOutAndHugeOnesDoNotOverflow() throws Exception {
    String input = dir.resolve("edges").toString();
    StructType schema = new StructType().add("layer", DataTypes.IntegerType)
        .add("values", DataTypes.createArrayType(DataTypes.FloatType));
    spark.createDataFrame(List.of(
        RowFactory.create(0, List.of(Float.NaN, Float.POSITIVE_INFINITY, -2.5f, 1e30f)),
        RowFactory.create(1, List.of(Float.NEGATIVE_INFINITY, -1e30f, -Float.MAX_VALUE, 0f,
            2.25f))), schema).coalesce(1).write().parquet(input);
    EndToEndPeer.Result expected = ablate(input);
    assertEquals(6, expected.values());
    assertSameFigure(expected, EndToEndPeer.duckdb(input));
    assertSameFigure(expected, EndToEndPeer.spark(spark, input));
    // What the peers print is what the benchmark reads back.
    assertEquals(expected, EndToEndPeer.Result.parse(expected.text()));
  }
}

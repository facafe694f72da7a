package io.ablate.accuracy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ablate.AblateException;
import io.ablate.activation.Catalogue;
import io.ablate.activation.Variant;
import io.ablate.dataset.ActivationDataset;
import io.ablate.encoding.Dtype;
import io.ablate.dataset.Generator;
import io.ablate.expr.Interpreter;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import io.ablate.testing.LocalSpark;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The accuracy pass: partitioning-independent to the bit, equal to a direct computation. */
class AccuracyPassTest {
  @TempDir
  static Path dir;
  private static SparkSession spark;
  private static final List<String> SITES = List.of("ffn.pre", "ffn.gate_up");

  @BeforeAll
  static void start() {
    spark = LocalSpark.builder("accuracy-pass").getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static Generator generator(int partitions) {
    return new Generator(new Generator.Spec(60, 48, 2, "m", "c0", 11, true, Dtype.F32, 0, 1, 0.25,
        List.of(), SITES, partitions));
  }

  static String write(String name, int partitions) {
    String path = dir.resolve(name).toString();
    generator(partitions).generate(spark).write().parquet(path);
    return path;
  }

  static AccuracyPass pass() {
    return new AccuracyPass(Catalogue.variants("gelu_tanh;relu;gelu@bf16;swiglu;swiglu@bf16"),
        Catalogue.variant("gelu@fp64"), Catalogue.variant("swiglu@fp64"));
  }

  @Test
  void aWarmUpRunsThePassOnSyntheticRowsUntilAPassStartsAndChangesNoMetric() throws Exception {
    String path = write("warm", 2);
    List<AccuracyPass.Result> cold = pass().run(ActivationDataset.open(spark, path,
        ActivationDataset.OnBadFile.FAIL));
    AccuracyPass.WarmUp warmUp = pass().warmUpInBackground(java.time.Duration.ofMinutes(5));
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (warmUp.rows().get() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertTrue(warmUp.rows().get() > 0, "the warm-up puts rows through the pass");
    List<AccuracyPass.Result> warm = pass().run(ActivationDataset.open(spark, path,
        ActivationDataset.OnBadFile.FAIL));
    assertTrue(warmUp.await(java.time.Duration.ofMinutes(2)), "a pass that starts ends it");
    assertTrue(warmUp.rows().get() <= AccuracyPass.WARM_UP_TOTAL_ROWS, "and its work is bounded");
    assertEquals(cold.size(), warm.size());
    for (int i = 0; i < cold.size(); i++) {
      assertArrayEquals(cold.get(i).stats().toBytes(), warm.get(i).stats().toBytes(),
          cold.get(i).key() + " " + cold.get(i).variant());
    }
    AccuracyPass.WarmUp spent = pass().warmUpInBackground(java.time.Duration.ofMillis(1));
    assertTrue(spent.await(java.time.Duration.ofMinutes(2)), "a warm-up ends with its budget");
    AccuracyPass.WarmUp whole = pass().warmUpInBackground(java.time.Duration.ofMinutes(10));
    assertTrue(whole.await(java.time.Duration.ofMinutes(5)), "or with its rows");
    assertEquals(AccuracyPass.WARM_UP_TOTAL_ROWS, whole.rows().get());
  }

  @Test
  void oneAndSevenPartitionsGiveBitIdenticalMetrics() {
    List<AccuracyPass.Result> one = pass().run(ActivationDataset.open(spark, write("p1", 1),
        ActivationDataset.OnBadFile.FAIL));
    List<AccuracyPass.Result> seven = pass().run(ActivationDataset.open(spark, write("p7", 7),
        ActivationDataset.OnBadFile.FAIL));
    // 2 layers × (3 elementwise variants on ffn.pre + 2 gated on ffn.gate_up)
    assertEquals(2 * (3 + 2), one.size());
    for (int i = 0; i < one.size(); i++) {
      assertEquals(one.get(i).key(), seven.get(i).key());
      assertEquals(one.get(i).variant(), seven.get(i).variant());
      assertArrayEquals(one.get(i).stats().toBytes(), seven.get(i).stats().toBytes(),
          one.get(i).key() + " " + one.get(i).variant());
    }
  }

  @Test
  void metricsEqualADirectComputationOverTheSameVectors() {
    List<AccuracyPass.Result> results = pass().run(ActivationDataset.open(spark, write("direct", 3),
        ActivationDataset.OnBadFile.FAIL));
    AccuracyPass.Result r = results.stream().filter(x -> x.key().layer() == 1
        && x.key().site().equals("ffn.pre") && x.variant().equals("gelu_tanh")).findFirst()
        .orElseThrow();
    assertEquals("gelu@fp64", r.reference());
    assertEquals("fp32", r.precision());
    Generator g = generator(1);
    Variant v = Catalogue.variant("gelu_tanh");
    Interpreter.Compiled ref = Interpreter.compile(Catalogue.variant("gelu").definition());
    ErrorStats direct = ErrorStats.empty();
    for (long s = 0; s < 60; s++) {
      float[] x = g.vector(1, "ffn.pre", s, false);
      float[] out = new float[x.length];
      double[] exp = new double[x.length];
      v.kernel().apply(x, 0, out, 0, x.length);
      for (int i = 0; i < x.length; i++) {
        exp[i] = ref.eval(x[i]);
      }
      direct.update(x, 0, out, 0, exp, 0, x.length);
    }
    assertArrayEquals(direct.toBytes(), r.stats().toBytes());
    assertEquals(60 * 48, r.stats().n());
    assertTrue(r.stats().maxAbsErr() > 0 && r.stats().maxAbsErr() < 1e-3, "" + r.stats().maxAbsErr());
    AccuracyPass.Result relu = results.stream().filter(x -> x.key().layer() == 1
        && x.key().site().equals("ffn.pre") && x.variant().equals("relu")).findFirst().orElseThrow();
    assertTrue(relu.stats().sparsityOut() > 0.3, "relu zeros: " + relu.stats().sparsityOut());
  }

  @Test
  void mixedLengthsAndEmptyInputsAreErrors() {
    String mixed = dir.resolve("mixed").toString();
    spark.sql("SELECT 3 AS layer, CAST(array(1, 2, 3, 4) AS ARRAY<FLOAT>) AS values "
        + "UNION ALL SELECT 3, CAST(array(1, 2, 3, 4) AS ARRAY<FLOAT>) "
        + "UNION ALL SELECT 3, CAST(array(1, 2, 3) AS ARRAY<FLOAT>)").write().parquet(mixed);
    AblateException e = assertThrows(AblateException.class, () -> pass().run(
        ActivationDataset.open(spark, mixed, ActivationDataset.OnBadFile.FAIL)));
    assertTrue(e.getMessage().contains("layer 3") && e.getMessage().contains("{3=1, 4=2}"),
        e.getMessage());
    String empty = dir.resolve("empty").toString();
    spark.sql("SELECT 1 AS layer, CAST(array(1) AS ARRAY<FLOAT>) AS values WHERE false")
        .write().parquet(empty);
    e = assertThrows(AblateException.class, () -> pass().run(
        ActivationDataset.open(spark, empty, ActivationDataset.OnBadFile.FAIL)));
    assertTrue(e.getMessage().contains("no vectors"), e.getMessage());
  }
}

package io.ablate.accuracy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ablate.activation.Catalogue;
import io.ablate.activation.Variant;
import io.ablate.dataset.ActivationDataset;
import io.ablate.encoding.Dtype;
import io.ablate.spark.ActivationFunctions;
import io.ablate.testing.LocalSpark;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * The accuracy pass's SQL plan (the GPU engine's form), evaluated by its functions' CPU forms,
 * gives the CPU pass's metrics bit for bit: on the committed sample (binary bf16, elementwise and
 * gated sites), on array vectors holding NaN, ±Inf and empty vectors, on every binary dtype,
 * and whatever the partitioning.
 */
class AccuracyPlanTest {
  @TempDir
  static Path dir;
  private static SparkSession spark;
  private static final String VARIANTS =
      "gelu_tanh;relu;silu;gelu@bf16;gelu@fp8_e4m3;gelu@int8;swiglu;swiglu@bf16;geglu@int8";

  @BeforeAll
  static void start() {
    spark = LocalSpark.builder("accuracy-plan").getOrCreate();
    ActivationFunctions.register(spark);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static List<Variant> variants() {
    return Catalogue.variants(VARIANTS);
  }

  private static void assertSameMetrics(ActivationDataset data) {
    List<AccuracyPass.Result> pass = new AccuracyPass(variants(), Catalogue.variant("gelu"),
        Catalogue.variant("swiglu")).run(data);
    List<AccuracyPass.Result> plan = new AccuracyPlan(variants(), Catalogue.variant("gelu"),
        Catalogue.variant("swiglu")).run(data, "plan");
    assertEquals(pass.size(), plan.size());
    assertTrue(!pass.isEmpty());
    for (int i = 0; i < pass.size(); i++) {
      AccuracyPass.Result a = pass.get(i);
      AccuracyPass.Result b = plan.get(i);
      String what = a.key() + " " + a.variant();
      assertEquals(a.key(), b.key(), what);
      assertEquals(a.variant(), b.variant(), what);
      assertEquals("plan", b.impl());
      ErrorStats x = a.stats();
      ErrorStats y = b.stats();
      assertEquals(List.of(x.n(), x.nanIn(), x.infIn(), x.nanOut(), x.special(),
          x.specialMismatch(), x.compared()), List.of(y.n(), y.nanIn(), y.infIn(), y.nanOut(),
          y.special(), y.specialMismatch(), y.compared()), what);
      double[] mx = {x.maxAbsErr(), x.meanAbsErr(), x.rmse(), x.maxRelErr(), x.maxUlp(),
          x.cosSim(), x.snrDb(), x.sparsityOut()};
      double[] my = {y.maxAbsErr(), y.meanAbsErr(), y.rmse(), y.maxRelErr(), y.maxUlp(),
          y.cosSim(), y.snrDb(), y.sparsityOut()};
      for (int k = 0; k < mx.length; k++) {
        assertEquals(Double.doubleToLongBits(mx[k]), Double.doubleToLongBits(my[k]),
            what + " metric " + k + ": " + mx[k] + " vs " + my[k]);
      }
    }
  }

  @Test
  void theCommittedSampleGivesThePassBits() {
    assertSameMetrics(io.ablate.dataset.TestData.committedSample(spark));
  }

  @Test
  void specialValuesAndEmptyVectorsGiveThePassBits() {
    StructType schema = new StructType().add("layer", DataTypes.IntegerType)
        .add("site", DataTypes.StringType)
        .add("values", DataTypes.createArrayType(DataTypes.FloatType, true));
    List<Row> rows = new ArrayList<>();
    java.util.SplittableRandom random = new java.util.SplittableRandom(5);
    float[] specials = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f,
        Float.MIN_VALUE, -Float.MAX_VALUE, 1e30f, -200f, 88.7f};
    for (int i = 0; i < 40; i++) {
      int n = 16;
      Object[] v = new Object[n];
      for (int k = 0; k < n; k++) {
        v[k] = random.nextInt(4) == 0 ? specials[random.nextInt(specials.length)]
            : (float) (3 * random.nextGaussian());
      }
      rows.add(RowFactory.create(i % 2, i % 3 == 0 ? "ffn.gate_up" : "ffn.pre",
          scala.jdk.javaapi.CollectionConverters.asScala(List.of(v)).toSeq()));
    }
    String path = dir.resolve("special").toString();
    spark.createDataFrame(rows, schema).repartition(3).write().parquet(path);
    assertSameMetrics(ActivationDataset.open(spark, path, ActivationDataset.OnBadFile.FAIL));
    // Empty vectors: counted as vectors of length 0, in both forms.
    String empty = dir.resolve("empty").toString();
    spark.sql("SELECT 0 AS layer, CAST(array() AS ARRAY<FLOAT>) AS values FROM range(3)")
        .unionAll(spark.sql("SELECT 1 AS layer, CAST(array(1, -2, 3) AS ARRAY<FLOAT>) AS values"))
        .write().parquet(empty);
    ActivationDataset e = ActivationDataset.open(spark, empty, ActivationDataset.OnBadFile.FAIL);
    List<AccuracyPass.Result> plan = new AccuracyPlan(Catalogue.variants("relu"),
        Catalogue.variant("gelu"), Catalogue.variant("swiglu")).run(e, "plan");
    List<AccuracyPass.Result> pass = new AccuracyPass(Catalogue.variants("relu"),
        Catalogue.variant("gelu"), Catalogue.variant("swiglu")).run(e);
    assertEquals(pass.size(), plan.size());
    for (int i = 0; i < pass.size(); i++) {
      assertEquals(pass.get(i).stats().n(), plan.get(i).stats().n());
      assertEquals(pass.get(i).stats().rmse(), plan.get(i).stats().rmse());
    }
  }

  @Test
  void everyBinaryDtypeAndAnyPartitioningGiveThePassBits() {
    for (Dtype dtype : Dtype.values()) {
      String path = dir.resolve("gen-" + dtype.label()).toString();
      new io.ablate.dataset.Generator(new io.ablate.dataset.Generator.Spec(50, 32, 2, "m", "c", 3,
          true, dtype, 0, 1, 0.25, List.of(), List.of("ffn.pre", "ffn.gate_up"), 3))
          .generate(spark).write().parquet(path);
      assertSameMetrics(ActivationDataset.open(spark, path, ActivationDataset.OnBadFile.FAIL));
    }
    String path = dir.resolve("gen-f32").toString();
    spark.conf().set("spark.sql.files.maxPartitionBytes", "2048");
    try {
      assertSameMetrics(ActivationDataset.open(spark, path, ActivationDataset.OnBadFile.FAIL));
    } finally {
      spark.conf().unset("spark.sql.files.maxPartitionBytes");
    }
  }
}

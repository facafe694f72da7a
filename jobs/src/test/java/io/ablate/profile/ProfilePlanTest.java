package io.ablate.profile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ablate.activation.Catalogue;
import io.ablate.activation.Variant;
import io.ablate.dataset.ActivationDataset;
import io.ablate.dataset.Generator;
import io.ablate.dataset.TestData;
import io.ablate.encoding.Dtype;
import io.ablate.sketch.QuantileSketch;
import io.ablate.spark.ActivationFunctions;
import io.ablate.testing.LocalSpark;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
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
 * The profile pass's SQL plans (the GPU engine's form), evaluated by their functions' CPU forms,
 * give the pass's exact statistics bit for bit (counts, zeros, extremes, moments, outliers) on the
 * committed sample, on vectors holding NaN, ±Inf, ±0, subnormals, huge values, empty
 * vectors, and on every binary dtype; their sketches, built from the exact histogram, hold each
 * true quantile within the rank error and one bf16 bucket, and are the same whatever the
 * partitioning.
 */
class ProfilePlanTest {
  @TempDir
  static Path dir;
  private static SparkSession spark;
  private static final String VARIANTS =
      "gelu_tanh;relu;silu;gelu@bf16;gelu@fp8_e4m3;gelu@int8;swiglu;swiglu@bf16;geglu@int8";

  @BeforeAll
  static void start() {
    spark = LocalSpark.builder("profile-plan").getOrCreate();
    ActivationFunctions.register(spark);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static List<Variant> variants() {
    return Catalogue.variants(VARIANTS);
  }

  /** The plan's profiles, checked field by field against the pass's. */
  private static List<Profile> assertSameStatistics(ActivationDataset data, int k) {
    List<Profile> pass = new ProfilePass(variants(), k).run(data);
    List<Profile> plan = new ProfilePlan(variants(), k).run(data);
    assertEquals(pass.size(), plan.size());
    assertTrue(!pass.isEmpty());
    for (int i = 0; i < pass.size(); i++) {
      Profile a = pass.get(i);
      Profile b = plan.get(i);
      String what = a.describe();
      assertEquals(what, b.describe());
      assertEquals(List.of(a.n(), a.zeros(), a.nans(), a.infs(), a.outliers()),
          List.of(b.n(), b.zeros(), b.nans(), b.infs(), b.outliers()), what);
      double[] x = {a.mean(), a.m2(), a.m3(), a.m4(), a.min(), a.max()};
      double[] y = {b.mean(), b.m2(), b.m3(), b.m4(), b.min(), b.max()};
      for (int m = 0; m < x.length; m++) {
        assertEquals(Double.doubleToRawLongBits(x[m]), Double.doubleToRawLongBits(y[m]),
            what + " field " + m + ": " + x[m] + " vs " + y[m]);
      }
      QuantileSketch s = b.quantiles();
      assertEquals(a.n(), s.n(), what);
      if (a.n() > 0) {
        assertEquals((float) a.min(), s.min(), what);
        assertEquals((float) a.max(), s.max(), what);
      }
      assertEquals(k, b.sketchK());
    }
    return plan;
  }

  @Test
  void theCommittedSampleGivesThePassStatistics() {
    assertSameStatistics(TestData.committedSample(spark), QuantileSketch.DEFAULT_K);
  }

  @Test
  void specialValuesEmptyAndNullVectorsGiveThePassStatisticsAndTrueQuantiles() {
    StructType schema = new StructType().add("layer", DataTypes.IntegerType)
        .add("site", DataTypes.StringType)
        .add("values", DataTypes.createArrayType(DataTypes.FloatType, true));
    List<Row> rows = new ArrayList<>();
    Map<String, List<Float>> raw = new HashMap<>();
    SplittableRandom random = new SplittableRandom(System.nanoTime());
    float[] specials = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f,
        Float.MIN_VALUE, -Float.MIN_NORMAL / 3, -Float.MAX_VALUE, Float.MAX_VALUE, 1e30f, -200f};
    for (int i = 0; i < 300; i++) {
      int n = 2 * random.nextInt(12);
      Object[] v = new Object[n];
      String site = i % 3 == 0 ? "ffn.gate_up" : "ffn.pre";
      for (int j = 0; j < n; j++) {
        float f = random.nextInt(5) == 0 ? specials[random.nextInt(specials.length)]
            : (float) (3 * random.nextGaussian());
        v[j] = f;
        if (Float.isFinite(f)) {
          raw.computeIfAbsent(i % 2 + " " + site, x -> new ArrayList<>()).add(f);
        }
      }
      rows.add(RowFactory.create(i % 2, site,
          scala.jdk.javaapi.CollectionConverters.asScala(List.of(v)).toSeq()));
    }
    String path = dir.resolve("special").toString();
    spark.createDataFrame(rows, schema).repartition(3).write().parquet(path);
    int k = 64; // small: the larger keys' sketches compact
    List<Profile> plan = assertSameStatistics(
        ActivationDataset.open(spark, path, ActivationDataset.OnBadFile.FAIL), k);
    int checked = 0;
    for (Profile p : plan) {
      if (p.variant() == null) {
        List<Float> values = raw.get(p.layer() + " " + p.site());
        float[] v = new float[values.size()];
        for (int i = 0; i < v.length; i++) {
          v[i] = values.get(i);
        }
        assertQuantilesWithinABucket(p.quantiles(), v, p.describe());
        checked++;
      }
    }
    assertEquals(4, checked);
  }

  /**
   * Each quantile the sketch gives lies in a bf16 bucket (or is a zero, or an extreme) whose true
   * rank range meets the rank error's interval around the asked rank.
   */
  static void assertQuantilesWithinABucket(QuantileSketch s, float[] values, String what) {
    float[] sorted = values.clone();
    Arrays.sort(sorted);
    double eps = s.normalizedRankError();
    for (double r = 0.0; r <= 1.0; r += 0.01) {
      float q = s.quantile(r);
      float lo = q;
      float hi = q;
      if (q != 0f) {
        int bits = Float.floatToRawIntBits(q) & 0xFFFF_0000;
        float a = Float.intBitsToFloat(bits);
        float z = Float.intBitsToFloat(bits | 0xFFFF);
        lo = Math.min(a, z);
        hi = Math.max(a, z);
      }
      double below = fractionBelow(sorted, lo);
      double atMost = fractionAtMost(sorted, hi);
      assertTrue(below - eps <= r && r <= atMost + eps, what + ": quantile " + r + " = " + q
          + " lies in a bucket of true ranks [" + below + ", " + atMost + "]");
    }
  }

  private static double fractionBelow(float[] sorted, float x) {
    int i = 0;
    while (i < sorted.length && sorted[i] < x) {
      i++;
    }
    return (double) i / sorted.length;
  }

  private static double fractionAtMost(float[] sorted, float x) {
    int i = 0;
    while (i < sorted.length && sorted[i] <= x) {
      i++;
    }
    return (double) i / sorted.length;
  }

  @Test
  void everyBinaryDtypeGivesThePassStatisticsAndAnyPartitioningTheSameProfiles() {
    for (Dtype dtype : Dtype.values()) {
      String path = dir.resolve("gen-" + dtype.label()).toString();
      new Generator(new Generator.Spec(50, 32, 2, "m", "c", 3, true, dtype, 0, 1, 0.25,
          List.of(), List.of("ffn.pre", "ffn.gate_up"), 3)).generate(spark).write().parquet(path);
      assertSameStatistics(ActivationDataset.open(spark, path, ActivationDataset.OnBadFile.FAIL),
          QuantileSketch.DEFAULT_K);
    }
    String path = dir.resolve("gen-f32").toString();
    List<Profile> few = new ProfilePlan(variants(), 32).run(
        ActivationDataset.open(spark, path, ActivationDataset.OnBadFile.FAIL));
    spark.conf().set("spark.sql.files.maxPartitionBytes", "2048");
    List<Profile> many;
    try {
      ActivationDataset data = ActivationDataset.open(spark, path,
          ActivationDataset.OnBadFile.FAIL);
      assertTrue(data.rows().rdd().getNumPartitions() > 3);
      many = new ProfilePlan(variants(), 32).run(data);
    } finally {
      spark.conf().unset("spark.sql.files.maxPartitionBytes");
    }
    assertEquals(few.size(), many.size());
    for (int i = 0; i < few.size(); i++) {
      Profile a = few.get(i);
      Profile b = many.get(i);
      assertEquals(a, new Profile(b.model(), b.checkpoint(), b.layer(), b.site(), b.variant(),
          b.n(), b.mean(), b.m2(), b.m3(), b.m4(), b.min(), b.max(), b.zeros(), b.nans(),
          b.infs(), b.outliers(), a.sketch(), b.sketchK()), a.describe());
      assertArrayEquals(a.sketch(), b.sketch(), a.describe());
    }
  }
}

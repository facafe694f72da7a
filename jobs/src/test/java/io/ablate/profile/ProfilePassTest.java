package io.ablate.profile;

import io.ablate.repository.Tables;
import io.ablate.sketch.QuantileSketch;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ablate.activation.Catalogue;
import io.ablate.dataset.ActivationDataset;
import io.ablate.encoding.Dtype;
import io.ablate.dataset.Generator;
import io.ablate.dataset.RowGroups;
import io.ablate.testing.LocalSpark;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The profile pass: the same bytes whatever the read partitioning; equal to direct statistics. */
class ProfilePassTest {
  @TempDir
  static Path dir;
  private static SparkSession spark;
  private static final List<String> SITES = List.of("ffn.pre", "ffn.gate_up");
  private static final int ROWS = 1500;
  private static final int DIM = 64;

  @BeforeAll
  static void start() {
    spark = LocalSpark.builder("profile-pass").getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static Generator generator() {
    return new Generator(new Generator.Spec(ROWS, DIM, 2, "m", "c0", 5, false, Dtype.F32, 0, 1,
        0.25, List.of(), SITES, 2));
  }

  /** The generated dataset in 2 files of small row groups (several per file). */
  static String write(String name) {
    String path = dir.resolve(name).toString();
    generator().generate(spark).write().option("parquet.block.size", 64 * 1024).parquet(path);
    return path;
  }

  static ProfilePass pass() {
    return new ProfilePass(Catalogue.variants("relu;gelu_tanh;swiglu"), QuantileSketch.DEFAULT_K);
  }

  private static List<Profile> profile(String path, long maxPartitionBytes) {
    spark.conf().set("spark.sql.files.maxPartitionBytes", Long.toString(maxPartitionBytes));
    spark.conf().set("spark.sql.files.openCostInBytes", "0");
    try {
      ActivationDataset ds = ActivationDataset.open(spark, path, ActivationDataset.OnBadFile.FAIL);
      int partitions = ds.rows().rdd().getNumPartitions();
      assertTrue(maxPartitionBytes > 1 << 30 ? partitions <= 2 : partitions >= 7,
          "partitions: " + partitions);
      return pass().run(ds);
    } finally {
      spark.conf().unset("spark.sql.files.maxPartitionBytes");
      spark.conf().unset("spark.sql.files.openCostInBytes");
    }
  }

  @Test
  void fewAndManyReadPartitionsGiveIdenticalProfiles() {
    String path = write("parts");
    ActivationDataset ds = ActivationDataset.open(spark, path, ActivationDataset.OnBadFile.FAIL);
    long groups = ds.rowGroups().values().stream().mapToLong(RowGroups::count).sum();
    assertTrue(groups >= 8, "row groups: " + groups);
    List<Profile> few = profile(path, 1L << 40);
    List<Profile> many = profile(path, 32 * 1024);
    // 2 layers × (ffn.pre: raw, relu, gelu_tanh; ffn.gate_up: raw, swiglu)
    assertEquals(2 * 5, few.size());
    for (int i = 0; i < few.size(); i++) {
      Profile a = few.get(i);
      Profile b = many.get(i);
      assertArrayEquals(a.sketch(), b.sketch(), a.describe());
      assertEquals(Tables.PROFILES_SCHEMA.size(), a.toRow().size());
      assertTrue(a.quantiles().isEstimationMode(), "the sketch compacted: " + a.describe());
    }
    // Equal as rows, sketch bytes included.
    for (int i = 0; i < few.size(); i++) {
      for (int c = 0; c < Tables.PROFILES_SCHEMA.size(); c++) {
        Object x = few.get(i).toRow().get(c);
        Object y = many.get(i).toRow().get(c);
        if (x instanceof byte[] bx) {
          assertArrayEquals(bx, (byte[]) y);
        } else {
          assertEquals(x, y, Tables.PROFILES_SCHEMA.fields()[c].name());
        }
      }
    }
  }

  @Test
  void statisticsEqualADirectComputationAndTheSketchIsWithinItsBound() {
    List<Profile> profiles = profile(write("direct"), 1L << 40);
    Profile p = profiles.stream().filter(x -> x.layer() == 1 && x.site().equals("ffn.pre")
        && x.variant() == null).findFirst().orElseThrow();
    Generator g = generator();
    double[] all = new double[ROWS * DIM];
    int m = 0;
    for (long s = 0; s < ROWS; s++) {
      for (float v : g.vector(1, "ffn.pre", s, false)) {
        all[m++] = v;
      }
    }
    double mean = Arrays.stream(all).sum() / all.length;
    double m2 = Arrays.stream(all).map(v -> (v - mean) * (v - mean)).sum();
    double m4 = Arrays.stream(all).map(v -> Math.pow(v - mean, 4)).sum();
    assertEquals((long) ROWS * DIM, p.n());
    assertEquals(mean, p.mean(), 1e-12);
    assertEquals(m2, p.m2(), 1e-9 * m2);
    assertEquals(m4, p.m4(), 1e-9 * m4);
    double sigma = Math.sqrt(m2 / all.length);
    long outliers = Arrays.stream(all).filter(v -> Math.abs(v - mean) > 6 * sigma).count();
    assertTrue(outliers > 0, "the generator's outlier channels");
    assertEquals(outliers, p.outliers());
    assertEquals(Arrays.stream(all).min().orElseThrow(), p.min());
    assertEquals(Arrays.stream(all).max().orElseThrow(), p.max());
    assertEquals(0, p.zeros());
    assertNull(p.variant());
    Arrays.sort(all);
    QuantileSketch s = p.quantiles();
    double eps = s.normalizedRankError();
    for (double rank : new double[] {0.01, 0.1, 0.5, 0.9, 0.99}) {
      float q = s.quantile(rank);
      double trueRank = rank(all, q);
      assertEquals(rank, trueRank, eps, "rank " + rank);
    }
    Profile relu = profiles.stream().filter(x -> x.layer() == 1 && "relu".equals(x.variant()))
        .findFirst().orElseThrow();
    assertTrue(relu.sparsity() > 0.45 && relu.sparsity() < 0.55, "" + relu.sparsity());
    assertEquals(ROWS * DIM, profiles.stream().filter(x -> x.layer() == 1
        && "swiglu".equals(x.variant())).findFirst().orElseThrow().n());
  }

  /** Fraction of sorted values at or below q. */
  static double rank(double[] sorted, double q) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] <= q) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return (double) lo / sorted.length;
  }
}

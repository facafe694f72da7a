package io.ablate.dataset;

import io.ablate.encoding.Dtype;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ablate.AblateException;
import io.ablate.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import io.ablate.testing.LocalSpark;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generator: deterministic whatever the partitioning, the documented shape, readable back. */
class GeneratorTest {
  @TempDir
  static Path dir;
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = LocalSpark.builder("generator").getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static Generator.Spec spec(int partitions, boolean binary, Dtype dtype, double shift, double scale,
      List<Integer> driftLayers, List<String> sites) {
    return new Generator.Spec(200, 64, 3, "m", "c0", 7, binary, dtype, shift, scale, 0.25,
        driftLayers, sites, partitions);
  }

  @Test
  void theSameSeedGivesTheSameRowsWhateverThePartitioning() {
    List<Row> one = new Generator(spec(1, true, Dtype.F32, 0, 1, List.of(),
        List.of("ffn.pre", "ffn.gate_up"))).generate(spark).orderBy("site", "layer", "sample_id",
        "token").collectAsList();
    List<Row> seven = new Generator(spec(7, true, Dtype.F32, 0, 1, List.of(),
        List.of("ffn.pre", "ffn.gate_up"))).generate(spark).orderBy("site", "layer", "sample_id",
        "token").collectAsList();
    assertEquals(2 * 3 * 200, one.size());
    for (int i = 0; i < one.size(); i++) {
      assertEquals(one.get(i).getString(3), seven.get(i).getString(3));
      assertArrayEquals((byte[]) one.get(i).getAs("data"), (byte[]) seven.get(i).getAs("data"));
    }
  }

  @Test
  void bulkScaleGrowsWithDepthOutlierChannelsAreFixedAndGatedVectorsAreDouble() {
    Generator g = new Generator(spec(2, false, Dtype.F32, 0, 1, List.of(), List.of("ffn.pre",
        "ffn.gate_up")));
    double[] sd = new double[3];
    int[] bigByChannel = new int[64];
    for (int layer = 0; layer < 3; layer++) {
      double sum2 = 0;
      long n = 0;
      for (long s = 0; s < 200; s++) {
        float[] v = g.vector(layer, "ffn.pre", s, false);
        assertEquals(64, v.length);
        for (int i = 0; i < v.length; i++) {
          double sigma = 0.5 + 0.1 * layer;
          if (Math.abs(v[i]) > 12 * sigma) {
            bigByChannel[i]++; // beyond the bulk: outlier channels (and rare t tails)
          } else {
            sum2 += (double) v[i] * v[i];
            n++;
          }
        }
      }
      sd[layer] = Math.sqrt(sum2 / n);
      assertEquals(0.5 + 0.1 * layer, sd[layer], 0.05 * (0.5 + 0.1 * layer), "layer " + layer);
    }
    int outlierChannels = 0;
    for (int count : bigByChannel) {
      // each outlier channel fires in about 25% of 600 rows; other channels almost never
      if (count > 60) {
        outlierChannels++;
      } else {
        assertTrue(count < 10, "a bulk channel with " + count + " huge values");
      }
    }
    assertTrue(outlierChannels >= 4 && outlierChannels <= Generator.OUTLIER_CHANNELS,
        "outlier channels: " + outlierChannels);
    assertEquals(128, g.vector(0, "ffn.gate_up", 0, true).length);
  }

  @Test
  void driftMovesOnlyTheChosenLayers() {
    Generator base = new Generator(spec(2, false, Dtype.F32, 0, 1, List.of(), List.of("ffn.pre")));
    Generator drifted = new Generator(spec(2, false, Dtype.F32, 1.0, 2.0, List.of(2),
        List.of("ffn.pre")));
    assertArrayEquals(base.vector(1, "ffn.pre", 5, false), drifted.vector(1, "ffn.pre", 5, false));
    double mean = 0;
    for (long s = 0; s < 200; s++) {
      for (float x : drifted.vector(2, "ffn.pre", s, false)) {
        mean += Math.max(-10, Math.min(10, x)) / (200.0 * 64);
      }
    }
    // shift 1σ of the drifted bulk: σ = (0.5 + 0.2) · 2 = 1.4
    assertEquals(1.4, mean, 0.15);
  }

  @Test
  void theCommandWritesAReadableDatasetAtomically() throws Exception {
    String out = dir.resolve("gen-bf16").toString();
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8);
    int code = Main.run(new String[] {"generate", "--master", "local[2]", "--out", out, "--rows",
        "50", "--dim", "16", "--layers", "2", "--dtype", "bf16", "--sites", "ffn.pre,ffn.gate_up"},
        ps, ps);
    assertEquals(0, code, buf.toString(StandardCharsets.UTF_8));
    SparkSession s = SparkSession.builder().master("local[2]").config("spark.ui.enabled", "false")
        .getOrCreate();
    ActivationDataset ds = ActivationDataset.open(s, out, ActivationDataset.OnBadFile.FAIL);
    assertEquals(ActivationDataset.Encoding.BINARY, ds.encoding());
    assertEquals(200, ds.rows().count());
    Row gated = ds.rows().where("site = 'ffn.gate_up'").first();
    assertEquals(64, ((byte[]) gated.getAs("data")).length); // 2 × 16 bf16 values
    assertEquals("bf16", gated.getAs("dtype"));
    try (var files = Files.list(dir)) {
      assertTrue(files.noneMatch(p -> p.getFileName().toString().contains(".tmp-")));
    }
    int again = Main.run(new String[] {"generate", "--master", "local[2]", "--out", out}, ps, ps);
    assertEquals(2, again);
    assertTrue(buf.toString(StandardCharsets.UTF_8).contains("exists"));
  }

  @Test
  void badOptionsAreNamed() {
    AblateException e = assertThrows(AblateException.class, () -> spec(1, false, Dtype.BF16, 0, 1,
        List.of(), List.of("ffn.pre")));
    assertTrue(e.getMessage().contains("--dtype bf16 needs --encoding binary"), e.getMessage());
    e = assertThrows(AblateException.class, () -> spec(1, true, Dtype.F32, 0, 1, List.of(),
        List.of("ffn.post")));
    assertTrue(e.getMessage().contains("unknown site 'ffn.post'"), e.getMessage());
  }
}

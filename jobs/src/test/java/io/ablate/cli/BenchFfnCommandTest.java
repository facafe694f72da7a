package io.ablate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ablate.latency.LatencyRow;
import io.ablate.repository.MetricsRepository;
import io.ablate.testing.LocalSpark;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ablate bench --only ffn --shapes ... --metrics DIR}: every figure of the FFN part lands in
 * the latency table (stages, fusion modes, limits), with shape, tokens, stage and the fraction of
 * its limit; the performance documentation's Markdown and the summary are written.
 */
class BenchFfnCommandTest {
  @TempDir
  Path dir;

  private static int run(ByteArrayOutputStream out, ByteArrayOutputStream err, String... args) {
    return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void ffnPartWritesEveryFigureToTheLatencyTable() throws Exception {
    String metrics = dir.resolve("metrics").toString();
    Path md = dir.resolve("bench.md");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = run(out, err, "bench", "--quick", "--only", "ffn", "--shapes",
        "tiny=64x256,tinyglu=64x256:gated,tinymoe=64x256:gated:moe=4/2", "--tokens", "1,8",
        "--metrics", metrics, "--run-id", "ffn-1", "--out", md.toString(), "--master", "local[2]");
    String printed = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, err.toString(StandardCharsets.UTF_8) + printed);
    assertTrue(printed.contains("| ffn | float64 reference checks passed | 9.00 of 9 |"), printed);
    String readme = Files.readString(md);
    assertTrue(readme.contains("| tinyglu | 64x256:gated | 8 | swiglu | Ablate simd |"), readme);
    assertTrue(readme.contains("| tinyglu | 8 | swiglu | unfused_inplace |"), readme);
    SparkSession spark = LocalSpark.builder("bench-ffn-read").getOrCreate();
    try {
      List<LatencyRow> rows = MetricsRepository.open(spark, metrics).read("latency")
          .collectAsList().stream().map(LatencyRow::fromRow).toList();
      Set<String> scopes = rows.stream().map(LatencyRow::scope).collect(Collectors.toSet());
      assertEquals(Set.of(LatencyRow.FFN, LatencyRow.FFN_FUSION, LatencyRow.LIMIT), scopes);
      // 3 shapes x 2 token batches x 3 cases (fp32 simd, fp32 djl, bf16 simd); stages per case:
      // up act xfer down block (simd), up act down block (djl), + route for the MoE shape
      long blocks = rows.stream().filter(r -> r.detail().stage().equals("block")).count();
      assertEquals(18, blocks);
      for (LatencyRow r : rows) {
        LatencyRow.Detail d = r.detail();
        assertTrue(r.nsPerElemP50() > 0 && r.nsPerElemP50() <= r.nsPerElemP99(), r.toString());
        assertTrue(r.rooflineFrac() > 0 && Double.isFinite(r.rooflineFrac()), r.toString());
        if (!r.scope().equals(LatencyRow.LIMIT)) {
          assertTrue(d.shape().startsWith("tiny"), d.shape());
          assertTrue(d.tokens() == 1 || d.tokens() == 8, r.toString());
          assertTrue(Set.of("copy", "matmul", "roofline").contains(d.limit()), r.toString());
        }
        if (d.stage().equals("up") || d.stage().equals("down")) {
          assertTrue(d.flopsPerSec() > 0 && d.rooflineFlopsPerSec() > 0, r.toString());
        }
      }
      assertEquals(Set.of("fused", "fused_inplace", "unfused", "unfused_inplace", "separate",
          "inplace"), rows.stream().filter(r -> r.scope().equals(LatencyRow.FFN_FUSION))
          .map(r -> r.detail().mode()).collect(Collectors.toSet()));
      assertEquals(Set.of("copy", "matmul"), rows.stream()
          .filter(r -> r.scope().equals(LatencyRow.LIMIT)).map(r -> r.detail().stage())
          .collect(Collectors.toSet()));
      assertTrue(rows.stream().anyMatch(r -> "route".equals(r.detail().stage())
          && r.detail().shape().startsWith("tinymoe")));
    } finally {
      spark.stop();
    }
  }

  @Test
  void badShapesAndTokensAreBadInput() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertEquals(2, run(out, err, "bench", "--only", "ffn", "--shapes", "4096by11008"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("4096by11008"));
    assertEquals(2, run(out, err, "bench", "--only", "ffn", "--tokens", "0"));
    assertEquals(2, run(out, err, "bench", "--only", "ffn", "--shapes", "64x256:moe=2/3"));
    assertEquals(2, run(out, err, "bench", "--only", "nothing"));
  }
}

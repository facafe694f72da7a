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
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ablate bench --only e2e --quick}: every command runs as a fresh process and exits 0, the
 * table names each one's command line and splits its time by its timeline, the report lists the
 * repository's 100 runs, and every command is a row of the latency table.
 */
class BenchEndToEndCommandTest {
  @TempDir
  Path dir;

  @Test
  void everyCommandRunsAsAFreshProcessAndIsRecorded() throws Exception {
    String metrics = dir.resolve("metrics").toString();
    Path md = dir.resolve("e2e.md");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(new String[] {"bench", "--only", "e2e", "--quick", "--job-values",
        "65536", "--metrics", metrics, "--run-id", "bench-e2e", "--out", md.toString()},
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    String printed = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, printed + err.toString(StandardCharsets.UTF_8));
    String written = Files.readString(md);
    // Headed by the benchmark's command as given, the date and the machine.
    assertTrue(written.contains("Command: `jobs/bin/ablate bench --only e2e --quick --job-values "
        + "65536 --metrics " + metrics + " --run-id bench-e2e --out " + md + "` ("
        + LocalDate.now() + ")  \nMachine: "), written);
    // Then every child's command line, paths included.
    String in = between(written, "alternate the commands, over ", " (");
    String scratch = Path.of(in).getParent().toString();
    for (String line : List.of(
        "1. ablate, 1 variant: `jobs/bin/ablate ablate --input " + in + " --metrics " + scratch
            + "/metrics --variants gelu_tanh`",
        "2. ablate, 8 variants (default): `jobs/bin/ablate ablate --input " + in + " --metrics "
            + scratch + "/metrics`",
        "3. profile: `jobs/bin/ablate profile --input " + in + " --metrics " + scratch
            + "/metrics`",
        "4. drift: `jobs/bin/ablate drift --metrics " + scratch + "/repository --baseline "
            + "e2e-profile-000 --candidate e2e-profile-001 --run-id e2e-drift`",
        "5. report of 100 runs: `jobs/bin/ablate report --metrics " + scratch
            + "/repository --table runs`",
        "6. variants (no Spark): `jobs/bin/ablate variants`",
        "7. Spark SQL peer: `java … io.ablate.bench.EndToEndPeer spark " + in + "`",
        "8. DuckDB peer: `java … io.ablate.bench.EndToEndPeer duckdb " + in + "`")) {
      assertTrue(written.contains("\n" + line + "\n"), line + "\n" + written);
    }
    assertTrue(written.contains("Each command ran 1 time as a fresh process"), written);
    // The report listed every run, and the peers agreed on their figure (else the part fails).
    assertTrue(written.contains("`ablate report` listed the 100 runs of " + scratch
        + "/repository each time"), written);
    assertTrue(written.contains("Ablate's one-variant run"), written);
    // The accuracy job reaches every mark, in order: every span is there and none is negative.
    double[] ablate = cells(written, "| 1. ablate, 1 variant |");
    assertEquals(11, ablate.length);
    for (double v : ablate) {
      assertTrue(v >= 0, Arrays.toString(ablate));
    }
    // The variant list starts no Spark session: no session, no task, no pass, no commit.
    List<String> variants = strings(written, "| 6. variants (no Spark) |");
    assertEquals(List.of("–", "–", "–", "–"), variants.subList(5, 9), variants.toString());
    SparkSession spark = LocalSpark.builder("bench-e2e-read").getOrCreate();
    try {
      List<LatencyRow> rows = MetricsRepository.open(spark, metrics).read("latency")
          .collectAsList().stream().map(LatencyRow::fromRow).toList();
      assertEquals(List.of("ablate ablate", "ablate ablate", "ablate drift", "ablate profile",
          "ablate report", "ablate variants", "duckdb", "spark_sql"),
          rows.stream().map(LatencyRow::impl).sorted().toList());
      for (LatencyRow r : rows) {
        assertEquals(LatencyRow.E2E, r.scope());
        assertEquals("fresh_process", r.detail().mode(), r.toString());
        assertEquals(1, r.reps());
        boolean reads = r.impl().equals("ablate ablate") || r.impl().equals("ablate profile")
            || r.impl().equals("duckdb") || r.impl().equals("spark_sql");
        assertEquals(reads ? 65536 : 1, r.batchElems(), r.toString());
      }
    } finally {
      spark.stop();
    }
  }

  private static String between(String text, String from, String to) {
    int a = text.indexOf(from) + from.length();
    return text.substring(a, text.indexOf(to, a));
  }

  private static String line(String text, String start) {
    int a = text.indexOf(start);
    assertTrue(a >= 0, start + "\n" + text);
    return text.substring(a, text.indexOf('\n', a));
  }

  /** The cells after the first of the table row starting with {@code start}. */
  private static List<String> strings(String text, String start) {
    String row = line(text, start).substring(start.length());
    return Arrays.stream(row.split("\\|")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  private static double[] cells(String text, String start) {
    return strings(text, start).stream().mapToDouble(Double::parseDouble).toArray();
  }
}

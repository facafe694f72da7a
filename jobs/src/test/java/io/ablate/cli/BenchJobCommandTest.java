package io.ablate.cli;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ablate.latency.LatencyRow;
import io.ablate.repository.MetricsRepository;
import io.ablate.testing.LocalSpark;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ablate bench --only job|profile --metrics DIR}: the job and profile comparisons land in
 * the latency table.
 */
class BenchJobCommandTest {
  @TempDir
  Path dir;

  @Test
  void jobBenchmarkIsRecordedAsOneRun() {
    String metrics = dir.resolve("metrics").toString();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    java.nio.file.Path md = dir.resolve("tables.md");
    int code = Main.run(new String[] {"bench", "--only", "job", "--job-values", "65536",
        "--job-reps", "2", "--sql-reps", "1", "--metrics", metrics, "--run-id", "bench-1",
        "--master", "local[2]", "--out", md.toString()},
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    String printed = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
    // The written table is headed by the command as given, the date and the machine.
    String written = assertDoesNotThrow(() -> java.nio.file.Files.readString(md));
    assertTrue(written.startsWith("Accuracy pass over 65536 float32 values (array<float>, "
        + "Parquet), local[2]. Command: `jobs/bin/ablate bench --only job --job-values 65536 "
        + "--job-reps 2 --sql-reps 1 --metrics " + metrics + " --run-id bench-1 --master "
        + "'local[2]' --out " + md + "` (" + java.time.LocalDate.now() + ")  \nMachine: "),
        written);
    assertTrue(printed.contains("| ablate pass, 8 variants | ablate | 8 |"), printed);
    // The plain scan is what every job is measured against: itself at 1.00x.
    assertTrue(printed.contains("| vs plain scan | vs Ablate's read |"), printed);
    String plainRow = "| plain scan (Spark, noop sink) | scan | 0 |";
    assertTrue(printed.contains(plainRow), printed);
    String row = printed.substring(printed.indexOf(plainRow));
    assertTrue(row.substring(0, row.indexOf('\n')).contains("| 1.00x |"), row);
    SparkSession spark = LocalSpark.builder("bench-job-read").getOrCreate();
    try {
      List<LatencyRow> rows = MetricsRepository.open(spark, metrics).read("latency")
          .collectAsList().stream().map(LatencyRow::fromRow)
          .sorted(java.util.Comparator.comparing(LatencyRow::nsPerElemP50)).toList();
      assertEquals(6, rows.size());
      assertEquals(List.of("ablate", "ablate", "plan", "scan", "scan", "sql"),
          rows.stream().map(LatencyRow::impl).sorted().toList());
      for (LatencyRow r : rows) {
        assertEquals(LatencyRow.JOB, r.scope());
        assertEquals(65536, r.batchElems());
        assertEquals(r.impl().equals("sql") || r.impl().equals("plan") ? 1 : 2, r.reps());
        assertTrue(r.nsPerElemP50() > 0 && r.nsPerElemP50() <= r.nsPerElemP99(), r.toString());
        assertEquals(1e9 / r.nsPerElemP50(), r.elemsPerSec(), 1e-6 * r.elemsPerSec());
        assertTrue(Double.isNaN(r.rooflineFrac()));
      }
      // The hand-written SQL is slower than the scans and the passes.
      List<LatencyRow> cpu = rows.stream().filter(r -> !r.impl().equals("plan")).toList();
      assertEquals("sql", cpu.get(4).impl());
    } finally {
      spark.stop();
    }
  }

  @Test
  void profileBenchmarkIsAPartOfTheSuite() {
    String metrics = dir.resolve("metrics-profile").toString();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(new String[] {"bench", "--only", "profile", "--job-values", "65536",
        "--job-reps", "1", "--sql-reps", "1", "--metrics", metrics, "--run-id", "bench-p",
        "--master", "local[2]"}, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    String printed = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
    assertTrue(printed.contains("Profile pass over 65536 float32 values"), printed);
    assertTrue(printed.contains("| profile pass | profile | 0 |"), printed);
    SparkSession spark = LocalSpark.builder("bench-profile-read").getOrCreate();
    try {
      List<String> impls = MetricsRepository.open(spark, metrics).read("latency")
          .collectAsList().stream().map(LatencyRow::fromRow).map(LatencyRow::impl).sorted()
          .toList();
      assertEquals(List.of("plan", "profile", "scan", "scan", "sql"), impls);
    } finally {
      spark.stop();
    }
  }
}

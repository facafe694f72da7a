package io.ablate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jobs/bin/ablate} as a user runs it, on the packaged jar: its first start makes the
 * class-data archive (by a real run over the sample dataset), later starts load Ablate's and
 * Spark's classes from it, and {@code ABLATE_CDS=off} runs without one.
 */
class LauncherIT {
  private static final Path LAUNCHER = Path.of(System.getProperty("ablate.bin.dir"), "ablate");

  @TempDir
  Path tmp;

  @Test
  void theFirstStartMakesTheClassArchiveAndLaterStartsLoadClassesFromIt() throws Exception {
    Path archive = tmp.resolve("ablate.jsa");
    Result first = run(archive.toString(), "", "variants");
    assertEquals(0, first.code(), first.err());
    assertTrue(Files.size(archive) > 0, "the archive is made on the first start");
    assertTrue(first.err().contains("preparing faster start-up"), first.err());
    assertTrue(first.out().contains("gelu_tanh"), first.out());

    Path loads = tmp.resolve("loads.txt");
    Result second = run(archive.toString(), "-Xlog:class+load=info:file=" + loads, "variants");
    assertEquals(0, second.code(), second.err());
    assertFalse(second.err().contains("preparing"), "made once: " + second.err());
    assertEquals(first.out(), second.out());
    List<String> lines = Files.readAllLines(loads);
    assertTrue(lines.stream().anyMatch(l -> l.contains("io.ablate.cli.Main ")
        && l.contains("shared objects file")), "Ablate's classes come from the archive");
    assertTrue(lines.stream().anyMatch(l -> l.contains("org.apache.spark.sql.SparkSession ")
        && l.contains("shared objects file")), "and Spark's, loaded by the training run");

    Path none = tmp.resolve("none.txt");
    Result off = run("off", "-Xlog:class+load=info:file=" + none, "variants");
    assertEquals(0, off.code(), off.err());
    assertTrue(Files.readAllLines(none).stream().noneMatch(l -> l.contains("io.ablate.")
        && l.contains("shared objects file")), "ABLATE_CDS=off uses no archive");
  }

  private record Result(int code, String out, String err) {}

  private Result run(String cds, String javaOpts, String... args)
      throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>(List.of(LAUNCHER.toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put("ABLATE_CDS", cds);
    pb.environment().put("ABLATE_JAVA_OPTS", javaOpts);
    Path out = tmp.resolve("out.txt");
    Path err = tmp.resolve("err.txt");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process p = pb.start();
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("the launcher did not end in 10 minutes: " + command);
    }
    return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }
}

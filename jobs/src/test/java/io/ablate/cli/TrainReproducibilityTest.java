package io.ablate.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ablate train} gives the same bytes in separate JVMs, as the committed checkpoints' commands
 * promise. The JVMs run with a small heap so that the garbage collector runs every few steps: a
 * training step that read native memory Java had freed (DJL's Number operands kept by autograd)
 * made runs of one seed drift apart at a random step.
 */
class TrainReproducibilityTest {
  @TempDir Path dir;

  @Test
  void theSameSeedGivesTheSameWeightsInSeparateJvms() throws Exception {
    String prompts = dir.resolve("prompts").toString();
    assertEquals(0, CliTest.run("prompts", "--out", prompts, "--train", "60", "--test", "4").code());
    Process a = train(dir.resolve("a"), prompts);
    Process b = train(dir.resolve("b"), prompts);
    finish(a, dir.resolve("a.log"));
    finish(b, dir.resolve("b.log"));
    assertArrayEquals(Files.readAllBytes(dir.resolve("a/model.safetensors")),
        Files.readAllBytes(dir.resolve("b/model.safetensors")), "the same seed, the same weights");
  }

  private Process train(Path out, String prompts) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // the test JVM's module flags (the Vector API, Spark's add-opens), then a small heap
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("--add-")) {
        cmd.add(arg);
      }
    }
    cmd.addAll(List.of("-Xmx96m", "-XX:+UseSerialGC", "-Dai.djl.offline=true", "-cp",
        System.getProperty("java.class.path"), Main.class.getName(), "train", "--prompts", prompts,
        "--out", out.toString(), "--hidden", "16", "--layers", "2", "--heads", "2", "--ffn", "32",
        "--steps", "300", "--batch", "16", "--seed", "5"));
    return new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(out.resolveSibling(out.getFileName() + ".log").toFile()).start();
  }

  private static void finish(Process p, Path log) throws Exception {
    boolean done = p.waitFor(5, TimeUnit.MINUTES);
    if (!done) {
      p.destroyForcibly();
    }
    assertEquals(0, done ? p.exitValue() : -1, Files.readString(log));
  }
}

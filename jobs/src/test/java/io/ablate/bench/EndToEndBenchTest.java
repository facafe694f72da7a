package io.ablate.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ablate.AblateException;
import io.ablate.job.Timeline;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The end-to-end benchmark's mechanics without Spark: how a child JVM is started, how its timeline
 * becomes spans, and that a failing child fails the benchmark saying what failed.
 */
class EndToEndBenchTest {
  @TempDir
  Path dir;

  @Test
  void aChildKeepsTheLaunchersOptionsButNoAgentOrTimelineOfItsOwn() throws Exception {
    Path log = Files.writeString(dir.resolve("log4j2.properties"), "");
    List<String> given = List.of("--add-modules=jdk.incubator.vector", "-Xmx4g",
        "-agentlib:jdwp=transport=dt_socket", "-javaagent:/x.jar", "-Dablate.timeline=/t",
        "-Dablate.home=/home");
    assertEquals(List.of("--add-modules=jdk.incubator.vector", "-Xmx4g", "-Dablate.home=/home",
        "-Dai.djl.offline=true", "-Dlog4j2.configurationFile=" + log.toAbsolutePath()),
        FreshJvm.inherited(given, log));
    // Given ones are kept as they are; a log configuration that does not exist is not added.
    assertEquals(List.of("-Dai.djl.offline=false", "-Dlog4j2.configurationFile=/mine"),
        FreshJvm.inherited(List.of("-Dai.djl.offline=false", "-Dlog4j2.configurationFile=/mine"),
            log));
    assertEquals(List.of("-Dai.djl.offline=true"),
        FreshJvm.inherited(List.of(), dir.resolve("absent")));
  }

  @Test
  void spansRunFromTheLastMarkReached() {
    // Forked at 950, JVM start 1000, main 1100, session 2000, no pass and no commit, exit 2500,
    // the process ended at 950 + 1700.
    FreshJvm.Child c = new FreshJvm.Child(0, 1.7, 950, Map.of(Timeline.JVM_START, 1000L,
        Timeline.MAIN, 1100L, Timeline.SESSION, 2000L, Timeline.EXIT, 2500L), "", "");
    double[] s = EndToEndBench.spans(c);
    assertEquals(EndToEndBench.SPANS.size(), s.length);
    double[] expected = {0.05, 0.1, 0.9, Double.NaN, Double.NaN, Double.NaN, 0.5, 0.15};
    for (int i = 0; i < s.length; i++) {
      assertEquals(expected[i], s[i], 1e-9, EndToEndBench.SPANS.get(i));
    }
    // No timeline at all: nothing to split.
    for (double v : EndToEndBench.spans(new FreshJvm.Child(0, 1, 0, Map.of(), "", ""))) {
      assertTrue(Double.isNaN(v));
    }
  }

  @Test
  void aFailingChildFailsTheBenchmarkWithItsCommandAndTheEndOfItsStderr() {
    FreshJvm jvm = FreshJvm.likeThis(null);
    EndToEndBench.Command bad = EndToEndBench.Command.ablate("bad", "none", "none", 0,
        "variants", "--no-such-option");
    ByteArrayOutputStream progress = new ByteArrayOutputStream();
    AblateException e = assertThrows(AblateException.class, () -> EndToEndBench.run(jvm,
        List.of(bad), 1, dir, new PrintStream(progress, true, StandardCharsets.UTF_8)));
    assertTrue(e.getMessage().startsWith("e2e benchmark: `jobs/bin/ablate variants "
        + "--no-such-option` exited with 2; the end of its stderr:"), e.getMessage());
    assertTrue(e.getMessage().contains("ablate: Unknown option: '--no-such-option'"),
        e.getMessage());
  }

  @Test
  void aChildWritesItsTimelineWithoutSpark() throws Exception {
    FreshJvm jvm = FreshJvm.likeThis(null);
    EndToEndBench.Command variants = EndToEndBench.Command.ablate("variants", "none", "none", 0,
        "variants");
    List<EndToEndBench.Result> r = EndToEndBench.run(jvm, List.of(variants), 1, dir,
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    FreshJvm.Child c = r.get(0).runs().get(0);
    assertTrue(c.stdout().contains("gelu_tanh"), c.stdout());
    assertEquals(List.of(Timeline.JVM_START, Timeline.MAIN, Timeline.EXIT),
        List.copyOf(c.marks().keySet()));
    assertTrue(c.marks().get(Timeline.MAIN) <= c.marks().get(Timeline.EXIT));
    assertEquals("ablate variants", r.get(0).command().impl());
  }
}

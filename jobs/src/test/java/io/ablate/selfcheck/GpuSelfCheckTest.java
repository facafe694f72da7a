package io.ablate.selfcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GPU self-check as a test, for machines with a GPU: {@code mvn -B verify -Pgpu} runs the
 * tests tagged {@code gpu} (and only them); the default build excludes the tag.
 */
@Tag("gpu")
class GpuSelfCheckTest {
  @TempDir
  Path dir;

  @Test
  void everyGpuCheckPasses() {
    assertEquals(java.util.Optional.empty(), GpuCheck.unavailable(), "this test needs a GPU");
    List<GpuCheck.Line> lines = GpuCheck.run(dir, System.out);
    List<GpuCheck.Line> failed = lines.stream().filter(l -> !l.ok()).toList();
    assertTrue(failed.isEmpty(), failed.toString());
  }
}

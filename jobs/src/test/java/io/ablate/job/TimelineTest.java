package io.ablate.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The process timeline: nothing without its property; with it, each mark once, in order. */
class TimelineTest {
  @TempDir
  Path dir;

  @AfterEach
  void unset() {
    System.clearProperty(Timeline.PROPERTY);
  }

  @Test
  void withoutThePropertyNothingIsWrittenAndAPassJustRuns() throws Exception {
    System.clearProperty(Timeline.PROPERTY);
    Timeline.mark(Timeline.MAIN);
    // No Spark context is touched: none is given.
    assertEquals("done", Timeline.pass(null, () -> "done"));
    Timeline.mark(Timeline.EXIT);
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(), files.toList());
    }
  }

  @Test
  void marksAreWrittenOnceInOrderAfterTheJvmStart() throws Exception {
    Path file = dir.resolve("run.timeline");
    System.setProperty(Timeline.PROPERTY, file.toString());
    Timeline.mark(Timeline.MAIN);
    Timeline.mark(Timeline.SESSION);
    Thread.sleep(5);
    Timeline.mark(Timeline.MAIN); // a second time: not written again
    Timeline.mark(Timeline.COMMITTED);
    Timeline.mark(Timeline.EXIT);
    Map<String, Long> marks = Timeline.read(file);
    assertEquals(List.of(Timeline.JVM_START, Timeline.MAIN, Timeline.SESSION, Timeline.COMMITTED,
        Timeline.EXIT), new ArrayList<>(marks.keySet()));
    assertEquals(ManagementFactory.getRuntimeMXBean().getStartTime(),
        marks.get(Timeline.JVM_START));
    List<Long> times = new ArrayList<>(marks.values());
    for (int i = 1; i < times.size(); i++) {
      assertTrue(times.get(i - 1) <= times.get(i), marks.toString());
    }
    assertTrue(marks.get(Timeline.SESSION) < marks.get(Timeline.COMMITTED), marks.toString());
    assertEquals(5, Files.readAllLines(file).size());
  }

  @Test
  void aMissingFileReadsAsNoMarks() {
    assertEquals(Map.of(), Timeline.read(dir.resolve("absent")));
  }
}

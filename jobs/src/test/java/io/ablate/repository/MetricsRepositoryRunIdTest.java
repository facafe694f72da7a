package io.ablate.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ablate.AblateException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Run ids: the generated form, and clear errors for user-given ids that are not valid. */
class MetricsRepositoryRunIdTest {
  @Test
  void generatedIdIsSortableUtcTimestampAndRandomSuffix() {
    Clock clock = Clock.fixed(Instant.parse("2026-11-25T10:30:00.123Z"), ZoneOffset.UTC);
    RunId id = RunId.generate(clock);
    assertTrue(id.value().matches("20261125T103000Z-[0-9a-f]{4}"), id.value());
    RunId later = RunId.generate(Clock.fixed(Instant.parse("2026-11-25T10:30:01Z"), ZoneOffset.UTC));
    assertTrue(id.compareTo(later) < 0);
    assertTrue(RunId.generate().value().matches("\\d{8}T\\d{6}Z-[0-9a-f]{4}"));
  }

  @Test
  void generatedIdsDiffer() {
    java.util.Set<String> ids = new java.util.HashSet<>();
    for (int i = 0; i < 20; i++) {
      ids.add(RunId.generate().value());
    }
    assertTrue(ids.size() > 1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"a", "007", "nightly-2026.11.25_gpu", "A.b_C-d", "..."})
  void validIdsAreKept(String value) {
    assertEquals(value, RunId.of(value).value());
    assertEquals(value, RunId.of(value).toString());
    assertEquals(RunId.of(value), RunId.of(value));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a/b", "a b", "run:1", "naïve", "a\\b", "run_id=x",
      "__HIVE_DEFAULT_PARTITION__"})
  void invalidIdsAreBadInputNamingTheIdAndWhatIsValid(String value) {
    AblateException e = assertThrows(AblateException.class, () -> RunId.of(value));
    assertEquals(AblateException.Kind.BAD_INPUT, e.kind());
    assertTrue(e.getMessage().contains("'" + value + "'"), e.getMessage());
    assertTrue(e.getMessage().contains("A-Z a-z 0-9 . _ -"), e.getMessage());
  }

  @Test
  void nullAndTooLongIdsAreBadInput() {
    assertEquals(AblateException.Kind.BAD_INPUT,
        assertThrows(AblateException.class, () -> RunId.of(null)).kind());
    String ok = "x".repeat(RunId.MAX_LENGTH);
    assertEquals(ok, RunId.of(ok).value());
    AblateException e = assertThrows(AblateException.class, () -> RunId.of(ok + "y"));
    assertTrue(e.getMessage().contains("128"), e.getMessage());
    assertTrue(e.getMessage().contains("it has 129"), e.getMessage());
  }

  @Test
  void statusHasLowerCaseStoredForm() {
    assertEquals("running", RunRecord.Status.RUNNING.text());
    assertEquals(RunRecord.Status.SUCCEEDED, RunRecord.Status.parse("succeeded"));
    assertNotEquals(RunRecord.Status.FAILED, RunRecord.Status.parse("running"));
    assertThrows(AblateException.class, () -> RunRecord.Status.parse("done"));
  }
}

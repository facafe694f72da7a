package io.ablate.repository;

import io.ablate.AblateException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The key of a run in the metrics repository. A generated id is a sortable UTC timestamp and a
 * random suffix ({@code 20261125T103000Z-7f3a}); a user-given id is 1 to 128 characters from
 * {@code A-Z a-z 0-9 . _ -}, which keeps it a safe directory name on every file system and a
 * partition value that Spark never has to escape.
 */
public record RunId(String value) implements Comparable<RunId>, java.io.Serializable {
  /** The longest id accepted. */
  public static final int MAX_LENGTH = 128;

  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]+");
  // Spark's marker for a null partition value: a run directory with this name would read as null.
  private static final String HIVE_NULL = "__HIVE_DEFAULT_PARTITION__";
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final SecureRandom RANDOM = new SecureRandom();

  public RunId {
    if (value == null || value.isEmpty() || value.length() > MAX_LENGTH
        || !VALID.matcher(value).matches() || value.equals(HIVE_NULL)) {
      throw AblateException.badInput(
          "run id '%s' is not valid: use 1 to %d characters from A-Z a-z 0-9 . _ - "
              + "(e.g. 20261125T103000Z-7f3a)%s",
          value, MAX_LENGTH, value != null && value.length() > MAX_LENGTH
              ? " (it has " + value.length() + ")" : "");
    }
  }

  /** A user-given id, validated: {@link AblateException} (bad input) names it and what is valid. */
  public static RunId of(String value) {
    return new RunId(value);
  }

  /** A new id: the current UTC second and four random hex digits, e.g. {@code 20261125T103000Z-7f3a}. */
  public static RunId generate() {
    return generate(Clock.systemUTC());
  }

  /** A new id for the instant of the given clock. */
  public static RunId generate(Clock clock) {
    return new RunId(STAMP.format(clock.instant())
        + String.format(Locale.ROOT, "-%04x", RANDOM.nextInt(0x10000)));
  }

  @Override
  public int compareTo(RunId other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}

package io.ablate;

/**
 * The one exception type of Ablate. {@link Kind#BAD_INPUT} marks a problem with what the user gave
 * (a variant name, a parameter, a column, a file): the CLI exits with code 2 and prints the message,
 * which always names the offending value and, where there is a list, what is valid.
 */
public class AblateException extends RuntimeException {
  /** What went wrong, which decides the CLI's exit code. */
  public enum Kind {
    /** Bad usage or bad input: exit code 2. */
    BAD_INPUT(2),
    /** A drift or regression gate tripped: exit code 3. */
    GATE_TRIPPED(3),
    /** Anything else: exit code 1. */
    INTERNAL(1);

    private final int exitCode;

    Kind(int exitCode) {
      this.exitCode = exitCode;
    }

    public int exitCode() {
      return exitCode;
    }
  }

  private final Kind kind;

  public AblateException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public AblateException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  /** A problem with what the user gave; the message names the value and what is valid. */
  public static AblateException badInput(String format, Object... args) {
    return new AblateException(Kind.BAD_INPUT, String.format(java.util.Locale.ROOT, format, args));
  }

  /**
   * The exit code a failure ends the CLI with: that of the first {@code AblateException} among
   * {@code t} and its causes (bad input raised in a Spark task arrives wrapped), else 1.
   */
  public static int exitCodeOf(Throwable t) {
    AblateException a = find(t);
    return a == null ? Kind.INTERNAL.exitCode() : a.exitCode();
  }

  /** The first {@code AblateException} among {@code t} and its causes, or null. */
  public static AblateException find(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof AblateException a) {
        return a;
      }
    }
    return null;
  }

  public Kind kind() {
    return kind;
  }

  public int exitCode() {
    return kind.exitCode();
  }
}

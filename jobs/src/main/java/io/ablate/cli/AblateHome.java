package io.ablate.cli;

import java.nio.file.Path;

/**
 * The Ablate home: the directory holding {@code conf/} and {@code data-samples/}. The system
 * property {@code ablate.home} (the launcher sets it to the repository), else the current directory.
 */
final class AblateHome {
  private AblateHome() {}

  /** {@code relative} under the home, absolute. */
  static Path resolve(String relative) {
    String home = System.getProperty("ablate.home");
    return Path.of(home == null || home.isBlank() ? "" : home).toAbsolutePath().resolve(relative);
  }
}

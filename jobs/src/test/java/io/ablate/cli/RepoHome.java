package io.ablate.cli;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Sets {@code ablate.home} to the repository root for a test class, as the launcher does, so that
 * committed profiles ({@code conf/*.conf}) and specs are found; cleared afterwards.
 */
final class RepoHome implements BeforeAllCallback, AfterAllCallback {
  @Override
  public void beforeAll(ExtensionContext context) {
    System.setProperty("ablate.home", CliTest.repoRoot().toString());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    System.clearProperty("ablate.home");
  }
}

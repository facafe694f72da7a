package io.ablate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The documentation's command-line reference is the CLI's own help: this test fails when they
 * differ (with -Dablate.docs.write=true it rewrites the page instead). Every command's help has
 * an example, and the help and version options work on every command.
 */
class CliReferenceTest {
  private static final Path PAGE = CliTest.repoRoot().resolve("src/site/markdown/cli.md");

  @Test
  void theReferencePageIsTheCliOwnHelp() throws IOException {
    String generated = CliReference.markdown();
    if (Boolean.getBoolean("ablate.docs.write")) {
      Files.writeString(PAGE, generated, StandardCharsets.UTF_8);
    }
    assertEquals(generated, Files.readString(PAGE, StandardCharsets.UTF_8),
        "src/site/markdown/cli.md is out of date: regenerate it (the command is on its first "
            + "lines)");
  }

  @Test
  void everyCommandHasHelpWithAnExampleAndAVersion() {
    for (String name : Main.commands(Main.commandLine(System.out, System.err))) {
      for (String flag : new String[] {"-h", "--help"}) {
        CliTest.Result help = CliTest.run(name, flag);
        assertEquals(0, help.code(), name + " " + flag + ": " + help.err());
        assertTrue(help.out().startsWith("Usage: ablate " + name), help.out());
        assertTrue(help.out().contains("Example"), name + " has no example:\n" + help.out());
      }
      CliTest.Result same = CliTest.run("help", name);
      assertEquals(CliTest.run(name, "--help").out(), same.out(), "ablate help " + name);
      CliTest.Result version = CliTest.run(name, "--version");
      assertEquals(0, version.code());
      assertTrue(version.out().startsWith("ablate "), version.out());
    }
    CliTest.Result top = CliTest.run("-V");
    assertTrue(top.out().contains("built against Spark 4.2.0, Scala 2.13"), top.out());
  }
}

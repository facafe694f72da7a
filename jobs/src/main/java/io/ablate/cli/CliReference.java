package io.ablate.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi;

/**
 * The command-line reference of the documentation ({@code src/site/markdown/cli.md}), generated
 * from the commands' own help, so that it cannot say something the CLI does not do.
 */
final class CliReference {
  private CliReference() {}

  /** The reference as Markdown: the command list, then each command's help. */
  static String markdown() {
    PrintStream nowhere = new PrintStream(PrintStream.nullOutputStream(), true,
        StandardCharsets.UTF_8);
    CommandLine cl = Main.commandLine(nowhere, nowhere);
    StringBuilder sb = new StringBuilder("""
        # Command-line reference

        Generated from the commands' own help (`ablate COMMAND --help`); a test fails when this
        page and the CLI disagree. Regenerate with `mvn -B test -Dtest=CliReferenceTest
        -Dsurefire.failIfNoSpecifiedTests=false -Dablate.docs.write=true`.

        `jobs/bin/ablate` runs the commands in a local JVM; under `spark-submit` give the same
        command line after the app jar (see [clusters-and-gpus.md](clusters-and-gpus.md)). Job
        specs (`--job FILE.yaml`) take the same options as YAML keys (see
        [contracts.md](contracts.md#job-specs-yaml)).

        ## ablate

        ```text
        """);
    sb.append(cl.getUsageMessage(Ansi.OFF)).append("```\n");
    for (String name : Main.commands(cl)) {
      sb.append("\n## ablate ").append(name).append("\n\n```text\n")
          .append(cl.getSubcommands().get(name).getUsageMessage(Ansi.OFF)).append("```\n");
    }
    return sb.toString();
  }
}

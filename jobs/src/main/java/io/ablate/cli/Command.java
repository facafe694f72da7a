package io.ablate.cli;

import java.io.PrintStream;

/** One {@code ablate} subcommand. */
public interface Command {
  String name();

  /** One line for the command list. */
  String summary();

  /** The options it takes, for {@code --help}. */
  String usage();

  /** Runs; returns the exit code. Bad input is thrown as {@code AblateException}. */
  int run(Options options, PrintStream out) throws Exception;
}

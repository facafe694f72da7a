package io.ablate.cli;

import io.ablate.dataset.ActivationDataset;
import picocli.CommandLine.Option;

/** The options of a command that reads an activation dataset. */
final class InputOptions {
  @Option(names = "--input", required = true, paramLabel = "DIR",
      description = "Activation dataset (Parquet).")
  String input;

  @Option(names = "--on-bad-file", paramLabel = "fail|skip", converter = Converters.OnBadFile.class,
      defaultValue = "fail", description = "Corrupt Parquet files (default: ${DEFAULT-VALUE}).")
  ActivationDataset.OnBadFile onBadFile;
}

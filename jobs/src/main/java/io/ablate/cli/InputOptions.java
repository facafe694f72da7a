package io.ablate.cli;

import io.ablate.dataset.ActivationDataset;
import io.ablate.job.Engine;
import picocli.CommandLine.Option;

/** The options of a command that reads an activation dataset. */
final class InputOptions {
  @Option(names = "--input", required = true, paramLabel = "DIR",
      description = "Activation dataset (Parquet).")
  String input;

  @Option(names = "--on-bad-file", paramLabel = "fail|skip", converter = Converters.OnBadFile.class,
      defaultValue = "fail", description = "Corrupt Parquet files (default: ${DEFAULT-VALUE}).")
  ActivationDataset.OnBadFile onBadFile;

  @Option(names = "--engine", paramLabel = "auto|cpu|gpu", converter = Converters.Engines.class,
      defaultValue = "auto",
      description = "The CPU pass, or the pass as a SQL plan the RAPIDS Accelerator runs on the "
          + "GPU; auto: the GPU plan when the RAPIDS plugin runs the session's queries (default: "
          + "${DEFAULT-VALUE}).")
  Engine engine;
}

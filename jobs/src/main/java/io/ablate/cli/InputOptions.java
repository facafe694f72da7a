package io.ablate.cli;

import io.ablate.dataset.ActivationDataset;
import io.ablate.dataset.Source;
import io.ablate.job.Engine;
import picocli.CommandLine.Option;

/** The options of a command that reads an activation dataset. */
final class InputOptions {
  @Option(names = "--input", paramLabel = "PATHS",
      description = "Activation dataset (Parquet): a directory (partition columns from its "
          + "name=value directories), a file, or a Hadoop glob (/acts/llama-*); several "
          + "','-separated, read as one dataset.")
  String input;

  @Option(names = "--table", paramLabel = "NAME",
      description = "Instead of --input: a Parquet table of the session's catalog (db.table), "
          + "read from its location.")
  String table;

  @Option(names = "--where", paramLabel = "CONDITION",
      description = "Only the rows that meet a Spark SQL condition over the key columns (model, "
          + "checkpoint, layer, site, sample_id, token), e.g. \"model = 'llama-8b' AND layer "
          + "BETWEEN 0 AND 3\": files of other partitions are not opened, row groups ruled out by "
          + "their statistics not read.")
  String where;

  @Option(names = "--on-bad-file", paramLabel = "fail|skip", converter = Converters.OnBadFile.class,
      defaultValue = "fail", description = "Corrupt Parquet files (default: ${DEFAULT-VALUE}).")
  ActivationDataset.OnBadFile onBadFile;

  @Option(names = "--engine", paramLabel = "auto|cpu|gpu", converter = Converters.Engines.class,
      defaultValue = "auto",
      description = "The CPU pass, or the pass as a SQL plan the RAPIDS Accelerator runs on the "
          + "GPU; auto: the GPU plan when the RAPIDS plugin runs the session's queries (default: "
          + "${DEFAULT-VALUE}).")
  Engine engine;

  /** What to read (bad input without --input or --table, or with both). */
  Source source() {
    return new Source(input == null ? java.util.List.of() : Source.split(input), table, where);
  }
}

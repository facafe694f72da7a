package io.ablate.cli;

import io.ablate.eval.PromptFiles;
import io.ablate.eval.TaskCorpus;
import io.ablate.model.CharVocab;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code ablate prompts}: the synthetic task corpus as prompt datasets, and its vocabulary. */
@Command(name = "prompts", mixinStandardHelpOptions = true, sortOptions = false,
    versionProvider = Cli.Version.class,
    description = "Writes the synthetic task corpus (add, reverse, sort, count, copy; seeded "
        + "train and test splits) as prompt datasets in JSON Lines, and the character "
        + "vocabulary that encodes it.",
    footer = {"", "Example:", "  ablate prompts --out /tmp/prompts --train 2000 --test 100"})
final class PromptsCommand implements Callable<Integer> {
  @ParentCommand
  Cli cli;

  @Option(names = "--out", required = true, paramLabel = "DIR",
      description = "Writes train.jsonl, test.jsonl and vocab.json there.")
  Path dir;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "7",
      description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--train", paramLabel = "N", defaultValue = "6000",
      description = "Train prompts per task (default: ${DEFAULT-VALUE}).")
  int train;

  @Option(names = "--test", paramLabel = "N", defaultValue = "200",
      description = "Test prompts per task (default: ${DEFAULT-VALUE}).")
  int test;

  @Mixin
  CommonOptions common;

  @Override
  public Integer call() throws IOException {
    TaskCorpus.Splits s = TaskCorpus.generate(seed, common.range("--train", train, 1, 10_000_000),
        common.range("--test", test, 1, 10_000_000));
    Files.createDirectories(dir);
    PromptFiles.writeJsonl(dir.resolve("train.jsonl"), s.train());
    PromptFiles.writeJsonl(dir.resolve("test.jsonl"), s.test());
    CharVocab.of(TaskCorpus.ALPHABET).write(dir);
    cli.console(common).out().printf(Locale.ROOT, "Wrote %d train and %d test prompts (%s) and "
        + "%s to %s%n", s.train().size(), s.test().size(), String.join(", ", TaskCorpus.TASKS),
        CharVocab.FILE, dir);
    return 0;
  }
}

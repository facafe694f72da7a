package io.ablate.cli;

import io.ablate.eval.PromptFiles;
import io.ablate.eval.TaskCorpus;
import io.ablate.model.CharVocab;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code ablate prompts}: the synthetic task corpus (train and test splits, seeded) as prompt
 * datasets in JSON Lines, and the character vocabulary that encodes it.
 */
final class PromptsCommand implements Command {
  @Override
  public String name() {
    return "prompts";
  }

  @Override
  public String summary() {
    return "the synthetic task corpus (add, reverse, sort, count, copy) as prompt datasets";
  }

  @Override
  public String usage() {
    return "  --out DIR              writes train.jsonl, test.jsonl and vocab.json\n"
        + "  --seed S               (default 7)\n"
        + "  --train N              train prompts per task (default 6000)\n"
        + "  --test N               test prompts per task (default 200)\n";
  }

  @Override
  public int run(Options options, PrintStream out) throws Exception {
    Path dir = Path.of(options.require("out"));
    long seed = options.getLong("seed", 7, Long.MIN_VALUE, Long.MAX_VALUE);
    int train = (int) options.getLong("train", 6000, 1, 10_000_000);
    int test = (int) options.getLong("test", 200, 1, 10_000_000);
    options.requireAllUsed(name());
    TaskCorpus.Splits s = TaskCorpus.generate(seed, train, test);
    Files.createDirectories(dir);
    PromptFiles.writeJsonl(dir.resolve("train.jsonl"), s.train());
    PromptFiles.writeJsonl(dir.resolve("test.jsonl"), s.test());
    CharVocab.of(TaskCorpus.ALPHABET).write(dir);
    out.printf(Locale.ROOT, "Wrote %d train and %d test prompts (%s) and %s to %s%n",
        s.train().size(), s.test().size(), String.join(", ", TaskCorpus.TASKS), CharVocab.FILE,
        dir);
    return 0;
  }
}

package io.ablate.cli;

import io.ablate.AblateException;
import io.ablate.eval.Prompt;
import io.ablate.eval.PromptFiles;
import io.ablate.eval.PromptRunner;
import io.ablate.model.CharVocab;
import io.ablate.model.ModelConfig;
import io.ablate.model.ModelDir;
import io.ablate.model.Safetensors;
import io.ablate.model.Trainer;
import io.ablate.model.Weights;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code ablate train}: a small decoder (GPT-2 style with GELU, or LLaMA style with SwiGLU) trained
 * with DJL on a prompt corpus from {@code ablate prompts}, written as a model directory; prints the
 * exact match of greedy answers per task on the test split.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
    versionProvider = Cli.Version.class,
    description = "Trains a tiny decoder (gpt2 with GELU, or llama with SwiGLU, RoPE and GQA) "
        + "with DJL on the task corpus of 'ablate prompts' and writes it as a model directory.",
    footer = {"", "Example:",
        "  ablate train --prompts /tmp/prompts --out /tmp/tiny --steps 500 --arch llama"})
final class TrainCommand implements Callable<Integer> {
  @ParentCommand
  Cli cli;

  @Option(names = "--prompts", required = true, paramLabel = "DIR",
      description = "From 'ablate prompts' (train.jsonl, test.jsonl, vocab.json).")
  Path prompts;

  @Option(names = "--out", required = true, paramLabel = "DIR",
      description = "The model directory to write.")
  Path dir;

  @Option(names = "--arch", paramLabel = "gpt2|llama", defaultValue = "gpt2",
      description = "Architecture (default: ${DEFAULT-VALUE}).")
  String arch;

  @Option(names = "--hidden", paramLabel = "D", defaultValue = "128",
      description = "Hidden size (default: ${DEFAULT-VALUE}).")
  int hidden;

  @Option(names = "--layers", paramLabel = "L", defaultValue = "4",
      description = "Layers (default: ${DEFAULT-VALUE}).")
  int layers;

  @Option(names = "--heads", paramLabel = "H", defaultValue = "4",
      description = "Attention heads (default: ${DEFAULT-VALUE}).")
  int heads;

  @Option(names = "--kv-heads", paramLabel = "K",
      description = "Key-value heads (default: 2 for llama, --heads for gpt2).")
  Integer kvHeads;

  @Option(names = "--ffn", paramLabel = "F",
      description = "FFN width (default: 8·D/3 for llama, 4·D for gpt2).")
  Integer ffn;

  @Option(names = "--steps", paramLabel = "N", defaultValue = "3000",
      description = "Training steps (default: ${DEFAULT-VALUE}).")
  int steps;

  @Option(names = "--batch", paramLabel = "B", defaultValue = "64",
      description = "Examples per step (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--lr", paramLabel = "X", defaultValue = "0.003",
      description = "Learning rate (default: ${DEFAULT-VALUE}).")
  double lr;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
      description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--threads", paramLabel = "N", defaultValue = "1",
      description = "PyTorch threads; results are reproducible per count (default: "
          + "${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--dtype", paramLabel = "f32|bf16|f16", defaultValue = "f32",
      description = "Weights on disk (default: ${DEFAULT-VALUE}).")
  Safetensors.Dtype dtype;

  @Mixin
  CommonOptions common;

  @Override
  public Integer call() throws Exception {
    boolean llama = switch (arch) {
      case "gpt2" -> false;
      case "llama" -> true;
      default -> throw AblateException.badInput("--arch %s; valid: gpt2, llama", arch);
    };
    int d = common.range("--hidden", hidden, 8, 4096);
    common.range("--layers", layers, 1, 64);
    common.range("--heads", heads, 1, 64);
    int kv = common.range("--kv-heads", kvHeads != null ? kvHeads : llama ? 2 : heads, 1, 64);
    int width = common.range("--ffn", ffn != null ? ffn : llama ? 8 * d / 3 : 4 * d, 1, 1 << 16);
    Trainer.Settings s = new Trainer.Settings(common.range("--seed", seed, 0, Long.MAX_VALUE),
        common.range("--steps", steps, 1, 10_000_000), common.range("--batch", batch, 1, 100_000),
        lr, 0.02);
    System.setProperty("ai.djl.pytorch.num_threads",
        "" + common.range("--threads", threads, 1, 1024));
    CharVocab vocab = CharVocab.read(prompts);
    List<Prompt> train = PromptFiles.readJsonl(prompts.resolve("train.jsonl"));
    List<Prompt> test = PromptFiles.readJsonl(prompts.resolve("test.jsonl"));
    int maxLen = 0;
    List<Trainer.Example> data = new ArrayList<>();
    for (Prompt p : train) {
      Trainer.Example e = Trainer.example(vocab, p.prompt(), p.answer());
      data.add(e);
      maxLen = Math.max(maxLen, e.tokens().length);
    }
    ModelConfig config = llama
        ? new ModelConfig(ModelConfig.Arch.LLAMA, vocab.size(), d, layers, heads, kv, width,
            2 * maxLen, 1e-6, 10000, "swiglu", false)
        : new ModelConfig(ModelConfig.Arch.GPT2, vocab.size(), d, layers, heads, heads, width,
            2 * maxLen, 1e-5, 0, "gelu", true);
    Console console = cli.console(common);
    console.note("Training %s on %d examples: %d steps of %d, lr %.4g, seed %d, %d PyTorch "
        + "threads", config, data.size(), s.steps(), s.batch(), s.lr(), s.seed(), threads);
    long t0 = System.nanoTime();
    int every = Math.max(1, s.steps() / 20);
    PrintStream progress = console.quiet() ? null : console.err();
    Weights w = Trainer.train(config, data, s, (loss, step) -> {
      if (progress != null && (step % every == 0 || step == s.steps() - 1)) {
        progress.printf(Locale.ROOT, "  step %5d  loss %.4f  %.0f s%n", step, loss,
            (System.nanoTime() - t0) / 1e9);
      }
    });
    ModelDir.write(dir, w, vocab, dtype);
    console.out().printf(Locale.ROOT, "Trained in %.0f s; model in %s%n",
        (System.nanoTime() - t0) / 1e9, dir);
    Map<String, double[]> em = PromptRunner.exactMatch(ModelDir.load(dir), test, 32);
    TextTable t = new TextTable("task", "n", "exact_match");
    em.forEach((task, v) -> t.row(task, (long) v[1], String.format(Locale.ROOT, "%.3f", v[0])));
    console.out().print(t.render());
    return 0;
  }
}

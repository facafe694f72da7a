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

/**
 * {@code ablate train}: a small decoder (GPT-2 style with GELU, or LLaMA style with SwiGLU) trained
 * with DJL on a prompt corpus from {@code ablate prompts}, written as a model directory; prints the
 * exact match of greedy answers per task on the test split.
 */
final class TrainCommand implements Command {
  @Override
  public String name() {
    return "train";
  }

  @Override
  public String summary() {
    return "train a tiny decoder (gpt2/gelu or llama/swiglu) with DJL on the task corpus";
  }

  @Override
  public String usage() {
    return "  --prompts DIR          from ablate prompts (train.jsonl, test.jsonl, vocab.json)\n"
        + "  --out DIR              the model directory to write\n"
        + "  --arch gpt2|llama      (default gpt2: GELU; llama: SwiGLU, RoPE, GQA)\n"
        + "  --hidden D --layers L --heads H --kv-heads K --ffn F   sizes (default 128 4 4 2 4·D"
        + " or 8·D/3)\n"
        + "  --steps N --batch B --lr X --seed S   (default 3000 64 0.003 1)\n"
        + "  --threads N            PyTorch threads (default 1; results are reproducible per count)\n"
        + "  --dtype f32|bf16|f16   weights on disk (default f32)\n";
  }

  @Override
  public int run(Options options, PrintStream out) throws Exception {
    Path prompts = Path.of(options.require("prompts"));
    Path dir = Path.of(options.require("out"));
    String arch = options.get("arch", "gpt2");
    int d = (int) options.getLong("hidden", 128, 8, 4096);
    int layers = (int) options.getLong("layers", 4, 1, 64);
    int heads = (int) options.getLong("heads", 4, 1, 64);
    boolean llama = switch (arch) {
      case "gpt2" -> false;
      case "llama" -> true;
      default -> throw AblateException.badInput("--arch %s; valid: gpt2, llama", arch);
    };
    int kv = (int) options.getLong("kv-heads", llama ? 2 : heads, 1, 64);
    int ffn = (int) options.getLong("ffn", llama ? 8 * d / 3 : 4 * d, 1, 1 << 16);
    Trainer.Settings s = new Trainer.Settings(options.getLong("seed", 1, 0, Long.MAX_VALUE),
        (int) options.getLong("steps", 3000, 1, 10_000_000),
        (int) options.getLong("batch", 64, 1, 100_000), options.getDouble("lr", 3e-3), 0.02);
    String threads = options.get("threads", "1");
    System.setProperty("ai.djl.pytorch.num_threads", threads);
    Safetensors.Dtype dtype = Safetensors.Dtype.valueOf(
        options.get("dtype", "f32").toUpperCase(Locale.ROOT));
    options.requireAllUsed(name());
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
        ? new ModelConfig(ModelConfig.Arch.LLAMA, vocab.size(), d, layers, heads, kv, ffn,
            2 * maxLen, 1e-6, 10000, "swiglu", false)
        : new ModelConfig(ModelConfig.Arch.GPT2, vocab.size(), d, layers, heads, heads, ffn,
            2 * maxLen, 1e-5, 0, "gelu", true);
    out.printf(Locale.ROOT, "Training %s on %d examples: %d steps of %d, lr %.4g, seed %d, "
        + "%s PyTorch threads%n", config, data.size(), s.steps(), s.batch(), s.lr(), s.seed(),
        threads);
    long t0 = System.nanoTime();
    int every = Math.max(1, s.steps() / 20);
    Weights w = Trainer.train(config, data, s, (loss, step) -> {
      if (step % every == 0 || step == s.steps() - 1) {
        out.printf(Locale.ROOT, "  step %5d  loss %.4f  %.0f s%n", step, loss,
            (System.nanoTime() - t0) / 1e9);
      }
    });
    ModelDir.write(dir, w, vocab, dtype);
    out.printf(Locale.ROOT, "Trained in %.0f s; model in %s%n", (System.nanoTime() - t0) / 1e9, dir);
    Map<String, double[]> em = PromptRunner.exactMatch(ModelDir.load(dir), test, 32);
    TextTable t = new TextTable("task", "n", "exact_match");
    em.forEach((task, v) -> t.row(task, (long) v[1], String.format(Locale.ROOT, "%.3f", v[0])));
    out.print(t.render());
    return 0;
  }
}

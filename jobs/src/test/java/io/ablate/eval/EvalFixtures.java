package io.ablate.eval;

import io.ablate.model.CharVocab;
import io.ablate.model.ModelConfig;
import io.ablate.model.ModelDir;
import io.ablate.model.Safetensors;
import io.ablate.model.Weights;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Random tiny models over the task alphabet, and a few task prompts, for eval tests. */
final class EvalFixtures {
  private EvalFixtures() {}

  static ModelConfig gpt2() {
    return new ModelConfig(ModelConfig.Arch.GPT2, TaskCorpus.ALPHABET.length() + 3, 32, 2, 2, 2,
        64, 48, 1e-5, 0, "gelu", true);
  }

  static ModelConfig llama() {
    return new ModelConfig(ModelConfig.Arch.LLAMA, TaskCorpus.ALPHABET.length() + 3, 32, 2, 4, 2,
        48, 48, 1e-6, 10000, "swiglu", false);
  }

  static Path write(Path dir, ModelConfig c, long seed) throws Exception {
    ModelDir.write(dir, Weights.random(c, seed, 0.3), CharVocab.of(TaskCorpus.ALPHABET),
        Safetensors.Dtype.F32);
    return dir;
  }

  /** {@code n} test prompts of every task; every third without its answer. */
  static List<Prompt> prompts(int n) {
    List<Prompt> out = new ArrayList<>();
    List<Prompt> test = TaskCorpus.generate(3, 1, n).test();
    for (int i = 0; i < test.size(); i++) {
      Prompt p = test.get(i);
      out.add(i % 3 == 2 ? new Prompt(p.id(), p.task(), p.prompt(), null) : p);
    }
    return out;
  }
}

package io.ablate.eval;

import io.ablate.model.ModelDir;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Models loaded once per executor JVM (not per task): the first task that needs a model directory
 * loads it, later tasks of any stage reuse it. Parameters (and a Hugging Face tokenizer's native
 * state) stay in native memory for the JVM's life, as the model is reused by every later task;
 * each batch's intermediates live in a manager the partition closes.
 */
final class ExecutorModels {
  private static final ConcurrentHashMap<String, PromptRunner> RUNNERS = new ConcurrentHashMap<>();

  private ExecutorModels() {}

  static PromptRunner get(String dir, int maxNew) {
    return RUNNERS.computeIfAbsent(dir + "\u0000" + maxNew,
        k -> new PromptRunner(ModelDir.load(Path.of(dir)), maxNew));
  }

  /** How many models this JVM has loaded (tests check "once per executor"). */
  static int loaded() {
    return RUNNERS.size();
  }
}

package io.ablate.model;

import io.ablate.AblateException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A model directory: {@code config.json}, the weights and a vocabulary: {@code vocab.json} (the
 * tiny models' character vocabulary) when present, else {@code tokenizer.json} (a Hugging Face
 * tokenizer, {@link HfTokenizer}). The weights are {@code model.safetensors} when present, else a
 * sharded Hugging Face checkpoint: {@code model.safetensors.index.json} and the shard files its
 * {@code weight_map} names ({@link Weights#read}, {@link Weights#files}). Closing it releases the
 * tokenizer's native memory.
 */
public record ModelDir(Path dir, ModelConfig config, Weights weights, Tokenizer tokenizer)
    implements AutoCloseable {

  public static ModelDir load(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw AblateException.badInput("model directory %s does not exist", dir);
    }
    ModelConfig config = ModelConfig.read(dir);
    Weights weights = Weights.read(dir, config);
    Tokenizer tok;
    if (Files.isRegularFile(dir.resolve(CharVocab.FILE))) {
      tok = CharVocab.read(dir);
    } else if (Files.isRegularFile(dir.resolve(HfTokenizer.FILE))) {
      tok = HfTokenizer.read(dir);
    } else {
      throw AblateException.badInput("model directory %s has no vocabulary (%s or %s)", dir,
          CharVocab.FILE, HfTokenizer.FILE);
    }
    if (tok.size() > config.vocabSize()) {
      tok.close();
      throw AblateException.badInput("%s: vocabulary has %d tokens, config vocab_size %d", dir,
          tok.size(), config.vocabSize());
    }
    return new ModelDir(dir, config, weights, tok);
  }

  /**
   * Loads and checks the whole directory (config, every tensor, the vocabulary) and returns its
   * config, releasing the rest: what a driver does before it sends the directory to executors.
   */
  public static ModelConfig check(Path dir) {
    try (ModelDir d = load(dir)) {
      return d.config();
    }
  }

  @Override
  public void close() {
    tokenizer.close();
  }

  /** Writes all three files into {@code dir}; the weights as one {@code model.safetensors}. */
  public static void write(Path dir, Weights weights, CharVocab vocab, Safetensors.Dtype dtype)
      throws IOException {
    Files.createDirectories(dir);
    weights.config().write(dir);
    weights.write(dir, dtype);
    vocab.write(dir);
  }
}

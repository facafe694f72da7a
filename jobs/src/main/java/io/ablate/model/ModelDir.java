package io.ablate.model;

import io.ablate.AblateException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A model directory: {@code config.json}, {@code model.safetensors} and a vocabulary ({@code
 * vocab.json}, the tiny models' character vocabulary).
 */
public record ModelDir(Path dir, ModelConfig config, Weights weights, Tokenizer tokenizer) {

  public static ModelDir load(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw AblateException.badInput("model directory %s does not exist", dir);
    }
    ModelConfig config = ModelConfig.read(dir);
    Weights weights = Weights.read(dir, config);
    Tokenizer tok;
    if (Files.isRegularFile(dir.resolve(CharVocab.FILE))) {
      tok = CharVocab.read(dir);
    } else if (Files.isRegularFile(dir.resolve("tokenizer.json"))) {
      throw AblateException.badInput("%s: tokenizer.json (Hugging Face tokenizers) is not supported "
          + "in this build; give a character vocabulary %s", dir, CharVocab.FILE);
    } else {
      throw AblateException.badInput("model directory %s has no vocabulary (%s)", dir,
          CharVocab.FILE);
    }
    if (tok.size() > config.vocabSize()) {
      throw AblateException.badInput("%s: vocabulary has %d tokens, config vocab_size %d", dir,
          tok.size(), config.vocabSize());
    }
    return new ModelDir(dir, config, weights, tok);
  }

  /** Writes all three files into {@code dir}. */
  public static void write(Path dir, Weights weights, CharVocab vocab, Safetensors.Dtype dtype)
      throws IOException {
    Files.createDirectories(dir);
    weights.config().write(dir);
    weights.write(dir, dtype);
    vocab.write(dir);
  }
}

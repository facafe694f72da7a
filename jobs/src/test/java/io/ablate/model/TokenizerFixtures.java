package io.ablate.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Real {@code tokenizer.json} files for tests: GPT-2's own (a committed, gzipped copy: see
 * {@code src/test/resources/tokenizers/gpt2/NOTICE.md}) and small hand-made word-level ones whose
 * special tokens a test chooses.
 */
public final class TokenizerFixtures {
  public static final int GPT2_VOCAB = 50257;
  public static final int GPT2_ENDOFTEXT = 50256;
  private static final ObjectMapper JSON = new ObjectMapper();

  private TokenizerFixtures() {}

  /** Writes GPT-2's tokenizer.json into {@code dir} (created if needed); returns {@code dir}. */
  public static Path gpt2(Path dir) throws IOException {
    Files.createDirectories(dir);
    try (InputStream in = TokenizerFixtures.class.getResourceAsStream(
        "/tokenizers/gpt2/tokenizer.json.gz"); InputStream gz = new GZIPInputStream(in)) {
      Files.write(dir.resolve(HfTokenizer.FILE), gz.readAllBytes());
    }
    return dir;
  }

  /**
   * A random-weight GPT-2-style model over GPT-2's tokenizer in {@code dir}: config.json (hidden 16,
   * 2 heads, FFN 32, 64 positions, vocab_size 50257; no bos/eos ids), model.safetensors (F32) and
   * tokenizer.json.
   */
  public static Path gpt2Model(Path dir, int layers, long seed) throws IOException {
    ModelConfig c = new ModelConfig(ModelConfig.Arch.GPT2, GPT2_VOCAB, 16, layers, 2, 2, 32, 64,
        1e-5, 0, "gelu", true);
    Files.createDirectories(dir);
    c.write(dir);
    Weights.random(c, seed, 0.3).write(dir, Safetensors.Dtype.F32);
    return gpt2(dir);
  }

  /**
   * A word-level tokenizer.json in {@code dir}: whitespace-split words, ids in order — the
   * {@code specials} (marked special in {@code added_tokens}), then {@code <unk>} (not special),
   * then {@code words}.
   */
  public static Path wordLevel(Path dir, List<String> specials, List<String> words)
      throws IOException {
    Files.createDirectories(dir);
    ObjectNode root = JSON.createObjectNode().put("version", "1.0");
    root.putNull("truncation");
    root.putNull("padding");
    ArrayNode added = root.putArray("added_tokens");
    ObjectNode vocab = JSON.createObjectNode();
    int id = 0;
    for (String s : specials) {
      added.addObject().put("id", id).put("content", s).put("single_word", false)
          .put("lstrip", false).put("rstrip", false).put("normalized", false)
          .put("special", true);
      vocab.put(s, id++);
    }
    vocab.put("<unk>", id++);
    for (String w : words) {
      vocab.put(w, id++);
    }
    root.putNull("normalizer");
    root.putObject("pre_tokenizer").put("type", "WhitespaceSplit");
    root.putNull("post_processor");
    root.putObject("decoder").put("type", "WordPiece").put("prefix", "##").put("cleanup", false);
    ObjectNode model = root.putObject("model").put("type", "WordLevel");
    model.set("vocab", vocab);
    model.put("unk_token", "<unk>");
    JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(HfTokenizer.FILE).toFile(), root);
    return dir;
  }

  /** Sets (or, with a null value, removes) keys of {@code dir/config.json}, creating it if needed. */
  public static void config(Path dir, String key, Object value) throws IOException {
    Path file = dir.resolve("config.json");
    ObjectNode n = Files.isRegularFile(file) ? (ObjectNode) JSON.readTree(file.toFile())
        : JSON.createObjectNode();
    if (value == null) {
      n.remove(key);
    } else {
      n.set(key, JSON.valueToTree(value));
    }
    JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), n);
  }
}

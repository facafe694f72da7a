package io.ablate.model;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ablate.AblateException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Hugging Face {@code tokenizer.json} (BPE, WordPiece, Unigram, ...) through DJL's tokenizers,
 * whose Rust library is bundled in its jar for linux-x86_64/aarch64, macOS and Windows and loaded
 * from there (DJL copies it to {@code ~/.djl.ai/tokenizers}, or {@code DJL_CACHE_DIR}; nothing is
 * downloaded on a CPU host, and {@code -Dai.djl.offline=true} stops the CUDA build's download on a
 * GPU host). Encoding adds no special tokens, truncates and pads nothing; decoding leaves special
 * tokens out.
 *
 * <p>BOS and EOS: {@code config.json}'s {@code bos_token_id} and {@code eos_token_id} (the first of a
 * list) when present, else the tokenizer's own special tokens ({@link #BOS_NAMES}, {@link
 * #EOS_NAMES}, first match). No BOS is fine (sequences then start with the prompt); no EOS is bad
 * input, as greedy decoding needs one. The tokenizer holds native memory: {@link #close()} it.
 */
public final class HfTokenizer implements Tokenizer {
  public static final String FILE = "tokenizer.json";
  static final List<String> BOS_NAMES = List.of("<s>", "<|begin_of_text|>", "<bos>",
      "<|endoftext|>");
  static final List<String> EOS_NAMES = List.of("</s>", "<|endoftext|>", "<|end_of_text|>",
      "<eos>", "<|eot_id|>", "<|im_end|>");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HuggingFaceTokenizer tok;
  private final int size;
  private final int bos;
  private final int eos;

  private HfTokenizer(HuggingFaceTokenizer tok, int size, int bos, int eos) {
    this.tok = tok;
    this.size = size;
    this.bos = bos;
    this.eos = eos;
  }

  /** {@code dir/tokenizer.json}, with BOS and EOS as the class comment says. */
  public static HfTokenizer read(Path dir) {
    Path file = dir.resolve(FILE);
    JsonNode json = readJson(file);
    Map<String, Integer> specials = new HashMap<>();
    int max = -1;
    for (JsonNode t : json.path("added_tokens")) {
      int id = t.path("id").asInt(-1);
      max = Math.max(max, id);
      if (t.path("special").asBoolean(false)) {
        specials.putIfAbsent(t.path("content").asText(), id);
      }
    }
    JsonNode vocab = json.path("model").path("vocab");
    if (vocab.isArray()) { // Unigram: [[piece, score], ...], ids are positions
      max = Math.max(max, vocab.size() - 1);
    } else {
      for (JsonNode id : vocab) {
        max = Math.max(max, id.asInt(-1));
      }
    }
    if (max < 0) {
      throw AblateException.badInput("%s: no tokens (neither model.vocab nor added_tokens)", file);
    }
    Path configFile = dir.resolve("config.json");
    JsonNode config = Files.isRegularFile(configFile) ? readJson(configFile) : JSON.nullNode();
    int bos = special(config, "bos_token_id", specials, BOS_NAMES);
    int eos = special(config, "eos_token_id", specials, EOS_NAMES);
    if (eos < 0) {
      throw AblateException.badInput("%s: no end-of-sequence token: %s has no eos_token_id and %s "
          + "has none of the special tokens %s", dir, configFile.getFileName(), FILE, EOS_NAMES);
    }
    for (int id : new int[] {bos, eos}) {
      if (id > max) {
        throw AblateException.badInput("%s: special token id %d is outside the tokenizer's %d "
            + "tokens (%s)", dir, id, max + 1, FILE);
      }
    }
    try {
      HuggingFaceTokenizer hf = HuggingFaceTokenizer.builder().optTokenizerPath(file)
          .optAddSpecialTokens(false).optTruncation(false).optPadding(false).build();
      return new HfTokenizer(hf, max + 1, bos, eos);
    } catch (IOException | RuntimeException e) {
      throw AblateException.badInput("%s: not a Hugging Face tokenizer: %s", file, e.getMessage());
    }
  }

  /** The config's id (the first of a list), else the first of {@code names} the tokenizer has. */
  private static int special(JsonNode config, String key, Map<String, Integer> specials,
      List<String> names) {
    JsonNode id = config.path(key);
    if (id.isArray() && !id.isEmpty()) {
      id = id.get(0);
    }
    if (id.canConvertToInt()) {
      return id.asInt();
    }
    return names.stream().filter(specials::containsKey).findFirst().map(specials::get).orElse(-1);
  }

  private static JsonNode readJson(Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw AblateException.badInput("%s: cannot read: %s", file, e.getMessage());
    }
  }

  @Override
  public int[] encode(String text) {
    long[] ids = tok.encode(text, false, false).getIds();
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = (int) ids[i];
    }
    return out;
  }

  @Override
  public String decode(int[] ids, int from, int to) {
    long[] l = new long[to - from];
    for (int i = from; i < to; i++) {
      l[i - from] = ids[i];
    }
    return tok.decode(l, true);
  }

  @Override
  public int bos() {
    return bos;
  }

  @Override
  public int eos() {
    return eos;
  }

  @Override
  public int size() {
    return size;
  }

  /** Releases the native tokenizer; encode and decode fail afterwards. */
  @Override
  public void close() {
    tok.close();
  }
}

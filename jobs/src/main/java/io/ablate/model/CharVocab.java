package io.ablate.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ablate.AblateException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The tiny models' character-level vocabulary, {@code vocab.json}: {@code {"type": "char",
 * "tokens": ["<pad>", "<bos>", "<eos>", " ", "+", ...]}}; ids are list positions, ids 0–2 the
 * specials, every other token one character. A character outside the vocabulary is bad input.
 */
public final class CharVocab implements Tokenizer {
  public static final String FILE = "vocab.json";
  public static final int PAD = 0;
  public static final int BOS = 1;
  public static final int EOS = 2;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String[] tokens;
  private final Map<Character, Integer> ids = new HashMap<>();

  private CharVocab(String[] tokens) {
    this.tokens = tokens;
    for (int i = 3; i < tokens.length; i++) {
      ids.put(tokens[i].charAt(0), i);
    }
  }

  /** The specials then the given characters, in order. */
  public static CharVocab of(String chars) {
    String[] t = new String[3 + chars.length()];
    t[0] = "<pad>";
    t[1] = "<bos>";
    t[2] = "<eos>";
    for (int i = 0; i < chars.length(); i++) {
      t[3 + i] = String.valueOf(chars.charAt(i));
    }
    return new CharVocab(t);
  }

  public static CharVocab read(Path dir) {
    Path file = dir.resolve(FILE);
    try {
      JsonNode n = JSON.readTree(file.toFile());
      if (!"char".equals(n.path("type").asText())) {
        throw AblateException.badInput("%s: type must be \"char\"", file);
      }
      JsonNode list = n.path("tokens");
      String[] t = new String[list.size()];
      for (int i = 0; i < t.length; i++) {
        t[i] = list.get(i).asText();
        if (i >= 3 && t[i].length() != 1) {
          throw AblateException.badInput("%s: token %d '%s' is not one character", file, i, t[i]);
        }
      }
      if (t.length < 4) {
        throw AblateException.badInput("%s: fewer than 4 tokens", file);
      }
      return new CharVocab(t);
    } catch (IOException e) {
      throw AblateException.badInput("%s: cannot read: %s", file, e.getMessage());
    }
  }

  public void write(Path dir) throws IOException {
    ObjectNode n = JSON.createObjectNode().put("type", "char");
    var arr = n.putArray("tokens");
    for (String t : tokens) {
      arr.add(t);
    }
    JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(FILE).toFile(), n);
  }

  @Override
  public int[] encode(String text) {
    int[] out = new int[text.length()];
    for (int i = 0; i < out.length; i++) {
      Integer id = ids.get(text.charAt(i));
      if (id == null) {
        throw AblateException.badInput("character '%s' of \"%s\" is not in the model's vocabulary",
            text.charAt(i), text);
      }
      out[i] = id;
    }
    return out;
  }

  @Override
  public String decode(int[] ids, int from, int to) {
    StringBuilder sb = new StringBuilder();
    for (int i = from; i < to; i++) {
      if (ids[i] >= 3 && ids[i] < tokens.length) {
        sb.append(tokens[ids[i]]);
      }
    }
    return sb.toString();
  }

  @Override
  public int bos() {
    return BOS;
  }

  @Override
  public int eos() {
    return EOS;
  }

  @Override
  public int size() {
    return tokens.length;
  }

  public List<String> tokens() {
    return List.of(tokens);
  }
}

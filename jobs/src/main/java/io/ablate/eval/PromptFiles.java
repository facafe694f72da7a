package io.ablate.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ablate.AblateException;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Prompt datasets as JSON Lines: one object per line with id, task, prompt and answer. */
public final class PromptFiles {
  private static final ObjectMapper JSON = new ObjectMapper();

  private PromptFiles() {}

  public static void writeJsonl(Path file, List<Prompt> prompts) throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (Prompt p : prompts) {
        ObjectNode n = JSON.createObjectNode().put("id", p.id()).put("task", p.task())
            .put("prompt", p.prompt());
        if (p.answer() != null) {
          n.put("answer", p.answer());
        }
        w.write(JSON.writeValueAsString(n));
        w.write('\n');
      }
    }
  }

  /** Reads a JSONL prompt file on the driver (training, capture); errors name file and line. */
  public static List<Prompt> readJsonl(Path file) {
    if (!Files.isRegularFile(file)) {
      throw AblateException.badInput("no prompt file %s", file);
    }
    List<Prompt> out = new ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int no = 0;
      while ((line = r.readLine()) != null) {
        no++;
        if (line.isBlank()) {
          continue;
        }
        JsonNode n;
        try {
          n = JSON.readTree(line);
        } catch (IOException e) {
          throw AblateException.badInput("%s line %d: not JSON: %s", file, no, e.getMessage());
        }
        out.add(new Prompt(req(file, no, n, "id"), req(file, no, n, "task"),
            req(file, no, n, "prompt"), n.hasNonNull("answer") ? n.get("answer").asText() : null));
      }
    } catch (IOException e) {
      throw AblateException.badInput("%s: cannot read: %s", file, e.getMessage());
    }
    if (out.isEmpty()) {
      throw AblateException.badInput("%s: no prompts", file);
    }
    return out;
  }

  private static String req(Path file, int line, JsonNode n, String key) {
    JsonNode v = n.get(key);
    if (v == null || v.isNull()) {
      throw AblateException.badInput("%s line %d: missing '%s' (a prompt needs id, task, prompt)",
          file, line, key);
    }
    return v.asText();
  }
}

package io.ablate.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ablate.AblateException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A sharded checkpoint's index, {@code model.safetensors.index.json}, as Hugging Face writes it:
 * {@code {"metadata": {"total_size": N}, "weight_map": {"model.norm.weight":
 * "model-00002-of-00002.safetensors", ...}}}. Reading it checks that every shard it names is a file
 * inside the index's directory; {@link #tensors} reads each shard once and takes from it the
 * tensors the index maps to it.
 */
final class SafetensorsIndex {
  static final String FILE = "model.safetensors.index.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  /** Tensor names by shard, shards sorted by name (all shards share one directory). */
  private final TreeMap<Path, List<String>> namesByShard;

  private SafetensorsIndex(Path file, TreeMap<Path, List<String>> namesByShard) {
    this.file = file;
    this.namesByShard = namesByShard;
  }

  /** Reads and checks the index {@code file}; its shards are not opened yet. */
  static SafetensorsIndex read(Path file) {
    JsonNode weightMap;
    try {
      weightMap = JSON.readTree(file.toFile()).path("weight_map");
    } catch (IOException e) {
      throw AblateException.badInput("%s: not JSON: %s", file, e.getMessage());
    }
    if (!weightMap.isObject()) {
      throw AblateException.badInput("%s: no \"weight_map\" object (tensor name to shard file)",
          file);
    }
    // Lexically normalised, not resolved through links: Hugging Face's cache links each shard
    // from the snapshot directory to a blob elsewhere.
    Path dir = file.toAbsolutePath().normalize().getParent();
    TreeMap<Path, List<String>> byShard = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = weightMap.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      Path shard = shard(file, dir, e.getKey(), e.getValue());
      byShard.computeIfAbsent(shard, s -> new ArrayList<>()).add(e.getKey());
    }
    return new SafetensorsIndex(file, byShard);
  }

  /** The shard of {@code tensor}: a file name that stays inside {@code dir} and exists. */
  private static Path shard(Path file, Path dir, String tensor, JsonNode name) {
    if (!name.isTextual()) {
      throw AblateException.badInput("%s: weight_map maps tensor %s to %s, not a file name", file,
          tensor, name);
    }
    Path shard = dir.resolve(name.asText()).normalize();
    if (!shard.startsWith(dir) || shard.equals(dir)) {
      throw AblateException.badInput("%s: shard '%s' of tensor %s is outside the model "
          + "directory %s", file, name.asText(), tensor, dir);
    }
    if (!Files.isRegularFile(shard)) {
      throw AblateException.badInput("%s: shard %s (of tensor %s) does not exist", file, shard,
          tensor);
    }
    return shard;
  }

  Path file() {
    return file;
  }

  /** The index, then every shard it names, sorted by name: the files that hold the weights. */
  List<Path> files() {
    List<Path> out = new ArrayList<>();
    out.add(file);
    out.addAll(namesByShard.keySet());
    return out;
  }

  /**
   * Every tensor the index maps, read from its shard (each shard read once); a tensor missing from
   * the header of the shard the index names is bad input.
   */
  Map<String, Tensor> tensors() {
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (Map.Entry<Path, List<String>> e : namesByShard.entrySet()) {
      Map<String, Tensor> held = Safetensors.read(e.getKey());
      for (String name : e.getValue()) {
        Tensor t = held.get(name);
        if (t == null) {
          throw AblateException.badInput("%s: maps tensor %s to %s, whose header does not "
              + "contain it", file, name, e.getKey());
        }
        out.put(name, t);
      }
    }
    return out;
  }
}

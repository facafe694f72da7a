package io.ablate.model;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Sharded checkpoints for tests, laid out as Hugging Face's {@code save_pretrained} does: shards
 * {@code model-00001-of-0000N.safetensors} holding consecutive runs of the tensors, and {@code
 * model.safetensors.index.json} with {@code metadata.total_size} (bytes of tensor data) and a
 * {@code weight_map} sorted by tensor name, indented by 2 ({@code json.dumps(index, indent=2,
 * sort_keys=True)}). Ablate itself only writes single files.
 */
public final class ShardedCheckpoints {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ShardedCheckpoints() {}

  /** A model directory: config.json, vocab.json and the sharded weights; returns {@code dir}. */
  public static Path modelDir(Path dir, Weights weights, CharVocab vocab,
      Safetensors.Dtype... shardDtypes) throws IOException {
    Files.createDirectories(dir);
    weights.config().write(dir);
    vocab.write(dir);
    write(dir, weights, shardDtypes);
    return dir;
  }

  /**
   * Writes the tensors of {@code weights} over {@code shardDtypes.length} shards, shard {@code i}
   * in {@code shardDtypes[i]}, and the index; returns the shards in order.
   */
  public static List<Path> write(Path dir, Weights weights, Safetensors.Dtype... shardDtypes)
      throws IOException {
    List<Tensor> all = weights.all();
    int n = shardDtypes.length;
    Map<String, String> weightMap = new TreeMap<>();
    long totalSize = 0;
    List<Path> shards = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String name = String.format(Locale.ROOT, "model-%05d-of-%05d.safetensors", i + 1, n);
      List<Tensor> part = all.subList(i * all.size() / n, (i + 1) * all.size() / n);
      Safetensors.write(dir.resolve(name), part, shardDtypes[i]);
      for (Tensor t : part) {
        weightMap.put(t.name(), name);
        totalSize += (long) t.data().length * shardDtypes[i].bytes;
      }
      shards.add(dir.resolve(name));
    }
    writeIndex(dir, weightMap, totalSize);
    return shards;
  }

  /** Writes {@code dir/model.safetensors.index.json} mapping tensor names to shard file names. */
  public static void writeIndex(Path dir, Map<String, String> weightMap, long totalSize)
      throws IOException {
    ObjectNode index = JSON.createObjectNode();
    index.putObject("metadata").put("total_size", totalSize);
    ObjectNode map = index.putObject("weight_map");
    new TreeMap<>(weightMap).forEach(map::put);
    DefaultPrettyPrinter pretty = new DefaultPrettyPrinter(Separators.createDefaultInstance()
        .withObjectFieldValueSpacing(Separators.Spacing.AFTER))
        .withObjectIndenter(new DefaultIndenter("  ", "\n"));
    Files.writeString(dir.resolve(SafetensorsIndex.FILE),
        JSON.writer(pretty).writeValueAsString(index) + "\n");
  }
}

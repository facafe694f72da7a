package io.ablate.job;

import io.ablate.model.Weights;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32;

/** The input fingerprint of a model run: CRC-32 of the weights and of the prompt file. */
public final class ModelFingerprint {
  private ModelFingerprint() {}

  public static String of(Path model, Path prompts) {
    return "model:" + checkpoint(model) + ",prompts:" + crc(List.of(prompts));
  }

  /**
   * The checkpoint of a model directory: one CRC-32 over the files its weights are read from, in
   * {@link Weights#files}' order (so a single {@code model.safetensors} keeps its own CRC, and a
   * sharded checkpoint is covered by its index and every shard).
   */
  public static String checkpoint(Path model) {
    return crc(Weights.files(model));
  }

  /** CRC-32 of the files' bytes one after another; "-" when one is not a readable file. */
  public static String crc(List<Path> files) {
    CRC32 c = new CRC32();
    byte[] buf = new byte[1 << 16];
    for (Path file : files) {
      if (!Files.isRegularFile(file)) {
        return "-";
      }
      try (InputStream in = Files.newInputStream(file)) {
        for (int n; (n = in.read(buf)) > 0; ) {
          c.update(buf, 0, n);
        }
      } catch (IOException e) {
        return "-";
      }
    }
    return String.format("%08x", c.getValue());
  }
}

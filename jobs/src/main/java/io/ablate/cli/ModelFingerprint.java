package io.ablate.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;

/** The input fingerprint of a model run: CRC-32 of the weights and of the prompt file. */
final class ModelFingerprint {
  private ModelFingerprint() {}

  static String of(Path model, Path prompts) {
    return "model:" + crc(model.resolve("model.safetensors")) + ",prompts:" + crc(prompts);
  }

  static String crc(Path file) {
    if (!Files.isRegularFile(file)) {
      return "-";
    }
    CRC32 c = new CRC32();
    byte[] buf = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buf)) > 0; ) {
        c.update(buf, 0, n);
      }
    } catch (IOException e) {
      return "-";
    }
    return String.format("%08x", c.getValue());
  }
}

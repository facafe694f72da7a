package io.ablate.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.ablate.model.CharVocab;
import io.ablate.model.ModelConfig;
import io.ablate.model.ModelDir;
import io.ablate.model.Safetensors;
import io.ablate.model.ShardedCheckpoints;
import io.ablate.model.Weights;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model's checkpoint fingerprint covers its weights, single-file or sharded. */
class ModelFingerprintTest {
  private static final ModelConfig CONFIG = new ModelConfig(ModelConfig.Arch.LLAMA, 20, 16, 2, 4,
      2, 24, 40, 1e-6, 10000, "swiglu", false);
  private static final CharVocab VOCAB = CharVocab.of("0123456789+=");

  @TempDir Path dir;

  @Test
  void aSingleFileKeepsTheCrcOfModelSafetensors() throws Exception {
    Path m = dir.resolve("single");
    ModelDir.write(m, Weights.random(CONFIG, 1, 0.2), VOCAB, Safetensors.Dtype.F32);
    assertEquals(crcOf(m.resolve("model.safetensors")), ModelFingerprint.checkpoint(m));
  }

  @Test
  void aShardedCheckpointIsCoveredByItsIndexAndEveryShard() throws Exception {
    Path m = dir.resolve("sharded");
    List<Path> shards = ShardedCheckpoints.write(Files.createDirectories(m),
        Weights.random(CONFIG, 1, 0.2), Safetensors.Dtype.F32, Safetensors.Dtype.BF16,
        Safetensors.Dtype.F32);
    Path index = m.resolve("model.safetensors.index.json");
    String fingerprint = ModelFingerprint.checkpoint(m);
    assertEquals(crcOf(index, shards.get(0), shards.get(1), shards.get(2)), fingerprint,
        "the index, then the shards by name");
    assertEquals(fingerprint, ModelFingerprint.checkpoint(m), "stable");

    // One value of the middle shard changes (the last data byte: the file stays valid).
    byte[] original = Files.readAllBytes(shards.get(1));
    byte[] changed = original.clone();
    changed[changed.length - 1] ^= 1;
    Files.write(shards.get(1), changed);
    assertNotEquals(fingerprint, ModelFingerprint.checkpoint(m));
    Files.write(shards.get(1), original);
    assertEquals(fingerprint, ModelFingerprint.checkpoint(m), "restored");
    assertEquals("model:" + fingerprint + ",prompts:-",
        ModelFingerprint.of(m, dir.resolve("no-prompts")));
  }

  private static String crcOf(Path... files) throws Exception {
    CRC32 c = new CRC32();
    for (Path f : files) {
      c.update(Files.readAllBytes(f));
    }
    return String.format("%08x", c.getValue());
  }
}

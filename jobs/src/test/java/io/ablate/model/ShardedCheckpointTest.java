package io.ablate.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.ablate.AblateException;
import io.ablate.precision.FloatFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sharded Hugging Face checkpoints ({@code model.safetensors.index.json} + shards): read as the
 * shards hold them, the same model as the single file, and each broken layout named in its error.
 */
class ShardedCheckpointTest {
  private static final CharVocab VOCAB = CharVocab.of("0123456789+=");
  private static final Safetensors.Dtype F32 = Safetensors.Dtype.F32;
  private static final Safetensors.Dtype BF16 = Safetensors.Dtype.BF16;
  private static final Safetensors.Dtype F16 = Safetensors.Dtype.F16;

  @TempDir Path dir;

  @Test
  void mixedDtypeShardsLoadExactlyAsEachShardHoldsItsTensors() throws Exception {
    for (ModelConfig c : List.of(TinyModels.gpt2(), TinyModels.llama())) {
      Weights w = Weights.random(c, 7, 0.2);
      Path m = dir.resolve(c.arch().name());
      List<Path> shards = ShardedCheckpoints.write(Files.createDirectories(m), w, F32, BF16, F16);
      c.write(m);
      VOCAB.write(m);
      Map<String, Tensor> individually = new HashMap<>();
      Map<String, Safetensors.Dtype> dtypeOf = new HashMap<>();
      List<Safetensors.Dtype> dtypes = List.of(F32, BF16, F16);
      for (int i = 0; i < shards.size(); i++) {
        for (Tensor t : Safetensors.read(shards.get(i)).values()) {
          individually.put(t.name(), t);
          dtypeOf.put(t.name(), dtypes.get(i));
        }
      }
      try (ModelDir loaded = ModelDir.load(m)) {
        assertEquals(Weights.expected(c).size(), loaded.weights().all().size());
        for (Tensor t : loaded.weights().all()) {
          Tensor shard = individually.get(t.name());
          assertArrayEquals(shard.shape(), t.shape(), t.name());
          assertArrayEquals(shard.data(), t.data(), t.name());
          // each value as its shard's dtype stores it: proves the dtypes really are mixed
          assertArrayEquals(rounded(w.get(t.name()).data(), dtypeOf.get(t.name())), t.data(),
              t.name());
        }
      }
      assertTrue(dtypeOf.containsValue(F32) && dtypeOf.containsValue(BF16)
          && dtypeOf.containsValue(F16), "all three shards hold tensors");
    }
  }

  private static float[] rounded(float[] v, Safetensors.Dtype dtype) {
    FloatFormat f = dtype == BF16 ? FloatFormat.BF16 : dtype == F16 ? FloatFormat.FP16 : null;
    float[] out = v.clone();
    for (int i = 0; f != null && i < out.length; i++) {
      out[i] = f.round(out[i]);
    }
    return out;
  }

  @Test
  void shardedAndSingleFileGiveIdenticalLogitsInBothForwardPasses() throws Exception {
    int[] prompt = {1, 5, 6, 7, 12, 3, 9, 4};
    for (ModelConfig c : List.of(TinyModels.gpt2(), TinyModels.llama())) {
      Weights w = Weights.random(c, 13, 0.3);
      Path single = dir.resolve("single-" + c.arch());
      ModelDir.write(single, w, VOCAB, BF16);
      Path sharded = ShardedCheckpoints.modelDir(dir.resolve("sharded-" + c.arch()), w, VOCAB,
          BF16, BF16, BF16);
      VariantConfig base = VariantConfig.parse("baseline", c);
      try (ModelDir a = ModelDir.load(single); ModelDir b = ModelDir.load(sharded)) {
        for (int i = 0; i < a.weights().all().size(); i++) {
          assertEquals(a.weights().all().get(i).name(), b.weights().all().get(i).name());
          assertArrayEquals(a.weights().all().get(i).data(), b.weights().all().get(i).data());
        }
        double[][] refA = new ReferenceForward(a.weights()).logits(prompt, base);
        double[][] refB = new ReferenceForward(b.weights()).logits(prompt, base);
        for (int t = 0; t < prompt.length; t++) {
          assertArrayEquals(refA[t], refB[t], c.arch() + " float64 logits, position " + t);
        }
        assertArrayEquals(djlLogits(a.weights(), prompt, base),
            djlLogits(b.weights(), prompt, base), c.arch() + " DJL logits");
      }
    }
  }

  private static float[] djlLogits(Weights w, int[] prompt, VariantConfig variants) {
    int[][] every = {java.util.stream.IntStream.range(0, prompt.length).toArray()};
    try (DjlModel m = DjlModel.load(w); NDManager scope = NDManager.newBaseManager("PyTorch")) {
      return new Decoder(m).score(scope, new int[][] {prompt}, every,
          new CatalogueFfn(variants))[0];
    }
  }

  @Test
  void aSingleFileWinsOverAnIndexBesideIt() throws Exception {
    ModelConfig c = TinyModels.llama();
    Weights w = Weights.random(c, 3, 0.2);
    Path m = ShardedCheckpoints.modelDir(dir.resolve("both"), w, VOCAB, BF16, BF16);
    w.write(m, F32);
    try (ModelDir loaded = ModelDir.load(m)) {
      Tensor q = loaded.weights().get("model.layers.0.self_attn.q_proj.weight");
      assertArrayEquals(w.get(q.name()).data(), q.data(), "the F32 single file, not BF16 shards");
    }
    assertEquals(List.of(m.resolve("model.safetensors")), Weights.files(m));
  }

  @Test
  void linksToBlobsElsewhereAreFollowedAsInTheHuggingFaceCache() throws Exception {
    // A cache snapshot: snapshots/REV/FILE -> ../../blobs/HASH. Shard names are resolved against
    // the snapshot directory, where the index's link is, not against the blob it points to.
    Weights w = Weights.random(TinyModels.llama(), 9, 0.2);
    Path snapshot = ShardedCheckpoints.modelDir(dir.resolve("snapshots/rev"), w, VOCAB, F32, F32);
    Path blobs = Files.createDirectories(dir.resolve("blobs"));
    for (String f : List.of("model.safetensors.index.json", "model-00001-of-00002.safetensors",
        "model-00002-of-00002.safetensors")) {
      Files.move(snapshot.resolve(f), blobs.resolve("hash-" + f));
      Files.createSymbolicLink(snapshot.resolve(f), Path.of("../../blobs/hash-" + f));
    }
    try (ModelDir loaded = ModelDir.load(snapshot)) {
      for (Tensor t : w.all()) {
        assertArrayEquals(t.data(), loaded.weights().get(t.name()).data(), t.name());
      }
    }
  }

  @Test
  void brokenShardedCheckpointsAreBadInputNamingTheFile() throws Exception {
    ModelConfig c = TinyModels.llama();
    Weights w = Weights.random(c, 5, 0.2);
    Path m = ShardedCheckpoints.modelDir(dir.resolve("m"), w, VOCAB, F32, BF16);
    Path index = m.resolve("model.safetensors.index.json");
    Path shard1 = m.resolve("model-00001-of-00002.safetensors").toAbsolutePath();
    Path shard2 = m.resolve("model-00002-of-00002.safetensors").toAbsolutePath();
    Map<String, String> good = new TreeMap<>();
    for (Tensor t : Safetensors.read(shard1).values()) {
      good.put(t.name(), shard1.getFileName().toString());
    }
    for (Tensor t : Safetensors.read(shard2).values()) {
      good.put(t.name(), shard2.getFileName().toString());
    }
    String inShard2 = "model.layers.1.mlp.up_proj.weight";
    assertEquals(shard2.getFileName().toString(), good.get(inShard2));

    Files.writeString(index, "{\"weight_map\": {");
    assertBadInput(m, index + ": not JSON");
    Files.writeString(index, "{\"metadata\": {\"total_size\": 1}}");
    assertBadInput(m, index + ": no \"weight_map\" object");

    Map<String, String> wrongShard = new TreeMap<>(good);
    wrongShard.put(inShard2, shard1.getFileName().toString());
    ShardedCheckpoints.writeIndex(m, wrongShard, 0);
    assertBadInput(m, index + ": maps tensor " + inShard2 + " to " + shard1
        + ", whose header does not contain it");

    Path outside = Files.writeString(dir.resolve("x.safetensors"), "");
    for (String escape : List.of("../x.safetensors", outside.toAbsolutePath().toString(),
        "sub/../../x.safetensors")) {
      Map<String, String> escaping = new TreeMap<>(good);
      escaping.put(inShard2, escape);
      ShardedCheckpoints.writeIndex(m, escaping, 0);
      assertBadInput(m, index + ": shard '" + escape + "' of tensor " + inShard2
          + " is outside the model directory");
    }

    Map<String, String> incomplete = new TreeMap<>(good);
    incomplete.remove(inShard2);
    ShardedCheckpoints.writeIndex(m, incomplete, 0);
    assertBadInput(m, index + ": missing tensor " + inShard2 + " (expected shape [24, 16]");

    ShardedCheckpoints.writeIndex(m, good, 0);
    try (ModelDir ok = ModelDir.load(m)) {
      assertEquals(Weights.expected(c).size(), ok.weights().all().size(), "the index restored");
    }
    Files.delete(shard2);
    assertBadInput(m, index + ": shard " + shard2 + " (of tensor ");
    assertBadInput(m, " does not exist");

    Files.delete(index);
    assertBadInput(m, "model directory " + m
        + " has neither model.safetensors nor model.safetensors.index.json");
    assertFalse(Files.exists(m.resolve("model.safetensors")));
  }

  private static void assertBadInput(Path model, String message) {
    AblateException e = assertThrows(AblateException.class, () -> ModelDir.load(model));
    assertEquals(2, e.exitCode(), e.getMessage());
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }
}

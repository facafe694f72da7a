package io.ablate.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ablate.AblateException;
import io.ablate.precision.FloatFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
  @TempDir Path dir;

  @Test
  void roundTripsEveryWrittenDtype() throws Exception {
    float[] v = {0f, -1.5f, 3.14159f, 65504f, 1e-3f, -2.5e-8f};
    Tensor t = new Tensor("a.weight", new int[] {2, 3}, v);
    Tensor s = new Tensor("b", new int[] {1}, new float[] {7f});
    for (Safetensors.Dtype dtype : List.of(Safetensors.Dtype.F32, Safetensors.Dtype.F16,
        Safetensors.Dtype.BF16)) {
      Path f = dir.resolve(dtype + ".safetensors");
      Safetensors.write(f, List.of(t, s), dtype);
      Map<String, Tensor> back = Safetensors.read(f);
      assertEquals(List.of("a.weight", "b"), List.copyOf(back.keySet()));
      assertArrayEquals(new int[] {2, 3}, back.get("a.weight").shape());
      float[] expect = v.clone();
      FloatFormat fmt = dtype == Safetensors.Dtype.F16 ? FloatFormat.FP16
          : dtype == Safetensors.Dtype.BF16 ? FloatFormat.BF16 : null;
      for (int i = 0; fmt != null && i < expect.length; i++) {
        expect[i] = fmt.round(expect[i]);
      }
      assertArrayEquals(expect, back.get("a.weight").data(), dtype.toString());
      // The layout: 8-byte little-endian header length, data aligned to 8 bytes.
      byte[] bytes = Files.readAllBytes(f);
      long headerLen = java.nio.ByteBuffer.wrap(bytes, 0, 8)
          .order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
      assertEquals(0, headerLen % 8);
      assertEquals(bytes.length, 8 + headerLen + 7L * dtype.bytes);
    }
  }

  @Test
  void modelDirectoryErrorsNameTheTensorAndBothShapes() throws Exception {
    ModelConfig c = TinyModels.llama();
    Weights w = Weights.random(c, 1, 0.1);
    Map<String, Tensor> broken = new LinkedHashMap<>();
    for (Tensor t : w.all()) {
      broken.put(t.name(), t);
    }
    broken.remove("model.layers.1.mlp.up_proj.weight");
    AblateException missing = assertThrows(AblateException.class,
        () -> Weights.of(c, broken, "m.safetensors"));
    assertEquals(2, missing.exitCode());
    assertTrue(missing.getMessage().contains("missing tensor model.layers.1.mlp.up_proj.weight "
        + "(expected shape [24, 16]"), missing.getMessage());
    broken.put("model.layers.1.mlp.up_proj.weight",
        new Tensor("model.layers.1.mlp.up_proj.weight", new int[] {16, 24}, new float[384]));
    AblateException shape = assertThrows(AblateException.class,
        () -> Weights.of(c, broken, "m.safetensors"));
    assertTrue(shape.getMessage().contains("tensor model.layers.1.mlp.up_proj.weight has shape "
        + "[16, 24], config implies [24, 16]"), shape.getMessage());
  }

  @Test
  void modelDirectoryRoundTripsBothArchitectures() throws Exception {
    ModelConfig swish = new ModelConfig(ModelConfig.Arch.LLAMA, 20, 16, 2, 4, 2, 24, 40, 1e-6,
        10000, "swish(beta=1.5)", false);
    for (ModelConfig c : List.of(TinyModels.gpt2(), TinyModels.llama(),
        TinyModels.llamaElementwise(), swish)) {
      Path m = dir.resolve(c.arch().name() + "-" + c.activation().replaceAll("\\W", "_"));
      ModelDir.write(m, Weights.random(c, 3, 0.2), CharVocab.of("0123456789+="),
          Safetensors.Dtype.F32);
      ModelDir loaded = ModelDir.load(m);
      assertEquals(c, loaded.config());
      assertArrayEquals(Weights.random(c, 3, 0.2).all().get(1).data(),
          loaded.weights().all().get(1).data());
      assertEquals("12+3=", loaded.tokenizer().decode(loaded.tokenizer().encode("12+3="), 0, 5));
    }
    // An elementwise LLaMA FFN has no gate projection.
    assertFalse(ModelDir.load(dir.resolve("LLAMA-gelu")).weights().all().stream()
        .anyMatch(t -> t.name().contains("gate_proj")));
    Path gpt2 = dir.resolve("GPT2-gelu");
    Files.delete(gpt2.resolve("model.safetensors"));
    AblateException e = assertThrows(AblateException.class, () -> ModelDir.load(gpt2));
    assertTrue(e.getMessage().contains("has neither model.safetensors nor "
        + "model.safetensors.index.json"), e.getMessage());
  }

  @Test
  void hfGpt2ConfigKeysAndPrefixedNamesAreRead() throws Exception {
    Files.writeString(dir.resolve("config.json"), "{\"model_type\":\"gpt2\",\"vocab_size\":20,"
        + "\"n_embd\":16,\"n_layer\":2,\"n_head\":2,\"n_positions\":40,"
        + "\"activation_function\":\"gelu_new\"}");
    ModelConfig c = ModelConfig.read(dir);
    assertEquals("gelu_tanh", c.activation());
    assertEquals(64, c.intermediate());
    Map<String, Tensor> prefixed = new LinkedHashMap<>();
    for (Tensor t : Weights.random(c, 1, 0.1).all()) {
      prefixed.put("transformer." + t.name(), t);
    }
    assertEquals(Weights.expected(c).size(), Weights.of(c, prefixed, "x").all().size());
  }
}

package io.ablate.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ablate.AblateException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Models whose layers run different activations: their config, shapes, files and swaps. */
class LayerMixTest {
  @TempDir
  Path tmp;

  private static ModelConfig llama(int layers, int ffn, String activation) {
    return new ModelConfig(ModelConfig.Arch.LLAMA, 20, 16, layers, 4, 2, ffn, 40, 1e-6, 10000,
        activation, false);
  }

  @Test
  void aMixIsCanonicalAndCoversEveryLayer() {
    assertEquals("gelu", llama(3, 24, "*:gelu").activation(), "one activation is its name");
    assertEquals("0:swiglu,1-2:gelu", llama(3, 24, "*:gelu, 0:swiglu").activation());
    assertEquals("0-1:swish(beta=1.5),2:gelu",
        llama(3, 24, "0:swish(beta=1.5),1:swish(beta=1.50),2:gelu").activation());
    ModelConfig c = llama(3, 24, "0:swiglu,1-2:gelu");
    assertTrue(c.isMix());
    assertTrue(c.mixedKinds());
    assertFalse(c.gated());
    assertEquals(Arrays.asList("swiglu", "gelu", "gelu"),
        Arrays.stream(c.layerActivations()).map(v -> v.name()).toList());
    assertThrows(IllegalStateException.class, c::baseline);

    AblateException gap = assertThrows(AblateException.class, () -> llama(3, 24, "0-1:gelu"));
    assertTrue(gap.getMessage().contains("names no activation for layer 2 of 0-2"),
        gap.getMessage());
    AblateException gpt2 = assertThrows(AblateException.class, () -> new ModelConfig(
        ModelConfig.Arch.GPT2, 20, 16, 2, 2, 2, 32, 40, 1e-5, 0, "0:gelu,1:relu", true));
    assertTrue(gpt2.getMessage().contains("needs the llama architecture"), gpt2.getMessage());
  }

  @Test
  void gatedLayersOfAMixedModelHaveTheParametersOfElementwiseOnes() {
    ModelConfig c = llama(2, 48, "0:swiglu,1:gelu");
    assertEquals(32, c.intermediate(0), "round(2/3 of 48)");
    assertEquals(48, c.intermediate(1));
    Map<String, int[]> shapes = Weights.expected(c);
    assertArrayEquals(new int[] {32, 16}, shapes.get("model.layers.0.mlp.gate_proj.weight"));
    assertArrayEquals(new int[] {32, 16}, shapes.get("model.layers.0.mlp.up_proj.weight"));
    assertArrayEquals(new int[] {16, 32}, shapes.get("model.layers.0.mlp.down_proj.weight"));
    assertFalse(shapes.containsKey("model.layers.1.mlp.gate_proj.weight"));
    assertArrayEquals(new int[] {48, 16}, shapes.get("model.layers.1.mlp.up_proj.weight"));
    // 3·32·16 against 2·48·16: the same count
    assertEquals(3 * 32 * 16, 2 * 48 * 16);
    // a model of one kind is as wide as it says
    assertEquals(48, llama(2, 48, "0:swiglu,1:geglu").intermediate(0));
  }

  @Test
  void aMixedModelRoundTripsThroughItsDirectory() throws Exception {
    ModelConfig c = llama(2, 24, "0:swiglu,1:swish(beta=1.25)");
    c.write(tmp);
    String json = Files.readString(tmp.resolve("config.json"));
    assertTrue(json.contains("\"ablate_activation\" : \"0:swiglu,1:swish(beta=1.25)\""), json);
    ModelConfig back = ModelConfig.read(tmp);
    assertEquals(c, back);
    Weights w = Weights.random(c, 3, 0.1);
    w.write(tmp, Safetensors.Dtype.F32);
    assertEquals(w.get("model.layers.1.mlp.up_proj.weight").data().length,
        Weights.read(tmp, back).get("model.layers.1.mlp.up_proj.weight").data().length);
  }

  @Test
  void swapsFitEachLayersOwnKind() {
    ModelConfig c = TinyModels.llamaMixed();
    VariantConfig base = VariantConfig.parse("baseline", c);
    assertEquals("swiglu", base.layer(0).name());
    assertEquals("gelu", base.layer(1).name());
    assertTrue(base.isBaseline(c));
    VariantConfig swap = VariantConfig.parse("0:geglu,1:relu", c);
    assertEquals("geglu", swap.layer(0).name());
    assertFalse(swap.isBaseline(c));
    AblateException wrong = assertThrows(AblateException.class,
        () -> VariantConfig.parse("*:gelu_tanh", c));
    assertTrue(wrong.getMessage().contains("gelu_tanh is elementwise but layer 0's FFN (swiglu) "
        + "is gated"), wrong.getMessage());
  }
}

package io.ablate.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ablate.AblateException;
import org.junit.jupiter.api.Test;

class VariantConfigTest {
  private static final ModelConfig EIGHT = new ModelConfig(ModelConfig.Arch.GPT2, 20, 16, 8, 2, 2,
      32, 40, 1e-5, 0, "gelu", true);

  private static String names(VariantConfig v) {
    StringBuilder sb = new StringBuilder();
    for (var x : v.perLayer()) {
      sb.append(sb.length() == 0 ? "" : " ").append(x.name());
    }
    return sb.toString();
  }

  @Test
  void everyFormOfTheIssue() {
    assertEquals("gelu gelu gelu gelu gelu gelu gelu gelu",
        names(VariantConfig.parse("baseline", EIGHT)));
    assertTrue(VariantConfig.parse("baseline", EIGHT).isBaseline(EIGHT));
    assertEquals("gelu_tanh gelu_tanh gelu_tanh gelu_tanh gelu_tanh gelu_tanh gelu_tanh gelu_tanh",
        names(VariantConfig.parse("gelu_tanh", EIGHT)));
    assertEquals("gelu_tanh gelu_tanh gelu_tanh gelu_tanh gelu gelu gelu gelu",
        names(VariantConfig.parse("0-3:gelu_tanh,4-7:gelu", EIGHT)));
    assertEquals("gelu@int8 gelu@int8 gelu@int8 gelu@int8 gelu@int8 gelu@int8 gelu@int8 gelu@int8",
        names(VariantConfig.parse("*:gelu@int8", EIGHT)));
    assertEquals("gelu relu gelu gelu gelu gelu gelu gelu",
        names(VariantConfig.parse("1:relu", EIGHT)));
    assertEquals("gelu swish(beta=1.5) gelu gelu gelu gelu gelu gelu",
        names(VariantConfig.parse("1:swish(beta=1.5)", EIGHT)));
    assertEquals(3, VariantConfig.list("baseline;gelu_tanh;0-1:relu", EIGHT).size());
    assertEquals("geglu geglu", names(VariantConfig.parse("geglu", TinyModels.llama())));
  }

  @Test
  void swapsMustFitTheFfnAndLayersMustExist() {
    AblateException gated = assertThrows(AblateException.class,
        () -> VariantConfig.parse("swiglu", EIGHT));
    assertEquals(2, gated.exitCode());
    assertTrue(gated.getMessage().contains("swiglu is gated but the model's FFN (gelu) is "
        + "elementwise"), gated.getMessage());
    AblateException elem = assertThrows(AblateException.class,
        () -> VariantConfig.parse("0:gelu", TinyModels.llama()));
    assertTrue(elem.getMessage().contains("gelu is elementwise but the model's FFN (swiglu) is "
        + "gated"), elem.getMessage());
    AblateException range = assertThrows(AblateException.class,
        () -> VariantConfig.parse("6-9:relu", EIGHT));
    assertTrue(range.getMessage().contains("'6-9:relu': layers 6-9 out of range; the model has layers 0-7"),
        range.getMessage());
    AblateException sel = assertThrows(AblateException.class,
        () -> VariantConfig.parse("x:relu", EIGHT));
    assertTrue(sel.getMessage().contains("layer selector 'x'"), sel.getMessage());
  }
}

package io.ablate.bench;

import io.ablate.latency.DjlPeer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.ablate.activation.Catalogue;
import io.ablate.activation.Variant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The FFN blocks the benchmark times compute the right thing: each variant's block (PyTorch
 * products, Ablate kernel or PyTorch activation) against float64 within the bound of
 * {@link FfnReference}, on a non-gated, a gated and a mixture-of-experts shape; a wrong block is
 * caught; the bound is tight enough to mean something.
 */
class FfnReferenceTest {
  private static DjlPeer peer;
  private static NDManager manager;

  /** The bound relative to the output's scale, from the analysis at 64→256 (γ_64 + γ_256 ≈ 2e-5
   *  times the condition of the sums, plus the kernels' few ulps): well under 1e-3 at fp32. */
  private static final double FP32_BOUND_OF_SCALE = 1e-3;

  @BeforeAll
  static void engine() {
    peer = DjlPeer.open();
    manager = peer.newManager();
  }

  @AfterAll
  static void close() {
    manager.close();
    peer.close();
  }

  private static FfnReference.Check check(String shape, String variant, boolean torch) {
    Variant v = Catalogue.variant(variant);
    FfnAct act = torch ? FfnAct.djl(v).orElseThrow() : FfnAct.kernel(v, Variant.Impl.SIMD);
    FfnReference.Check c = FfnReference.check(manager, FfnShape.parse(shape), 4, act, 99);
    assertTrue(c.passed(), c.toString());
    assertTrue(c.maxAbsErr() > 0 || variant.startsWith("relu"), "suspiciously exact: " + c);
    return c;
  }

  @Test
  void elementwiseBlocksMatchFloat64WithinTheBound() {
    for (String v : List.of("gelu_tanh", "gelu", "relu", "silu")) {
      for (boolean torch : new boolean[] {false, true}) {
        FfnReference.Check c = check("64x256", v, torch);
        assertTrue(c.maxBoundRel() < FP32_BOUND_OF_SCALE, c.toString());
        assertEquals(torch ? "djl" : "simd", c.impl());
      }
    }
  }

  @Test
  void gatedBlocksMatchFloat64WithinTheBound() {
    for (String v : List.of("swiglu", "geglu", "reglu")) {
      for (boolean torch : new boolean[] {false, true}) {
        FfnReference.Check c = check("64x256:gated", v, torch);
        assertTrue(c.maxBoundRel() < FP32_BOUND_OF_SCALE, c.toString());
      }
    }
  }

  @Test
  void mixtureOfExpertsMatchesFloat64WithinTheBound() {
    for (boolean torch : new boolean[] {false, true}) {
      FfnReference.Check c = check("64x256:gated:moe=4/2", "swiglu", torch);
      assertTrue(c.maxBoundRel() < FP32_BOUND_OF_SCALE, c.toString());
    }
  }

  @Test
  void reducedPrecisionBlocksStayWithinTheirFormatsBound() {
    FfnReference.Check bf16 = check("64x256:gated", "swiglu@bf16", false);
    FfnReference.Check fp8 = check("64x256", "gelu_tanh@fp8_e4m3", false);
    FfnReference.Check int8 = check("64x256:gated", "swiglu@int8", false);
    // the formats' rounding dominates: errors far above fp32's, bounds in proportion
    FfnReference.Check fp32 = check("64x256:gated", "swiglu", false);
    assertTrue(bf16.maxAbsErr() > 10 * fp32.maxAbsErr(), bf16 + " vs " + fp32);
    // worst cases summed over 256 terms: loose for fp8's 4-bit significand, tight for bf16
    assertTrue(fp8.maxBoundRel() < 1 && bf16.maxBoundRel() < 0.05, fp8 + " " + bf16);
    assertTrue(int8.maxBoundRel() < 0.5, int8.toString());
  }

  @Test
  void aWrongActivationIsCaught() {
    // gelu's kernel in a block checked as gelu_tanh: a difference of up to 5e-4 per element
    Variant said = Catalogue.variant("gelu_tanh");
    FfnAct inner = FfnAct.kernel(Catalogue.variant("gelu"), Variant.Impl.SIMD);
    FfnAct wrong = new FfnAct(said) {
      @Override
      String impl() {
        return inner.impl();
      }

      @Override
      NDArray apply(NDArray gate, NDArray up, FfnStage.Clock clock) {
        return inner.apply(gate, up, clock);
      }
    };
    FfnReference.Check c = FfnReference.check(manager, FfnShape.parse("64x256"), 4, wrong, 99);
    assertFalse(c.passed(), c.toString());
  }

  @Test
  void engineBuffersAreTheTensorsMemory() {
    assertTrue(EngineBuffers.aliases(manager));
    try (NDManager m = manager.newSubManager()) {
      NDArray t = m.create(new float[] {1, 2, 3});
      float[] a = new float[3];
      EngineBuffers.read(t, a, 3);
      assertEquals(2f, a[1]);
      EngineBuffers.write(new float[] {7, 8, 9}, 3, t);
      assertEquals(9f, t.add(0f).toFloatArray()[2]);
    }
  }

  @Test
  void lipschitzConstantsOfTheGateFunctions() {
    // sup|f'|: gelu 1.1289 (at x = sqrt 2), silu 1.0998, relu 1, sigmoid 0.25
    assertEquals(1.1289, FfnReference.lipschitz(Catalogue.variant("gelu")), 0.005);
    assertEquals(1.0998, FfnReference.lipschitz(Catalogue.variant("silu")), 0.005);
    assertEquals(1.0, FfnReference.lipschitz(Catalogue.variant("relu")), 0.005);
    assertEquals(0.25, FfnReference.lipschitz(Catalogue.variant("sigmoid")), 0.005);
    assertThrows(IllegalArgumentException.class,
        () -> FfnReference.lipschitz(Catalogue.variant("relu2")));
  }
}

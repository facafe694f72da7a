package io.ablate.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ablate.AblateException;
import io.ablate.activation.Catalogue;
import io.ablate.activation.Variant;
import io.ablate.expr.Interpreter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Learnable activations: their specs, their start, and a training that learns per layer. */
class LearnableFfnTest {
  @Test
  void specsStartFromDefaultsAndAFitOfGelu() {
    LearnableFfn.Spec swish = LearnableFfn.resolve("swish(beta=learn)", 3);
    assertEquals("swish(beta=1)", swish.initial());
    assertArrayEquals(new boolean[] {true, true, true}, swish.learns());
    LearnableFfn.Spec mix = LearnableFfn.resolve("*:rational(p=learn,q=learn),2:gelu", 3);
    assertArrayEquals(new boolean[] {true, true, false}, mix.learns());
    ModelConfig c = new ModelConfig(ModelConfig.Arch.LLAMA, 20, 16, 3, 4, 2, 24, 40, 1e-6,
        10000, mix.initial(), false);
    assertEquals(Catalogue.variant(RationalFit.GELU_SPEC).name(), c.layerActivation(0).name());
    assertEquals("gelu", c.layerActivation(2).name());
    assertFalse(LearnableFfn.resolve("gelu", 2).learnsAny());
    assertFalse(LearnableFfn.resolve("swish(beta=1.5)", 2).learnsAny());
    AblateException unknown = assertThrows(AblateException.class,
        () -> LearnableFfn.resolve("swish(gamma=learn)", 2));
    assertTrue(unknown.getMessage().contains("gamma"), unknown.getMessage());
  }

  /** The fit against GELU's float64 definition, at fresh random points of the fitted interval. */
  @Test
  void theRationalStartIsCloseToGelu() {
    Interpreter.Compiled gelu = Interpreter.compile(Catalogue.variant("gelu").definition());
    Interpreter.Compiled fit = Interpreter.compile(
        Catalogue.variant(RationalFit.GELU_SPEC).definition());
    SplittableRandom r = new SplittableRandom();
    double inside = 0;
    double outside = 0;
    for (int i = 0; i < 20_000; i++) {
      double x = r.nextDouble(-10, 10);
      double err = Math.abs(fit.eval(x) - gelu.eval(x));
      if (Math.abs(x) <= 6) {
        inside = Math.max(inside, err);
      } else {
        outside = Math.max(outside, err);
      }
    }
    assertTrue(inside < 4e-3, "max |rational − gelu| on [−6, 6]: " + inside);
    assertTrue(outside < 0.02, "max |rational − gelu| on [−10, 10]: " + outside);
    assertEquals(6, Catalogue.variant(RationalFit.GELU_SPEC).params().list("p").length);
    assertEquals(4, Catalogue.variant(RationalFit.GELU_SPEC).params().list("q").length);
  }

  @Test
  void eachLayerLearnsItsOwnBetaReproducibly() {
    ModelConfig c = new ModelConfig(ModelConfig.Arch.LLAMA, 20, 16, 2, 4, 2, 24, 40, 1e-6,
        10000, LearnableFfn.resolve("swish(beta=learn)", 2).initial(), false);
    List<Trainer.Example> data = new ArrayList<>();
    SplittableRandom r = new SplittableRandom(7);
    for (int i = 0; i < 32; i++) {
      int a = r.nextInt(5, 15);
      data.add(new Trainer.Example(new int[] {1, a, a + 1, a + 2, 2}, 2));
    }
    Trainer.Settings s = new Trainer.Settings(3, 60, 8, 0.02, 0.1);
    List<double[]> seen = new ArrayList<>();
    LearnableFfn ffn = new LearnableFfn(c, new boolean[] {true, true});
    Trainer.Outcome a = Trainer.train(c, data, s, ffn, st -> seen.add(new double[] {st.loss(),
        ffn.activation(0).params().get("beta"), ffn.activation(1).params().get("beta")}),
        st -> false);
    Map<String, float[]> learned = a.activationParameters();
    assertEquals(List.of("model.layers.0.mlp.act.beta", "model.layers.1.mlp.act.beta"),
        List.copyOf(learned.keySet()));
    float b0 = learned.get("model.layers.0.mlp.act.beta")[0];
    float b1 = learned.get("model.layers.1.mlp.act.beta")[0];
    assertNotEquals(b0, b1, "each layer its own β");
    // Adam's first step moves a parameter by its learning rate, here 0.02 / 3 (warm-up)
    double firstMove = Math.abs(seen.get(0)[1] - 1);
    assertTrue(firstMove > 0.005 && firstMove < 0.008, "β after step 0: " + seen.get(0)[1]);
    assertTrue(Math.abs(b0 - 1) > 0.05, "β moved over the training: " + b0);
    assertEquals(b0, (float) seen.get(seen.size() - 1)[1], "recorded per step, up to the last");
    Variant[] trained = ffn.trained(learned);
    assertEquals(Double.parseDouble(Float.toString(b0)), trained[0].params().get("beta"),
        "the trained variant holds the learned float32 value's shortest decimal");
    // the same bytes again: β is trained like any weight
    LearnableFfn again = new LearnableFfn(c, new boolean[] {true, true});
    Trainer.Outcome b = Trainer.train(c, data, s, again, st -> { }, st -> false);
    assertArrayEquals(learned.get("model.layers.1.mlp.act.beta"),
        b.activationParameters().get("model.layers.1.mlp.act.beta"));
    // the trained model with its learned variants computes the loss the training ended at
    ModelConfig after = c.withActivation(VariantConfig.mixText(trained));
    double withVariants = Trainer.meanLoss(a.weights().reconfigured(after), data, 8,
        new TorchFfn(after));
    assertTrue(withVariants < seen.get(0)[0] - 0.5, "trained: " + withVariants + " from "
        + seen.get(0)[0]);
  }
}

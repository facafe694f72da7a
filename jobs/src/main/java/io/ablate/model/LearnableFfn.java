package io.ablate.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.ablate.AblateException;
import io.ablate.activation.Catalogue;
import io.ablate.activation.Param;
import io.ablate.activation.Params;
import io.ablate.activation.Variant;
import io.ablate.activation.VariantSpec;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * FFN activations whose parameters train with the model, one set per layer: the activation of a
 * spec such as {@code swish(beta=learn)} or {@code 0-1:rational(p=learn,q=learn),2-3:gelu} where
 * the word {@code learn} stands for a parameter's value. {@code learn} starts a parameter at its
 * default (swish's β = 1), and a rational activation's coefficients at the least-squares fit of
 * GELU that Padé Activation Units start from ({@link RationalFit}). Each layer named gets its own
 * copy of the parameters ({@link #parameters}), so that layers can learn different shapes; the
 * other layers run their activation as {@link TorchFfn} does.
 */
public final class LearnableFfn implements Ffn {
  /** The word that marks a learnable parameter in a spec. */
  public static final String LEARN = "learn";
  private static final Pattern LEARNED = Pattern.compile("(\\w+)\\s*=\\s*" + LEARN + "\\b");

  /**
   * A spec resolved: the activation every layer starts with (a catalogue name or a per-layer mix)
   * and which layers learn their parameters.
   */
  public record Spec(String initial, boolean[] learns) implements java.io.Serializable {
    /** Whether any layer learns. */
    public boolean learnsAny() {
      for (boolean b : learns) {
        if (b) {
          return true;
        }
      }
      return false;
    }
  }

  /**
   * Resolves a spec for a model of {@code layers} layers: each {@code name=learn} replaced by its
   * starting value. A parameter without a default, other than a rational's, is bad input.
   */
  public static Spec resolve(String spec, int layers) {
    boolean[] learns = new boolean[layers];
    if (!VariantConfig.isMix(spec)) {
      String initial = initial(spec.trim());
      Arrays.fill(learns, !initial.equals(spec.trim()));
      return new Spec(Catalogue.variant(initial).name(), learns);
    }
    StringBuilder out = new StringBuilder();
    for (String raw : VariantSpec.splitTopLevel(spec.trim(), ",")) {
      String item = raw.trim();
      int colon = item.indexOf(':');
      String sel = item.substring(0, colon).trim();
      String name = item.substring(colon + 1).trim();
      String initial = initial(name);
      int[] range = VariantConfig.range(spec, sel, layers);
      // later items win, as in a variant config
      Arrays.fill(learns, range[0], range[1] + 1, !initial.equals(name));
      out.append(out.length() == 0 ? "" : ",").append(sel).append(':').append(initial);
    }
    return new Spec(out.toString(), learns);
  }

  /** One variant's text with each {@code name=learn} replaced by its starting value. */
  private static String initial(String variant) {
    Matcher m = LEARNED.matcher(variant);
    if (!m.find()) {
      return variant;
    }
    String activation = variant.substring(0, Math.max(0, variant.indexOf('('))).trim();
    Map<String, Param> params = new HashMap<>();
    for (Param p : Catalogue.get(activation).params()) {
      params.put(p.name(), p);
    }
    StringBuilder sb = new StringBuilder();
    m.reset();
    while (m.find()) {
      String name = m.group(1);
      Param p = params.get(name);
      String value;
      if (activation.equals("rational") && (name.equals("p") || name.equals("q"))) {
        value = RationalFit.geluCoefficients(name);
      } else if (p != null && p.defaultValue() != null && !p.list()) {
        value = Params.format(p.defaultValue()[0]);
      } else {
        throw AblateException.badInput("%s: parameter %s has no starting value to learn from; "
            + "learnable: the parameters with a default, and a rational's p and q (started at a "
            + "fit of gelu)", variant, name);
      }
      m.appendReplacement(sb, Matcher.quoteReplacement(name + "=" + value));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  private final Variant[] variants;
  private final boolean[] learns;
  private final TorchExpr[] activations;
  /** Per learning layer, its parameters by name (null for the other layers). */
  private final Map<String, NDArray>[] bound;

  @SuppressWarnings("unchecked")
  public LearnableFfn(ModelConfig config, boolean[] learns) {
    this.variants = config.layerActivations();
    this.learns = learns.clone();
    this.activations = new TorchExpr[variants.length];
    this.bound = new Map[variants.length];
    for (int l = 0; l < variants.length; l++) {
      activations[l] = learns[l] ? TorchExpr.learnable(variants[l]) : TorchExpr.of(variants[l]);
    }
  }

  /**
   * Creates the learnable parameters in {@code manager}, each layer's starting at its variant's
   * values, by name {@code model.layers.L.mlp.act.NAME}; the training updates them in place.
   */
  @Override
  public Map<String, NDArray> parameters(NDManager manager) {
    Map<String, NDArray> out = new LinkedHashMap<>();
    for (int l = 0; l < variants.length; l++) {
      if (learns[l]) {
        bound[l] = TorchExpr.parameters(variants[l], manager);
        for (Map.Entry<String, NDArray> e : bound[l].entrySet()) {
          out.put(name(l, e.getKey()), e.getValue());
        }
      }
    }
    return out;
  }

  /**
   * Layer {@code l}'s activation as a catalogue variant with its parameters' current values
   * (during a training: the tensors are alive until it ends).
   */
  @Override
  public Variant activation(int l) {
    return learns[l] && bound[l] != null
        ? withValues(l, p -> bound[l].get(p).toFloatArray()) : variants[l];
  }

  /**
   * Every layer's activation with the learned values of {@link #parameters} (by their names, as a
   * training's outcome has them): the trained model's own.
   */
  public Variant[] trained(Map<String, float[]> learned) {
    Variant[] out = variants.clone();
    for (int l = 0; l < out.length; l++) {
      int layer = l;
      out[l] = learns[l] ? withValues(l, p -> learned.get(name(layer, p))) : variants[l];
    }
    return out;
  }

  /**
   * Layer {@code l}'s variant with each parameter's values from {@code values}, each written as
   * the shortest decimal of its float32 value, so that the variant computes with the same float32
   * constants.
   */
  private Variant withValues(int l, Function<String, float[]> values) {
    Variant v = variants[l];
    Map<String, double[]> given = new HashMap<>();
    for (String p : v.params().names()) {
      float[] f = values.apply(p);
      double[] d = new double[f.length];
      for (int i = 0; i < f.length; i++) {
        d[i] = Double.parseDouble(Float.toString(f[i]));
      }
      given.put(p, d);
    }
    try {
      return new Variant(v.activation(), v.activation().resolve(given), v.precision());
    } catch (AblateException e) {
      throw AblateException.badInput("layer %d's learned %s left its valid range: %s", l,
          v.activation().name(), e.getMessage());
    }
  }

  private static String name(int layer, String param) {
    return "model.layers." + layer + ".mlp.act." + param;
  }

  @Override
  public NDArray elementwise(int layer, NDArray h) {
    return activations[layer].apply(bound[layer] == null ? Map.of() : bound[layer], h);
  }

  @Override
  public NDArray gated(int layer, NDArray gate, NDArray up) {
    return activations[layer].apply(bound[layer] == null ? Map.of() : bound[layer], gate, up);
  }
}

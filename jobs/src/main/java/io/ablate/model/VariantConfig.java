package io.ablate.model;

import io.ablate.AblateException;
import io.ablate.activation.Catalogue;
import io.ablate.activation.Variant;
import io.ablate.activation.VariantSpec;

/**
 * Which FFN activation each layer runs: {@code baseline} (the model's own), one variant for every
 * layer ({@code gelu_tanh}), or comma-separated {@code LAYERS:VARIANT} items where LAYERS is
 * {@code *}, a layer {@code 1} or a range {@code 0-3} ({@code 0-3:gelu_tanh,4-7:gelu}, {@code
 * *:gelu@int8}, {@code 1:relu}); later items override earlier ones, layers not named keep the
 * baseline (each layer's own activation, which a model trained with a per-layer mix has). A
 * variant must fit the layer's FFN: elementwise for a non-gated FFN, gated for a gated one.
 *
 * @param text the configuration as given (its name in {@code prompt_eval})
 * @param perLayer the variant of each layer (never null: the baseline where none is named)
 */
public record VariantConfig(String text, Variant[] perLayer) {

  /** Resolves {@code text} for {@code config}; bad input names the item and what is valid. */
  public static VariantConfig parse(String text, ModelConfig config) {
    String t = text.trim();
    Variant[] own = config.layerActivations();
    if (t.isEmpty()) {
      throw AblateException.badInput("empty variant config; e.g. baseline, gelu_tanh, "
          + "0-1:gelu_tanh, *:gelu@int8");
    }
    Variant[] layers = own.clone();
    if (!t.equals("baseline")) {
      assign(text, layers, own);
      for (int l = 0; l < layers.length; l++) {
        if (layers[l].gated() != own[l].gated()) {
          throw AblateException.badInput("variant config '%s': %s is %s but %s FFN (%s) is %s: "
              + "swap elementwise for elementwise, gated for gated", text, layers[l].name(),
              layers[l].gated() ? "gated" : "elementwise",
              config.isMix() ? "layer " + l + "'s" : "the model's", own[l].name(),
              own[l].gated() ? "gated" : "elementwise");
        }
      }
    }
    return new VariantConfig(t, layers);
  }

  /**
   * Applies the items of {@code text} to {@code layers} in order; {@code baseline} stands for
   * each layer's entry of {@code own} (null: not allowed).
   */
  private static void assign(String text, Variant[] layers, Variant[] own) {
    for (String raw : VariantSpec.splitTopLevel(text.trim(), ",")) {
      String item = raw.trim();
      int colon = colonOutsideParens(item);
      String sel = colon < 0 ? "*" : item.substring(0, colon).trim();
      String name = colon < 0 ? item : item.substring(colon + 1).trim();
      Variant v = name.equals("baseline") && own != null ? null : Catalogue.variant(name);
      int[] range = range(text, sel, layers.length);
      for (int l = range[0]; l <= range[1]; l++) {
        layers[l] = v == null ? own[l] : v;
      }
    }
  }

  /** Whether {@code activation} is a per-layer mix ({@code LAYERS:VARIANT} items), not one name. */
  public static boolean isMix(String activation) {
    return VariantSpec.splitTopLevel(activation.trim(), ",").stream()
        .anyMatch(item -> colonOutsideParens(item) >= 0);
  }

  /**
   * The activation of each of {@code layers} layers in the per-layer mix {@code text}; every layer
   * must be named, and the variants must have a single expression (a model's own FFN).
   */
  public static Variant[] mix(String text, int layers) {
    Variant[] out = new Variant[layers];
    assign(text, out, null);
    for (int l = 0; l < layers; l++) {
      if (out[l] == null) {
        throw AblateException.badInput("activation mix '%s' names no activation for layer %d of "
            + "0-%d", text, l, layers - 1);
      }
    }
    return out;
  }

  /** The canonical text of a per-layer mix: runs of equal layers as {@code lo-hi:variant}. */
  public static String mixText(Variant[] layers) {
    StringBuilder sb = new StringBuilder();
    for (int lo = 0; lo < layers.length; ) {
      int hi = lo;
      while (hi + 1 < layers.length && layers[hi + 1].name().equals(layers[lo].name())) {
        hi++;
      }
      sb.append(sb.length() == 0 ? "" : ",").append(lo == hi ? lo : lo + "-" + hi).append(':')
          .append(layers[lo].name());
      lo = hi + 1;
    }
    return sb.toString();
  }

  private static int colonOutsideParens(String s) {
    int depth = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '(' || c == '[') {
        depth++;
      } else if (c == ')' || c == ']') {
        depth--;
      } else if (c == ':' && depth == 0) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The layers {@code [lo, hi]} of a selector {@code *}, {@code N} or {@code N-M} in a model of
   * {@code layers} layers; bad input quotes {@code text}.
   */
  public static int[] range(String text, String sel, int layers) {
    if (sel.equals("*")) {
      return new int[] {0, layers - 1};
    }
    try {
      int dash = sel.indexOf('-');
      int lo = Integer.parseInt((dash < 0 ? sel : sel.substring(0, dash)).trim());
      int hi = dash < 0 ? lo : Integer.parseInt(sel.substring(dash + 1).trim());
      if (lo < 0 || hi >= layers || lo > hi) {
        throw AblateException.badInput("'%s': layers %s out of range; the model "
            + "has layers 0-%d", text, sel, layers - 1);
      }
      return new int[] {lo, hi};
    } catch (NumberFormatException e) {
      throw AblateException.badInput("'%s': layer selector '%s'; valid: *, N, N-M", text, sel);
    }
  }

  public Variant layer(int l) {
    return perLayer[l];
  }

  /** True when every layer runs the model's own activation. */
  public boolean isBaseline(ModelConfig config) {
    Variant[] own = config.layerActivations();
    for (int l = 0; l < perLayer.length; l++) {
      if (!perLayer[l].name().equals(own[l].name())) {
        return false;
      }
    }
    return true;
  }

  /** A list of configurations separated by {@code ;}. */
  public static java.util.List<VariantConfig> list(String text, ModelConfig config) {
    java.util.List<VariantConfig> out = new java.util.ArrayList<>();
    for (String item : VariantSpec.splitTopLevel(text, ";")) {
      if (!item.isBlank()) {
        out.add(parse(item, config));
      }
    }
    if (out.isEmpty()) {
      throw AblateException.badInput("empty list of variant configs '%s'", text);
    }
    return out;
  }

  @Override
  public String toString() {
    return text;
  }
}

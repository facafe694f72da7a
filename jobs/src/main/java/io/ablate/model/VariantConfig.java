package io.ablate.model;

import io.ablate.AblateException;
import io.ablate.activation.Catalogue;
import io.ablate.activation.Variant;
import io.ablate.activation.VariantSpec;
import java.util.Arrays;

/**
 * Which FFN activation each layer runs: {@code baseline} (the model's own), one variant for every
 * layer ({@code gelu_tanh}), or comma-separated {@code LAYERS:VARIANT} items where LAYERS is
 * {@code *}, a layer {@code 1} or a range {@code 0-3} ({@code 0-3:gelu_tanh,4-7:gelu}, {@code
 * *:gelu@int8}, {@code 1:relu}); later items override earlier ones, layers not named keep the
 * baseline. A variant must fit the FFN: elementwise for a non-gated FFN, gated for a gated one.
 *
 * @param text the configuration as given (its name in {@code prompt_eval})
 * @param perLayer the variant of each layer (never null: the baseline where none is named)
 */
public record VariantConfig(String text, Variant[] perLayer) {

  /** Resolves {@code text} for {@code config}; bad input names the item and what is valid. */
  public static VariantConfig parse(String text, ModelConfig config) {
    String t = text.trim();
    Variant base = config.baseline();
    Variant[] layers = new Variant[config.layers()];
    Arrays.fill(layers, base);
    if (t.isEmpty()) {
      throw AblateException.badInput("empty variant config; e.g. baseline, gelu_tanh, "
          + "0-1:gelu_tanh, *:gelu@int8");
    }
    if (!t.equals("baseline")) {
      for (String raw : VariantSpec.splitTopLevel(t, ",")) {
        String item = raw.trim();
        int colon = colonOutsideParens(item);
        String sel = colon < 0 ? "*" : item.substring(0, colon).trim();
        String name = colon < 0 ? item : item.substring(colon + 1).trim();
        Variant v = name.equals("baseline") ? base : Catalogue.variant(name);
        if (v.gated() != config.gated()) {
          throw AblateException.badInput("variant config '%s': %s is %s but the model's FFN (%s) "
              + "is %s: swap elementwise for elementwise, gated for gated", text, v.name(),
              v.gated() ? "gated" : "elementwise", base.name(),
              config.gated() ? "gated" : "elementwise");
        }
        int[] range = range(text, sel, config.layers());
        for (int l = range[0]; l <= range[1]; l++) {
          layers[l] = v;
        }
      }
    }
    return new VariantConfig(t, layers);
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
    String base = config.baseline().name();
    return Arrays.stream(perLayer).allMatch(v -> v.name().equals(base));
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

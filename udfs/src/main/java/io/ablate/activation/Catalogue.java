package io.ablate.activation;

import io.ablate.AblateException;
import io.ablate.precision.Precision;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * Every activation Ablate knows, found through {@link ServiceLoader}, by name; and the resolution
 * of variant names against them.
 */
public final class Catalogue {
  private static final Map<String, Activation> BY_NAME = load();

  private Catalogue() {}

  private static Map<String, Activation> load() {
    Map<String, Activation> m = new TreeMap<>();
    for (Activation a : ServiceLoader.load(Activation.class, Catalogue.class.getClassLoader())) {
      if (m.put(a.name(), a) != null) {
        throw new IllegalStateException("two activations are named " + a.name());
      }
    }
    return Collections.unmodifiableMap(m);
  }

  /** All activations, by name. */
  public static Collection<Activation> all() {
    return BY_NAME.values();
  }

  public static Activation get(String name) {
    Activation a = BY_NAME.get(name);
    if (a == null) {
      throw AblateException.badInput("unknown activation '%s'; valid: %s", name,
          String.join(", ", BY_NAME.keySet()));
    }
    return a;
  }

  /** Resolves a variant name, checking the activation, its parameters and the precision. */
  public static Variant variant(String text) {
    VariantSpec spec = VariantSpec.parse(text);
    Activation a = get(spec.name());
    Map<String, double[]> given = new LinkedHashMap<>();
    spec.params().forEach((k, v) -> given.put(k, VariantSpec.numbers(a.name(), k, v)));
    Params params = a.resolve(given);
    Precision precision = Precision.of(spec.precision(), spec.precisionParams());
    return new Variant(a, params, precision);
  }

  /**
   * A list of variant names separated by commas or semicolons outside parentheses and brackets,
   * e.g. {@code gelu_tanh,swish(beta=1.5)@bf16;rational(p=[0,1],q=[1])}, each resolved.
   */
  public static java.util.List<Variant> variants(String list) {
    java.util.List<Variant> out = new java.util.ArrayList<>();
    for (String item : VariantSpec.splitTopLevel(list, ",;")) {
      if (!item.isBlank()) {
        out.add(variant(item.trim()));
      }
    }
    if (out.isEmpty()) {
      throw AblateException.badInput("empty variant list '%s'", list);
    }
    return out;
  }
}

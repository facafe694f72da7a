package io.ablate.activation;

import io.ablate.AblateException;
import java.util.Arrays;

/**
 * A parameter an activation takes in its spec, e.g. {@code alpha} in {@code leaky_relu(alpha=0.01)}
 * or the coefficient list {@code p} in {@code rational(p=[...],q=[...])}.
 *
 * @param name as written in specs
 * @param defaultValue the value when absent, or null when the parameter is required
 * @param list whether the value is a list {@code [a,b,...]} rather than one number
 * @param min the smallest allowed value (for lists: of each element)
 * @param minExclusive whether {@code min} itself is not allowed
 * @param maxLength the most values a list may have (1 for numbers)
 * @param description one line for {@code ablate variants}
 */
public record Param(String name, double[] defaultValue, boolean list, double min,
    boolean minExclusive, int maxLength, String description) {

  /** A number with a default, allowed in [min, ∞) or (min, ∞). */
  public static Param number(String name, double defaultValue, double min, boolean minExclusive,
      String description) {
    return new Param(name, new double[] {defaultValue}, false, min, minExclusive, 1, description);
  }

  /** A required list of at most {@code maxLength} numbers (any finite values). */
  public static Param requiredList(String name, String description, int maxLength) {
    return new Param(name, null, true, Double.NEGATIVE_INFINITY, false, maxLength, description);
  }

  /** Checks a value given for this parameter of {@code activation}; returns it. */
  double[] check(String activation, double[] value) {
    if (!list && value.length != 1) {
      throw AblateException.badInput("%s: parameter %s takes one number, got a list %s",
          activation, name, Arrays.toString(value));
    }
    if (list && (value.length == 0 || value.length > maxLength)) {
      throw AblateException.badInput("%s: parameter %s takes a list of 1 to %d numbers, got %d",
          activation, name, maxLength, value.length);
    }
    for (double v : value) {
      boolean ok = Double.isFinite(v) && (minExclusive ? v > min : v >= min);
      if (!ok) {
        throw AblateException.badInput("%s: parameter %s=%s is out of range; valid: %s", activation,
            name, Params.format(v), validRange());
      }
    }
    return value.clone();
  }

  /** The valid range in words, for error messages and the catalogue. */
  public String validRange() {
    if (min == Double.NEGATIVE_INFINITY) {
      return "any finite " + (list ? "numbers" : "number");
    }
    return (minExclusive ? "> " : ">= ") + Params.format(min);
  }

  /** How the parameter reads in a spec, e.g. {@code alpha=0.01} or {@code p=[...]}. */
  public String usage() {
    if (defaultValue == null) {
      return name + "=[...]";
    }
    return name + "=" + Params.format(defaultValue[0]);
  }
}

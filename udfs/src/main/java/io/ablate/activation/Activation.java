package io.ablate.activation;

import io.ablate.AblateException;
import io.ablate.expr.Expr;
import io.ablate.kernel.Kernel;
import io.ablate.kernel.ScalarFn;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One activation, defined once. {@link #expr} is the definition: interpreted in float64 it is the
 * reference; expanded and lowered it is the GPU form. {@link #scalar} and {@link #simd} are the
 * float32 CPU forms, checked against the definition within {@link #bound} by one suite.
 *
 * <p>Elementwise activations read input 0 ({@code x}); gated ones read the gate (0) and the up
 * projection (1) and output {@code f(gate) · up}. Registered through {@link java.util.ServiceLoader}
 * ({@code META-INF/services/io.ablate.activation.Activation}): a new activation is a new file.
 */
public interface Activation {
  enum Kind {
    ELEMENTWISE, GATED
  }

  String name();

  Kind kind();

  /** Parameters the spec may give; empty when there are none. */
  default List<Param> params() {
    return List.of();
  }

  /** The formula in words and symbols, for {@code ablate variants}. */
  String formula();

  /** Where the function comes from (paper or reference). */
  String source();

  /** Error bound of the float32 forms (scalar, SIMD and GPU) against the reference. */
  AccuracyBound bound();

  /** The definition, over input 0 (and input 1 for gated activations). */
  Expr expr(Params p);

  /** The float32 per-element function (of the gate, for gated activations). */
  ScalarFn scalar(Params p);

  /** The SIMD kernel; only called when {@code jdk.incubator.vector} is present. */
  Kernel simd(Params p);

  /**
   * Whether the function is zero only at x = 0 (silu, gelu, sigmoid, ...; not relu): then a float32
   * 0 from a finite non-zero x is an underflowed value, and its product with ±∞ is ±∞, not NaN.
   */
  default boolean zeroOnlyAtZero() {
    return false;
  }

  /** Checks given parameter values against {@link #params()}, filling defaults. */
  default Params resolve(Map<String, double[]> given) {
    Map<String, Param> byName = params().stream()
        .collect(Collectors.toMap(Param::name, p -> p));
    for (String k : given.keySet()) {
      if (!byName.containsKey(k)) {
        String valid = params().isEmpty() ? "it takes no parameters"
            : "valid: " + params().stream().map(Param::usage).collect(Collectors.joining(", "));
        throw AblateException.badInput("%s: unknown parameter '%s'; %s", name(), k, valid);
      }
    }
    Map<String, double[]> values = new HashMap<>();
    Set<String> lists = new HashSet<>();
    for (Param p : params()) {
      double[] v = given.get(p.name());
      if (v == null && p.defaultValue() == null) {
        throw AblateException.badInput("%s: parameter %s is required, e.g. %s", name(), p.name(),
            p.usage());
      }
      values.put(p.name(), p.check(name(), v != null ? v : p.defaultValue()));
      if (p.list()) {
        lists.add(p.name());
      }
    }
    return new Params(values, lists);
  }
}

package io.ablate.precision;

import io.ablate.AblateException;
import java.util.Locale;
import java.util.Map;

/**
 * The number format a variant runs in: its inputs and its outputs are rounded to it (as when the
 * tensors are stored in that format), the function itself is computed in float32 (float64 for
 * {@code fp64}). Names: {@code fp64} (the reference), {@code fp32} (the default), {@code bf16},
 * {@code fp16}, {@code fp8_e4m3}, {@code fp8_e5m2}, and {@code int8} (fake-quantised; see {@link Int8}).
 */
public sealed interface Precision permits Precision.Float64, Precision.Float32, Precision.Reduced,
    Precision.Int8 {

  /** The name as written after {@code @}, with parameters, e.g. {@code int8(calib=p99.9)}. */
  String name();

  /** The base name without parameters, as recorded in the metrics' {@code precision} column. */
  default String baseName() {
    String n = name();
    int paren = n.indexOf('(');
    return paren < 0 ? n : n.substring(0, paren);
  }

  Precision FP32 = new Float32();
  Precision FP64 = new Float64();

  record Float64() implements Precision {
    @Override
    public String name() {
      return "fp64";
    }
  }

  record Float32() implements Precision {
    @Override
    public String name() {
      return "fp32";
    }
  }

  /** A small float format: values rounded to nearest even, with the format's range. */
  record Reduced(FloatFormat format) implements Precision {
    @Override
    public String name() {
      return format.name();
    }
  }

  /**
   * Symmetric int8 fake quantisation: q(x) = clamp(rint(x / s), −127, 127) · s. The scale s is
   * {@code scale} when given (static, per tensor), otherwise calibrated from each tensor the kernel
   * sees (a vector, in the UDFs: per row) as (absmax or the {@code percentile} of |x|) / 127 over its
   * finite values. Inputs and outputs are calibrated separately.
   *
   * @param percentile NaN for absmax, else the percentile in (0, 100]
   * @param scale NaN for dynamic calibration, else a fixed positive scale
   */
  record Int8(double percentile, double scale) implements Precision {
    @Override
    public String name() {
      if (!Double.isNaN(scale)) {
        return "int8(scale=" + io.ablate.activation.Params.format(scale) + ")";
      }
      return Double.isNaN(percentile) ? "int8" : "int8(calib=p" + formatPercentile() + ")";
    }

    private String formatPercentile() {
      return percentile == Math.rint(percentile) ? Long.toString((long) percentile)
          : Double.toString(percentile);
    }

    public boolean isStatic() {
      return !Double.isNaN(scale);
    }
  }

  /** Valid names, for error messages. */
  String VALID = "fp64, fp32, bf16, fp16, fp8_e4m3, fp8_e5m2, int8, int8(calib=absmax|pNN.N), int8(scale=S)";

  /** A precision from its name and parameters (from a variant spec). */
  static Precision of(String name, Map<String, String> params) {
    String n = name.toLowerCase(Locale.ROOT);
    if (!n.equals("int8") && !params.isEmpty()) {
      throw AblateException.badInput("precision %s takes no parameters (got %s); valid: %s", name,
          params.keySet(), VALID);
    }
    switch (n) {
      case "fp64": return FP64;
      case "fp32": return FP32;
      case "bf16": return new Reduced(FloatFormat.BF16);
      case "fp16": return new Reduced(FloatFormat.FP16);
      case "fp8_e4m3": return new Reduced(FloatFormat.FP8_E4M3);
      case "fp8_e5m2": return new Reduced(FloatFormat.FP8_E5M2);
      case "int8": return int8(params);
      default:
        throw AblateException.badInput("unknown precision '%s'; valid: %s", name, VALID);
    }
  }

  private static Precision int8(Map<String, String> params) {
    double percentile = Double.NaN;
    double scale = Double.NaN;
    if (params.containsKey("calib") && params.containsKey("scale")) {
      throw AblateException.badInput("int8: give calib or scale, not both (scale fixes the scale; "
          + "calib chooses how to compute it per tensor)");
    }
    for (Map.Entry<String, String> e : params.entrySet()) {
      String v = e.getValue().trim();
      if (e.getKey().equals("calib")) {
        if (v.equalsIgnoreCase("absmax")) {
          percentile = Double.NaN;
        } else if (v.startsWith("p") || v.startsWith("P")) {
          percentile = parseNumber("calib", v.substring(1), v);
          if (!(percentile > 0 && percentile <= 100)) {
            throw AblateException.badInput("int8: calib=%s is out of range; valid: p0 < pNN <= p100",
                v);
          }
        } else {
          throw AblateException.badInput("int8: unknown calib '%s'; valid: absmax, pNN.N (e.g. p99.9)",
              v);
        }
      } else if (e.getKey().equals("scale")) {
        scale = parseNumber("scale", v, v);
        if (!(scale > 0 && Double.isFinite(scale))) {
          throw AblateException.badInput("int8: scale=%s must be a positive finite number", v);
        }
      } else {
        throw AblateException.badInput("int8: unknown parameter '%s'; valid: calib, scale",
            e.getKey());
      }
    }
    return new Int8(percentile, scale);
  }

  private static double parseNumber(String key, String number, String given) {
    if (!io.ablate.activation.Params.isPlainNumber(number)) {
      throw AblateException.badInput("int8: %s=%s is not a number", key, given);
    }
    return Double.parseDouble(number);
  }
}

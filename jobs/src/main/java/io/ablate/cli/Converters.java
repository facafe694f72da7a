package io.ablate.cli;

import io.ablate.AblateException;
import io.ablate.activation.Catalogue;
import io.ablate.activation.Variant;
import io.ablate.dataset.ActivationDataset;
import io.ablate.drift.Thresholds;
import io.ablate.encoding.Dtype;
import io.ablate.job.Engine;
import io.ablate.repository.RunId;
import java.util.List;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine;

/**
 * Conversions of option values into Ablate's types, so a malformed value is rejected while the
 * command line is parsed, before Spark starts, with the type's own message.
 */
final class Converters {
  private Converters() {}

  /** Registers the converters of whole numbers (underscores allowed: 1_000_000) on a CLI. */
  static void register(CommandLine cl) {
    cl.registerConverter(Integer.class, v -> (int) whole(v, Integer.MIN_VALUE, Integer.MAX_VALUE));
    cl.registerConverter(Integer.TYPE, v -> (int) whole(v, Integer.MIN_VALUE, Integer.MAX_VALUE));
    cl.registerConverter(Long.class, v -> whole(v, Long.MIN_VALUE, Long.MAX_VALUE));
    cl.registerConverter(Long.TYPE, v -> whole(v, Long.MIN_VALUE, Long.MAX_VALUE));
  }

  private static long whole(String v, long min, long max) {
    try {
      long n = Long.parseLong(v.replace("_", ""));
      if (n < min || n > max) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new TypeConversionException("'" + v + "' is not a whole number");
    }
  }

  /** Runs {@code conversion}; bad input becomes the option's conversion error. */
  private static <T> T checked(java.util.function.Supplier<T> conversion) {
    try {
      return conversion.get();
    } catch (AblateException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }

  /** A variant list as one option value: {@code name[(k=v,...)][@precision]} separated by ';'. */
  record VariantList(List<Variant> variants) {}

  /** The converter of {@link VariantList}. */
  static final class Variants implements ITypeConverter<VariantList> {
    @Override
    public VariantList convert(String v) {
      return new VariantList(v.isBlank() ? List.of() : checked(() -> Catalogue.variants(v)));
    }
  }

  /** One variant name. */
  static final class OneVariant implements ITypeConverter<Variant> {
    @Override
    public Variant convert(String v) {
      return checked(() -> Catalogue.variant(v));
    }
  }

  /** A run id (1 to 128 characters of A-Z a-z 0-9 . _ -). */
  static final class RunIds implements ITypeConverter<RunId> {
    @Override
    public RunId convert(String v) {
      return checked(() -> RunId.of(v));
    }
  }

  /** fail or skip. */
  static final class OnBadFile implements ITypeConverter<ActivationDataset.OnBadFile> {
    @Override
    public ActivationDataset.OnBadFile convert(String v) {
      return checked(() -> ActivationDataset.OnBadFile.parse(v));
    }
  }

  /** auto, cpu or gpu. */
  static final class Engines implements ITypeConverter<Engine> {
    @Override
    public Engine convert(String v) {
      return checked(() -> Engine.parse(v));
    }
  }

  /** f32, bf16 or f16. */
  static final class Dtypes implements ITypeConverter<Dtype> {
    @Override
    public Dtype convert(String v) {
      return checked(() -> Dtype.parse(v));
    }
  }

  /** A gate: {@code [SUBJECT:]METRIC OP NUMBER}. */
  static final class OneGate implements ITypeConverter<io.ablate.gate.Gate> {
    @Override
    public io.ablate.gate.Gate convert(String v) {
      return checked(() -> io.ablate.gate.Gate.parse(v));
    }
  }

  /** metric=warn:alert,... over the defaults. */
  static final class Gate implements ITypeConverter<Thresholds> {
    @Override
    public Thresholds convert(String v) {
      return checked(() -> Thresholds.parse(v));
    }
  }
}

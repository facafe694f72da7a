package io.ablate.cli;

import io.ablate.activation.Activation;
import io.ablate.activation.Catalogue;
import io.ablate.activation.Variant;
import io.ablate.encoding.ColumnKind;
import io.ablate.encoding.Dtype;
import io.ablate.gpu.ColumnProgram;
import io.ablate.precision.Precision;
import io.ablate.spark.GpuForms;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code ablate variants}: the catalogue with formulas, parameters, accuracy bounds and sources. */
@Command(name = "variants", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
    description = "The activation catalogue: formulas, parameters, precisions, float32 error "
        + "bounds and sources. Needs no Spark.",
    footer = {"", "Examples:", "  ablate variants --format md > variants.md",
        "  ablate variants --gpu-cost"})
final class VariantsCommand implements Callable<Integer> {
  @ParentCommand
  Cli cli;

  @Option(names = "--format", paramLabel = "text|md", defaultValue = "text",
      description = "Output format (default: ${DEFAULT-VALUE}).")
  Format format;

  @Option(names = "--gpu-cost",
      description = "Instead: each GPU form's work per value on paper (cuDF kernels per batch, "
          + "bytes moved, peak device memory, the bound of a 3 TB/s GPU).")
  boolean gpuCost;

  @Mixin
  CommonOptions common;

  /** The formats of the table. */
  enum Format { TEXT, MD }

  @Override
  public Integer call() {
    PrintStream out = cli.console(common).out();
    boolean md = format == Format.MD;
    if (gpuCost) {
      out.print(gpuCostTable(md));
      return 0;
    }
    TextTable t = new TextTable("name", "kind", "parameters", "formula", "float32 error bound",
        "source");
    for (Activation a : Catalogue.all()) {
      String params = a.params().stream()
          .map(p -> p.usage() + " (" + p.validRange() + ")")
          .collect(Collectors.joining(", "));
      t.row(a.name(), a.kind().name().toLowerCase(), params.isEmpty() ? "-" : params, a.formula(),
          a.bound(), a.source());
    }
    out.print(md ? t.markdown() : t.render());
    out.println();
    out.println("Variant names: name[(k=v,...)][@precision], e.g. gelu_tanh, swish(beta=1.5)@bf16,");
    out.println("  rational(p=[0.02,0.5,1.6,1.2,0.5,0.02],q=[2.4,0,1,0]), silu@int8(calib=p99.9)");
    out.println("Precisions: " + Precision.VALID);
    out.println("  bf16/fp16/fp8: inputs and outputs rounded to nearest even; fp8_e4m3 saturates at");
    out.println("  +-448 (no infinities), fp8_e5m2 overflows to +-inf; int8: symmetric fake quantisation,");
    out.println("  scale = absmax (or a percentile) / 127 per tensor (per vector in SQL), or fixed.");
    out.println("Gated variants take one vector [gate | up] (output half as long) or (gate, up).");
    out.println("GPU forms: float, double, array<float>, binary f32/bf16/f16 columns; int8 with a "
        + "fixed scale. Others run on the CPU.");
    return 0;
  }

  /** The bandwidth the GPU bound assumes: an H100's HBM3, about 3 TB/s. */
  static final double GPU_BYTES_PER_SEC = 3e12;

  /**
   * Each GPU form over {@code array<float>} (float32 inputs), from its lowering ({@link
   * ColumnProgram#cost}): kernels per batch, bytes read and written per value, the peak of live
   * columns per value, and the throughput a GPU of {@link #GPU_BYTES_PER_SEC} would reach if the
   * form were bound by memory traffic alone.
   */
  static String gpuCostTable(boolean md) {
    TextTable t = new TextTable("variant", "kernels per batch", "bytes read per value",
        "bytes written per value", "peak bytes per value", "bound at 3 TB/s (G values/s)");
    List<String> names = new ArrayList<>();
    Catalogue.all().forEach(a -> names.add(a.name().equals("rational")
        ? "rational(p=[0.02,0.5,1.6,1.2,0.5,0.02],q=[2.4,0,1,0])" : a.name()));
    names.addAll(List.of("gelu@bf16", "gelu@fp16", "gelu@fp8_e4m3", "gelu@fp8_e5m2",
        "gelu@int8(scale=0.05)", "swiglu@bf16"));
    for (String name : names) {
      Variant v = Catalogue.variant(name);
      if (v.expression().isEmpty()) {
        continue;
      }
      ColumnProgram.Cost c = ColumnProgram.of(new GpuForms(v, ColumnKind.FLOAT_ARRAY, Dtype.F32,
          false).expression(), v.gated() ? 2 : 1).cost(4);
      // Per output value: a gated variant reads two inputs per output.
      t.row(name, c.kernels(), c.bytesRead(), c.bytesWritten(), c.peakBytes(),
          String.format(Locale.ROOT, "%.1f",
              GPU_BYTES_PER_SEC / (c.bytesRead() + c.bytesWritten()) / 1e9));
    }
    return md ? t.markdown() : t.render();
  }
}

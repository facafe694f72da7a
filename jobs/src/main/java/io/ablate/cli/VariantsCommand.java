package io.ablate.cli;

import io.ablate.activation.Activation;
import io.ablate.activation.Catalogue;
import io.ablate.precision.Precision;
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
    footer = {"", "Example:", "  ablate variants --format md > variants.md"})
final class VariantsCommand implements Callable<Integer> {
  @ParentCommand
  Cli cli;

  @Option(names = "--format", paramLabel = "text|md", defaultValue = "text",
      description = "Output format (default: ${DEFAULT-VALUE}).")
  Format format;

  @Mixin
  CommonOptions common;

  /** The formats of the table. */
  enum Format { TEXT, MD }

  @Override
  public Integer call() {
    PrintStream out = cli.console(common).out();
    boolean md = format == Format.MD;
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
}

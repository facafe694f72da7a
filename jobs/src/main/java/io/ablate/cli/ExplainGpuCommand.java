package io.ablate.cli;

import io.ablate.activation.Catalogue;
import io.ablate.AblateException;
import io.ablate.accuracy.AccuracyPlan;
import io.ablate.activation.Variant;
import io.ablate.dataset.ActivationDataset;
import io.ablate.dataset.Source;
import io.ablate.job.AblationJob;
import io.ablate.profile.ProfilePlan;
import io.ablate.sketch.QuantileSketch;
import io.ablate.dataset.ScratchDir;
import io.ablate.spark.ActivationExpression;
import io.ablate.spark.ActivationFunctions;
import io.ablate.spark.GpuPlacement;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.Expression;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code ablate explain-gpu}: where the RAPIDS Accelerator would run each activation, per column
 * kind, from the plugin's explain-only planning of real queries over a small Parquet table (no GPU
 * needed).
 */
@Command(name = "explain-gpu", mixinStandardHelpOptions = true, sortOptions = false,
    versionProvider = Cli.Version.class,
    description = "Which activation calls the RAPIDS Accelerator would run on the GPU, per column "
        + "kind, from the plugin's explain-only planning of real queries (no GPU needed).",
    footer = {"", "Examples:", "  ablate explain-gpu --variants 'gelu;swiglu;gelu@bf16' --format md",
        "  ablate explain-gpu --pass ablate --input data-samples/activations",
        "  ablate explain-gpu --pass profile --input data-samples/activations --variants relu"})
final class ExplainGpuCommand implements Callable<Integer> {
  /** Column kinds: label, the call's arguments for elementwise and for gated variants. */
  private static final String[][] KINDS = {
    {"float", "x", "x, x"},
    {"double", "d", "d, d"},
    {"array<float>", "v", "v"},
    {"binary f32", "b", "b"},
    {"binary bf16", "b, 'bf16'", "b, 'bf16'"},
    {"binary f16", "b, 'f16'", "b, 'f16'"},
  };

  @ParentCommand
  Cli cli;

  @Option(names = "--variants", paramLabel = "LIST", converter = Converters.Variants.class,
      description = "Variant names (default: the whole catalogue, with rational's example "
          + "parameters, and four precision variants).")
  Converters.VariantList variants;

  @Option(names = "--pass", paramLabel = "ablate|profile",
      description = "Explain the whole plan of a pass's GPU form over --input instead (ablate: "
          + "the accuracy pass; profile: the profile pass's two plans), operator by operator, "
          + "with a verdict.")
  String pass;

  @Option(names = "--input", paramLabel = "PATHS",
      description = "The activation dataset of --pass (paths or globs, ','-separated).")
  String input;

  @Option(names = "--where", paramLabel = "CONDITION",
      description = "With --pass: the selection over the key columns the pass reads (as for "
          + "ablate and profile).")
  String where;

  @Option(names = "--reference", paramLabel = "NAME", converter = Converters.OneVariant.class,
      defaultValue = "gelu", description = "With --pass ablate: the reference of ffn.pre sites "
          + "(default: ${DEFAULT-VALUE}).")
  Variant reference;

  @Option(names = "--gated-reference", paramLabel = "NAME",
      converter = Converters.OneVariant.class, defaultValue = "swiglu",
      description = "With --pass ablate: the reference of ffn.gate_up sites (default: "
          + "${DEFAULT-VALUE}).")
  Variant gatedReference;

  @Option(names = "--format", paramLabel = "text|md", defaultValue = "text",
      description = "Output format (default: ${DEFAULT-VALUE}).")
  VariantsCommand.Format format;

  @Mixin
  SparkOptions sparkOptions;

  @Mixin
  CommonOptions common;

  @Override
  public Integer call() {
    List<Variant> variants = this.variants != null ? this.variants.variants()
        : Catalogue.variants(defaultVariants());
    boolean md = format == VariantsCommand.Format.MD;
    PrintStream out = cli.console(common).out();
    Sessions.Settings settings = sparkOptions.settings("local[2]", common.specConfs());
    if (pass != null || input != null) {
      return explainPass(settings, out);
    }
    SparkSession spark = GpuPlacement.explainOnlySession(settings.master(),
        settings.confs());
    try (ScratchDir dir = ScratchDir.create("ablate-explain")) {
      ActivationFunctions.register(spark);
      String table = dir.resolve("t.parquet");
      spark.sql("SELECT CAST(id AS FLOAT) AS x, CAST(id AS DOUBLE) AS d, "
          + "CAST(array(id, id + 1) AS ARRAY<FLOAT>) AS v, CAST(repeat('abcd', 2) AS BINARY) AS b "
          + "FROM range(8)").write().parquet(table);
      spark.read().parquet(table).createOrReplaceTempView("ablate_explain");
      List<String> header = new ArrayList<>(List.of("variant"));
      Map<String, List<String>> cells = new LinkedHashMap<>();
      variants.forEach(v -> cells.put(v.name(), new ArrayList<>(List.of(v.name()))));
      for (String[] kind : KINDS) {
        header.add(kind[0]);
        Map<Variant, String> calls = new LinkedHashMap<>();
        Map<Variant, String> notOnGpu = new LinkedHashMap<>();
        for (Variant v : variants) {
          String call = "act('" + v.name() + "', " + (v.gated() ? kind[2] : kind[1]) + ")";
          try {
            Expression e = spark.sql("SELECT " + call + " FROM ablate_explain").queryExecution()
                .analyzed().expressions().head().children().head();
            if (e instanceof ActivationExpression) {
              notOnGpu.put(v, "CPU (no GPU form)"); // planned apart: it would keep the others off too
            } else {
              calls.put(v, call);
            }
          } catch (RuntimeException e) {
            notOnGpu.put(v, "n/a");
          }
        }
        Map<String, GpuPlacement.Placement> udfs = calls.isEmpty() ? Map.of()
            : GpuPlacement.udfs(GpuPlacement.report(spark.sql(
                "SELECT " + String.join(", ", calls.values()) + " FROM ablate_explain")));
        for (Variant v : variants) {
          GpuPlacement.Placement p = udfs.get("act(" + v.name() + ")");
          cells.get(v.name()).add(notOnGpu.containsKey(v) ? notOnGpu.get(v)
              : p == null ? "CPU: not in the plugin's report"
              : p.where() == GpuPlacement.Where.GPU ? "GPU" : "CPU: " + p.reason());
        }
      }
      TextTable t = new TextTable(header.toArray(new String[0]));
      cells.values().forEach(r -> t.row(r.toArray()));
      out.println("RAPIDS Accelerator placement (explain-only mode, CPU bridge off):");
      out.print(md ? t.markdown() : t.render());
      out.println("GPU: the UDF's RapidsUDF form runs in the plugin's columnar plan. "
          + "CPU (no GPU form): the call compiles to Ablate's CPU expression. n/a: not a valid "
          + "call (e.g. dynamic int8 on scalars).");
      return 0;
    } finally {
      spark.stop();
    }
  }

  private static String defaultVariants() {
    List<String> names = new ArrayList<>();
    Catalogue.all().forEach(a -> names.add(a.name().equals("rational")
        ? "rational(p=[0.02,0.5,1.6,1.2,0.5,0.02],q=[2.4,0,1,0])" : a.name()));
    names.addAll(List.of("gelu@bf16", "gelu@fp8_e4m3", "gelu@int8(scale=0.05)", "gelu@int8"));
    return String.join(";", names);
  }

  /**
   * The plugin's report of a pass's GPU plans over {@code --input}, every operator and expression
   * in its own words and markers, then one line: on the GPU, or what is not and why. Exit 0 either
   * way (a report, not a gate).
   */
  private int explainPass(Sessions.Settings settings, PrintStream out) {
    if (pass == null || input == null || !(pass.equals("ablate") || pass.equals("profile"))) {
      throw AblateException.badInput("--pass and --input go together; --pass takes: ablate, "
          + "profile");
    }
    boolean ablate = pass.equals("ablate");
    List<Variant> variants = this.variants != null ? this.variants.variants()
        : ablate ? Catalogue.variants(AblationJob.DEFAULT_VARIANTS) : List.of();
    SparkSession spark = GpuPlacement.explainOnlySession(settings.master(), settings.confs());
    try {
      ActivationFunctions.register(spark);
      ActivationDataset data = ActivationDataset.open(spark, Source.of(input).where(where),
          ActivationDataset.OnBadFile.FAIL);
      Map<String, Dataset<Row>> plans = new LinkedHashMap<>();
      if (ablate) {
        plans.put("the accuracy pass's plan",
            new AccuracyPlan(variants, reference, gatedReference).plan(data));
      } else {
        ProfilePlan plan = new ProfilePlan(variants, QuantileSketch.DEFAULT_K);
        plans.put("the profile pass's statistics plan", plan.statistics(data));
        plans.put("the profile pass's histogram plan", plan.histogram(data));
      }
      List<String> cannot = new ArrayList<>();
      for (Map.Entry<String, Dataset<Row>> p : plans.entrySet()) {
        String report = GpuPlacement.report(p.getValue());
        out.println("RAPIDS Accelerator placement of " + p.getKey() + " over " + input
            + " (explain-only mode, CPU bridge off):");
        out.print(report.endsWith("\n") ? report : report + "\n");
        cannot.addAll(GpuPlacement.cannotRunOnGpu(report));
      }
      if (cannot.isEmpty()) {
        out.println("Verdict: every operator and expression runs on the GPU; the per-key merge "
            + (ablate ? "of its one row per vector" : "of its rows per vector and the sketches "
                + "from the histogram") + " runs on the CPU.");
      } else {
        out.println("Verdict: not all on the GPU. What cannot run there, and why:");
        cannot.forEach(l -> out.println("  " + l));
      }
      return 0;
    } finally {
      spark.stop();
    }
  }
}

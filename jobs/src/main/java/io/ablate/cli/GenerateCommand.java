package io.ablate.cli;

import io.ablate.AblateException;
import io.ablate.dataset.Generator;
import io.ablate.encoding.Dtype;
import io.ablate.job.GenerateJob;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code ablate generate}: a synthetic activation dataset ({@link GenerateJob}). */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
    versionProvider = Cli.Version.class,
    description = "Writes a synthetic activation dataset: Gaussian FFN inputs with outlier "
        + "channels, deterministic by seed, at any scale, optionally drifted in chosen layers. "
        + "Written whole or not at all.",
    footer = {"", "Example (1e8 values as array<float>):",
        "  ablate generate --out /tmp/acts --rows 25000 --dim 1024 --layers 4 --encoding array"})
final class GenerateCommand implements Callable<Integer> {
  @ParentCommand
  Cli cli;

  @Option(names = "--out", required = true, paramLabel = "DIR",
      description = "The dataset to write; must not exist unless --overwrite.")
  String out;

  @Option(names = "--overwrite", description = "Replace --out if it exists.")
  boolean overwrite;

  @Option(names = "--partition-by", paramLabel = "COLUMNS", split = ",",
      description = PARTITION_BY)
  List<String> partitionBy;

  /** What --partition-by does (generate and capture). */
  static final String PARTITION_BY = "Write one directory per value of these columns "
      + "(','-separated, of model, checkpoint, layer, site), as Spark's partitionBy does: "
      + "model=m/layer=3/part-*.parquet, the columns in the paths and not in the files.";

  @Option(names = "--rows", paramLabel = "N", defaultValue = "1000",
      description = "Vectors per layer and site (default: ${DEFAULT-VALUE}).")
  long rows;

  @Option(names = "--dim", paramLabel = "D", defaultValue = "1024",
      description = "Vector length; ffn.gate_up vectors are 2D long (default: ${DEFAULT-VALUE}).")
  int dim;

  @Option(names = "--layers", paramLabel = "L", defaultValue = "4",
      description = "Layers (default: ${DEFAULT-VALUE}).")
  int layers;

  @Option(names = "--model", paramLabel = "M", defaultValue = "synthetic",
      description = "The model column (default: ${DEFAULT-VALUE}).")
  String model;

  @Option(names = "--checkpoint", paramLabel = "C", defaultValue = "ckpt-0",
      description = "The checkpoint column (default: ${DEFAULT-VALUE}).")
  String checkpoint;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "42",
      description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--encoding", paramLabel = "binary|array", defaultValue = "binary",
      description = "Vectors as little-endian binary or array<float> (default: ${DEFAULT-VALUE}).")
  String encoding;

  @Option(names = "--dtype", paramLabel = "f32|bf16|f16", converter = Converters.Dtypes.class,
      defaultValue = "f32", description = "Binary dtype (default: ${DEFAULT-VALUE}).")
  Dtype dtype;

  @Option(names = "--shift", paramLabel = "X", defaultValue = "0",
      description = "Drift: mean shift in standard deviations (default: ${DEFAULT-VALUE}).")
  double shift;

  @Option(names = "--scale", paramLabel = "Y", defaultValue = "1",
      description = "Drift: scale factor (default: ${DEFAULT-VALUE}).")
  double scale;

  @Option(names = "--outlier-rate", paramLabel = "R", defaultValue = "0.25",
      description = "Fraction of rows with outlier channels (default: ${DEFAULT-VALUE}).")
  double outlierRate;

  @Option(names = "--drift-layers", paramLabel = "1,3", split = ",",
      description = "Apply the drift options to these layers only (default: all).")
  List<Integer> driftLayers = List.of();

  @Option(names = "--sites", paramLabel = "LIST", split = ",", defaultValue = "ffn.pre",
      description = "Sites: ffn.pre, ffn.gate_up (default: ${DEFAULT-VALUE}).")
  List<String> sites;

  @Option(names = "--partitions", paramLabel = "P",
      description = "Spark partitions (default: the session's parallelism).")
  Integer partitions;

  @Mixin
  SparkOptions sparkOptions;

  @Mixin
  CommonOptions common;

  @Override
  public Integer call() {
    if (!encoding.equals("binary") && !encoding.equals("array")) {
      throw AblateException.badInput("--encoding %s; valid: binary, array", encoding);
    }
    common.range("--rows", rows, 1, Long.MAX_VALUE / 4);
    common.range("--dim", dim, 1, 1 << 24);
    common.range("--layers", layers, 1, 10_000);
    Generator.Spec spec = new Generator.Spec(rows, dim, layers, model, checkpoint, seed,
        encoding.equals("binary"), dtype, shift, scale, outlierRate, driftLayers, sites,
        partitions == null ? 0 : common.range("--partitions", partitions, 1, 100_000));
    Console console = cli.console(common);
    SparkSession spark = Sessions.create("generate",
        sparkOptions.settings("local[*]", common.specConfs()));
    try {
      console.progressOf(spark);
      GenerateJob.Result r = GenerateJob.run(spark, new GenerateJob.Options(spec, out, overwrite,
          partitionBy == null ? List.of() : partitionBy),
          console.listener());
      console.out().printf("Wrote %d vectors (%d values, %s %s) to %s in %.1f s (%.1f M "
          + "values/s)%n", r.vectors(), r.values(), encoding, spec.binary() ? dtype.label()
          : "float", r.out(), r.seconds(), r.values() / r.seconds() / 1e6);
      return 0;
    } finally {
      spark.stop();
    }
  }
}

package io.ablate.cli;

import io.ablate.AblateException;
import io.ablate.dataset.ActivationDataset;
import io.ablate.encoding.Dtype;
import io.ablate.dataset.Generator;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code ablate generate}: a synthetic activation dataset (see {@link Generator}), written to a
 * temporary directory beside {@code --out} and renamed into place, so a failed run leaves nothing.
 */
final class GenerateCommand implements Command {
  @Override
  public String name() {
    return "generate";
  }

  @Override
  public String summary() {
    return "write a synthetic activation dataset (deterministic by seed, any scale)";
  }

  @Override
  public String usage() {
    return "  --out DIR              (required; must not exist unless --overwrite)\n"
        + "  --rows N               vectors per (layer, site) (default 1000)\n"
        + "  --dim D                vector length (default 1024; ffn.gate_up vectors are 2D)\n"
        + "  --layers L             (default 4)\n"
        + "  --model M --checkpoint C   (default synthetic, ckpt-0)\n"
        + "  --seed S               (default 42)\n"
        + "  --encoding binary|array    (default binary)\n"
        + "  --dtype f32|bf16|f16   binary dtype (default f32)\n"
        + "  --shift X --scale Y --outlier-rate R   drift: mean shift in sigmas, scale factor,\n"
        + "                         fraction of rows with outlier channels (defaults 0, 1, 0.25)\n"
        + "  --drift-layers 1,3     apply the drift options to these layers only (default all)\n"
        + "  --sites ffn.pre,ffn.gate_up   (default ffn.pre)\n"
        + "  --partitions P         (default: the session's parallelism)\n";
  }

  @Override
  public int run(Options options, PrintStream out) {
    String target = options.require("out");
    boolean overwrite = options.flag("overwrite");
    String encoding = options.get("encoding", "binary");
    if (!encoding.equals("binary") && !encoding.equals("array")) {
      throw AblateException.badInput("--encoding %s; valid: binary, array", encoding);
    }
    List<Integer> driftLayers = new ArrayList<>();
    String drift = options.get("drift-layers", "");
    for (String s : drift.split(",")) {
      if (!s.isBlank()) {
        try {
          driftLayers.add(Integer.parseInt(s.trim()));
        } catch (NumberFormatException e) {
          throw AblateException.badInput("--drift-layers %s: '%s' is not a layer number", drift, s);
        }
      }
    }
    SparkSession spark = Sessions.create(name(), options);
    try {
      Generator.Spec spec = new Generator.Spec(
          options.getLong("rows", 1000, 1, Long.MAX_VALUE / 4),
          (int) options.getLong("dim", 1024, 1, 1 << 24),
          (int) options.getLong("layers", 4, 1, 10_000),
          options.get("model", "synthetic"), options.get("checkpoint", "ckpt-0"),
          options.getLong("seed", 42, Long.MIN_VALUE, Long.MAX_VALUE),
          encoding.equals("binary"), Dtype.parse(options.get("dtype", "f32")),
          options.getDouble("shift", 0), options.getDouble("scale", 1),
          options.getDouble("outlier-rate", 0.25), driftLayers,
          List.of(options.get("sites", ActivationDataset.DEFAULT_SITE).split(",")),
          (int) options.getLong("partitions", spark.sparkContext().defaultParallelism(), 1, 100_000));
      options.requireAllUsed(name());
      spark.sparkContext().addSparkListener(new ProgressReporter(out, 2000));
      long start = System.nanoTime();
      write(spark, new Generator(spec), target, overwrite);
      double seconds = (System.nanoTime() - start) / 1e9;
      long rows = spec.rows() * spec.layers() * spec.sites().size();
      // ffn.gate_up vectors hold gate and up: twice the dim.
      long values = spec.rows() * spec.layers() * spec.dim() * spec.sites().stream()
          .mapToLong(site -> site.equals(ActivationDataset.GATED_SITE) ? 2 : 1).sum();
      out.printf("Wrote %d vectors (%d values, %s %s) to %s in %.1f s (%.1f M values/s)%n", rows,
          values, encoding, spec.binary() ? spec.dtype().label() : "float", target, seconds,
          values / seconds / 1e6);
      return 0;
    } finally {
      spark.stop();
    }
  }

  /** Written beside the target, then renamed: the target appears whole or not at all. */
  static void write(SparkSession spark, Generator generator, String target, boolean overwrite) {
    write(spark, generator.generate(spark), target, overwrite);
  }

  /** {@code rows} as Parquet at {@code target}, whole or not at all (shared with capture). */
  static void write(SparkSession spark, Dataset<Row> rows, String target, boolean overwrite) {
    try {
      Path out = new Path(target);
      FileSystem fs = out.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (fs.exists(out) && !overwrite) {
        throw AblateException.badInput("--out %s exists; choose another directory or pass "
            + "--overwrite", target);
      }
      Path tmp = new Path(out.getParent(), "." + out.getName() + ".tmp-" + UUID.randomUUID());
      try {
        rows.write().parquet(tmp.toString());
        if (fs.exists(out)) {
          fs.delete(out, true);
        }
        if (!fs.rename(tmp, out)) {
          throw new IOException("cannot rename " + tmp + " to " + out);
        }
      } finally {
        if (fs.exists(tmp)) {
          fs.delete(tmp, true);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

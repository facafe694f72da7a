package io.ablate.selfcheck;

import io.ablate.accuracy.AccuracyPass;
import io.ablate.accuracy.AccuracyPlan;
import io.ablate.accuracy.ErrorStats;
import io.ablate.activation.Catalogue;
import io.ablate.activation.Variant;
import io.ablate.dataset.ActivationDataset;
import io.ablate.dataset.Generator;
import io.ablate.encoding.Dtype;
import io.ablate.spark.ActivationFunctions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The passes in a Spark session whose queries the RAPIDS Accelerator runs on the GPU (test mode:
 * a query with any operator left on the CPU fails): every SQL function over a Parquet table of
 * several batches against the same query on the CPU, and the accuracy pass's GPU plan against the
 * CPU pass, metric by metric ({@link #compare}).
 */
final class PlanCheck {
  private PlanCheck() {}

  /** Variants of the plan check: full precision, reduced, static int8, gated. */
  static final String VARIANTS = "gelu_tanh;gelu;silu;relu;gelu@bf16;gelu@fp8_e4m3;"
      + "gelu@int8(scale=0.05);swiglu;swiglu@bf16;geglu";

  /** A session whose queries run on the GPU, in test mode. */
  static SparkSession gpuSession() {
    return SparkSession.builder().master("local[1]").appName("ablate gpu-check")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.plugins", "com.nvidia.spark.SQLPlugin")
        .config("spark.rapids.sql.enabled", "true")
        .config("spark.rapids.sql.test.enabled", "true")
        .config("spark.rapids.sql.explain", "NOT_ON_GPU")
        .config("spark.rapids.sql.expression.cpuBridge.enabled", "false")
        // Several batches per file: small reader batches.
        .config("spark.rapids.sql.reader.batchSizeRows", "64")
        .getOrCreate();
  }

  /** The accuracy pass on the GPU plan and on the CPU over generated data; the mismatches. */
  static List<String> passes(SparkSession spark, Path dir) {
    ActivationFunctions.register(spark);
    List<String> problems = new ArrayList<>();
    for (Dtype dtype : Dtype.values()) {
      String path = dir.resolve("acts-" + dtype.label()).toString();
      new Generator(new Generator.Spec(400, 96, 3, "m", "c", 7, true, dtype, 0, 1, 0.25,
          List.of(), List.of("ffn.pre", "ffn.gate_up"), 4)).generate(spark).write()
          .parquet(path);
      ActivationDataset data = ActivationDataset.open(spark, path,
          ActivationDataset.OnBadFile.FAIL);
      List<Variant> variants = Catalogue.variants(VARIANTS);
      List<AccuracyPass.Result> cpu = new AccuracyPass(variants, Catalogue.variant("gelu"),
          Catalogue.variant("swiglu")).run(data);
      List<AccuracyPass.Result> gpu = new AccuracyPlan(variants, Catalogue.variant("gelu"),
          Catalogue.variant("swiglu")).run(data, "gpu");
      compare(cpu, gpu).forEach(p -> problems.add(dtype.label() + ": " + p));
    }
    return problems;
  }

  /**
   * Every function of {@link #VARIANTS} over an array column in the GPU session, against the same
   * query with the plugin off; the rows that differ beyond the variant's check ({@link Compare}).
   */
  static List<String> functions(SparkSession spark, Path dir) {
    String table = dir.resolve("functions").toString();
    spark.sql("SELECT CAST(transform(sequence(0, 63), i -> randn(id * 64 + i) * 4) AS "
        + "ARRAY<FLOAT>) AS v FROM range(2000)").repartition(3).write().parquet(table);
    List<String> problems = new ArrayList<>();
    for (Variant v : Catalogue.variants(VARIANTS)) {
      String query = "SELECT act('" + v.name() + "', v) FROM parquet.`" + table + "`";
      List<Row> onGpu = spark.sql(query).collectAsList();
      SparkSession cpu = spark.newSession();
      cpu.conf().set("spark.rapids.sql.enabled", "false");
      ActivationFunctions.register(cpu);
      List<Row> onCpu = cpu.sql(query).collectAsList();
      List<Object> expected = new ArrayList<>();
      List<Object> actual = new ArrayList<>();
      for (int i = 0; i < onCpu.size(); i++) {
        expected.add(onCpu.get(i).isNullAt(0) ? null : onCpu.get(i).getList(0));
        actual.add(i < onGpu.size() && !onGpu.get(i).isNullAt(0) ? onGpu.get(i).getList(0)
            : null);
      }
      List<Object> inputs = new ArrayList<>();
      for (Row row : cpu.sql("SELECT v FROM parquet.`" + table + "`").collectAsList()) {
        inputs.add(row.isNullAt(0) ? null : row.getList(0));
      }
      Compare.Result r = Compare.rows(v, new Cases.Case(v.gated() ? Cases.Shape.ARRAY_PACKED
          : Cases.Shape.ARRAY, inputs, List.of()), expected, actual);
      if (!r.ok()) {
        problems.add(v.name() + ": " + r.problem());
      }
    }
    return problems;
  }

  /**
   * The GPU plan's results against the CPU pass's: the same keys and variants; counts and maxima
   * equal; metrics from sums within 1e-12, relative (a vector's sums are float64 sums on the GPU,
   * compensated on the CPU). The mismatches, described; empty when they agree.
   */
  static List<String> compare(List<AccuracyPass.Result> cpu, List<AccuracyPass.Result> gpu) {
    List<String> out = new ArrayList<>();
    if (cpu.size() != gpu.size()) {
      out.add("rows: CPU " + cpu.size() + ", GPU " + gpu.size());
      return out;
    }
    for (int i = 0; i < cpu.size(); i++) {
      AccuracyPass.Result a = cpu.get(i);
      AccuracyPass.Result b = gpu.get(i);
      String what = a.key() + " " + a.variant();
      if (!a.key().equals(b.key()) || !a.variant().equals(b.variant())) {
        out.add(what + ": the GPU has " + b.key() + " " + b.variant());
        continue;
      }
      ErrorStats x = a.stats();
      ErrorStats y = b.stats();
      long[] cx = {x.n(), x.nanIn(), x.infIn(), x.nanOut(), x.special(), x.specialMismatch(),
          x.compared()};
      long[] cy = {y.n(), y.nanIn(), y.infIn(), y.nanOut(), y.special(), y.specialMismatch(),
          y.compared()};
      if (!java.util.Arrays.equals(cx, cy)) {
        out.add(what + ": counts " + java.util.Arrays.toString(cx) + " vs "
            + java.util.Arrays.toString(cy));
      }
      double[][] exact = {{x.maxAbsErr(), y.maxAbsErr()}, {x.maxRelErr(), y.maxRelErr()},
          {x.maxUlp(), y.maxUlp()}, {x.sparsityOut(), y.sparsityOut()}};
      for (double[] m : exact) {
        if (Double.doubleToLongBits(m[0]) != Double.doubleToLongBits(m[1])) {
          out.add(what + ": a maximum or count differs: " + m[0] + " vs " + m[1]);
        }
      }
      double[][] sums = {{x.meanAbsErr(), y.meanAbsErr()}, {x.rmse(), y.rmse()},
          {x.cosSim(), y.cosSim()}, {x.snrDb(), y.snrDb()}};
      for (double[] m : sums) {
        boolean same = Double.doubleToLongBits(m[0]) == Double.doubleToLongBits(m[1])
            || Math.abs(m[0] - m[1]) <= 1e-12 * Math.max(Math.abs(m[0]), Math.abs(m[1]));
        if (!same) {
          out.add(what + ": a metric from sums differs beyond 1e-12: " + m[0] + " vs " + m[1]);
        }
      }
    }
    return out;
  }
}

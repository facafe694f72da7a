package io.ablate.selfcheck;

import io.ablate.accuracy.AccuracyPass;
import io.ablate.accuracy.AccuracyPlan;
import io.ablate.accuracy.ErrorStats;
import io.ablate.activation.Catalogue;
import io.ablate.activation.Variant;
import io.ablate.dataset.ActivationDataset;
import io.ablate.dataset.Generator;
import io.ablate.encoding.Dtype;
import io.ablate.profile.Profile;
import io.ablate.profile.ProfilePass;
import io.ablate.profile.ProfilePlan;
import io.ablate.sketch.QuantileSketch;
import io.ablate.spark.ActivationFunctions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The passes in a Spark session whose queries the RAPIDS Accelerator runs on the GPU (test mode:
 * a query with any operator left on the CPU fails): every SQL function over a Parquet table of
 * several batches against the same query on the CPU, and both passes' GPU plans against the CPU,
 * metric by metric ({@link #compare}, {@link #compareProfiles}).
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

  /** The mismatches of each pass's GPU plan against the CPU (empty when they agree). */
  record Passes(List<String> accuracy, List<String> profiles) {}

  /**
   * Both passes on their GPU plans and on the CPU over generated data of every binary dtype: the
   * accuracy plan against the CPU pass ({@link #compare}); the profile plan against the CPU pass
   * for the exact statistics and against the same plan on the functions' CPU forms for the
   * sketches ({@link #compareProfiles}).
   */
  static Passes passes(SparkSession spark, Path dir) {
    ActivationFunctions.register(spark);
    List<String> accuracy = new ArrayList<>();
    List<String> profiles = new ArrayList<>();
    List<Variant> variants = Catalogue.variants(VARIANTS);
    for (Dtype dtype : Dtype.values()) {
      String path = dir.resolve("acts-" + dtype.label()).toString();
      new Generator(new Generator.Spec(400, 96, 3, "m", "c", 7, true, dtype, 0, 1, 0.25,
          List.of(), List.of("ffn.pre", "ffn.gate_up"), 4)).generate(spark).write()
          .parquet(path);
      ActivationDataset data = ActivationDataset.open(spark, path,
          ActivationDataset.OnBadFile.FAIL);
      List<AccuracyPass.Result> cpu = new AccuracyPass(variants, Catalogue.variant("gelu"),
          Catalogue.variant("swiglu")).run(data);
      List<AccuracyPass.Result> gpu = new AccuracyPlan(variants, Catalogue.variant("gelu"),
          Catalogue.variant("swiglu")).run(data, "gpu");
      compare(cpu, gpu).forEach(p -> accuracy.add(dtype.label() + ": " + p));
      List<Profile> pass = new ProfilePass(variants, QuantileSketch.DEFAULT_K).run(data);
      List<Profile> onGpu = new ProfilePlan(variants, QuantileSketch.DEFAULT_K).run(data);
      SparkSession cpuSession = spark.newSession();
      cpuSession.conf().set("spark.rapids.sql.enabled", "false");
      ActivationFunctions.register(cpuSession);
      List<Profile> onCpu = new ProfilePlan(variants, QuantileSketch.DEFAULT_K).run(
          ActivationDataset.open(cpuSession, path, ActivationDataset.OnBadFile.FAIL));
      compareProfiles(pass, onGpu, onCpu).forEach(p -> profiles.add(dtype.label() + ": " + p));
    }
    return new Passes(accuracy, profiles);
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

  /**
   * The profile plan's profiles on the GPU against the CPU pass's: the same keys; counts, zeros,
   * extremes exact; mean and m2, m4 within 1e-12 relative, skewness within 1e-9 (a vector's power
   * sums are float64 sums on the GPU, exact lanes on the CPU); outliers within 1 (a count of
   * values beyond mean ± 6σ, so a σ a rounding away may move a value in a threshold's bucket);
   * and the sketches, built from the exact histogram, the same bytes as the plan's on the CPU
   * forms ({@code planOnCpu}). The mismatches, described; empty when they agree.
   */
  static List<String> compareProfiles(List<Profile> pass, List<Profile> gpu,
      List<Profile> planOnCpu) {
    List<String> out = new ArrayList<>();
    if (pass.size() != gpu.size() || gpu.size() != planOnCpu.size()) {
      out.add("profiles: CPU pass " + pass.size() + ", GPU plan " + gpu.size()
          + ", plan on the CPU " + planOnCpu.size());
      return out;
    }
    for (int i = 0; i < pass.size(); i++) {
      Profile a = pass.get(i);
      Profile b = gpu.get(i);
      String what = a.describe();
      if (!what.equals(b.describe())) {
        out.add(what + ": the GPU has " + b.describe());
        continue;
      }
      long[] cx = {a.n(), a.zeros(), a.nans(), a.infs()};
      long[] cy = {b.n(), b.zeros(), b.nans(), b.infs()};
      if (!java.util.Arrays.equals(cx, cy)
          || Double.doubleToLongBits(a.min()) != Double.doubleToLongBits(b.min())
          || Double.doubleToLongBits(a.max()) != Double.doubleToLongBits(b.max())) {
        out.add(what + ": counts or extremes " + java.util.Arrays.toString(cx) + " " + a.min()
            + " " + a.max() + " vs " + java.util.Arrays.toString(cy) + " " + b.min() + " "
            + b.max());
      }
      double[][] moments = {{a.mean(), b.mean()}, {a.m2(), b.m2()}, {a.m4(), b.m4()}};
      for (double[] m : moments) {
        if (!within(m[0], m[1], 1e-12 * Math.max(Math.abs(m[0]), Math.abs(m[1])))) {
          out.add(what + ": a moment differs beyond 1e-12: " + m[0] + " vs " + m[1]);
        }
      }
      if (!within(a.skewness(), b.skewness(), 1e-9)) {
        out.add(what + ": skewness " + a.skewness() + " vs " + b.skewness());
      }
      if (Math.abs(a.outliers() - b.outliers()) > 1) {
        out.add(what + ": outliers " + a.outliers() + " vs " + b.outliers());
      }
      if (!java.util.Arrays.equals(b.sketch(), planOnCpu.get(i).sketch())) {
        out.add(what + ": the GPU plan's sketch differs from the plan's on the CPU");
      }
    }
    return out;
  }

  private static boolean within(double x, double y, double tolerance) {
    return Double.doubleToLongBits(x) == Double.doubleToLongBits(y) || Math.abs(x - y) <= tolerance;
  }
}

package io.ablate.selfcheck;

import ai.rapids.cudf.Cuda;
import ai.rapids.cudf.Rmm;
import ai.rapids.cudf.RmmAllocationMode;
import io.ablate.activation.Activation;
import io.ablate.activation.Catalogue;
import io.ablate.activation.Variant;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;

/**
 * The GPU self-check: on a machine with an NVIDIA GPU, every catalogue variant's GPU form against
 * its CPU form on device columns of every shape ({@link Cases}, {@link DeviceCheck}), the vector
 * helpers on a sliced view, device memory back at its starting level afterwards, then the SQL
 * functions and the accuracy pass in a Spark session that runs them on the GPU
 * ({@link PlanCheck}). One row per check, a verdict each.
 */
public final class GpuCheck {
  private GpuCheck() {}

  /** One check: what, on which form, the largest difference in float32 ulps, the verdict. */
  public record Line(String variant, String form, double maxUlp, String verdict) {
    public boolean ok() {
      return verdict.equals("ok");
    }
  }

  /** Why no GPU can be used here, or empty when one can. */
  public static Optional<String> unavailable() {
    try {
      int devices = Cuda.getDeviceCount();
      return devices > 0 ? Optional.empty() : Optional.of("no CUDA device found");
    } catch (Throwable t) { // no native library, no driver: no GPU
      return Optional.of(t.getClass().getSimpleName() + ": " + t.getMessage());
    }
  }

  /** The variants checked: the catalogue at fp32 (rational with example parameters), and reduced precisions. */
  static List<Variant> variants() {
    List<Variant> out = new ArrayList<>();
    for (Activation a : Catalogue.all()) {
      out.add(Catalogue.variant(a.name().equals("rational")
          ? "rational(p=[0.02,0.5,1.6,1.2,0.5,0.02],q=[2.4,0,1,0])" : a.name()));
    }
    out.addAll(Catalogue.variants("gelu@bf16;gelu@fp16;gelu@fp8_e4m3;gelu@fp8_e5m2;"
        + "gelu@int8(scale=0.05);swiglu@bf16;silu@fp8_e4m3"));
    return out;
  }

  /** Runs every check; progress lines on {@code progress}. Needs a GPU. */
  public static List<Line> run(Path scratch, PrintStream progress) {
    List<Line> lines = new ArrayList<>();
    if (!Rmm.isInitialized()) {
      Rmm.initialize(RmmAllocationMode.CUDA_DEFAULT, null, 0);
    }
    long before = Rmm.getTotalBytesAllocated();
    long seed = 1;
    for (Variant v : variants()) {
      for (Cases.Shape shape : Cases.Shape.values()) {
        if (shape.gated() != v.gated() || (v.gated() && shape == Cases.Shape.DOUBLE)) {
          continue;
        }
        lines.add(line(v, shape.name().toLowerCase(java.util.Locale.ROOT),
            () -> DeviceCheck.run(v, shape, 200, seed)));
      }
      progress.println("  " + v.name() + ": device columns checked");
    }
    for (String name : List.of("gelu", "swiglu")) {
      Variant v = Catalogue.variant(name);
      lines.add(line(v, "sliced view", () -> DeviceCheck.slicedView(v, 3)));
    }
    long leaked = Rmm.getTotalBytesAllocated() - before;
    lines.add(new Line("-", "device memory", Double.NaN, leaked == 0 ? "ok"
        : "FAIL: " + leaked + " bytes still allocated"));
    Rmm.shutdown(); // the plugin initialises its own pool
    SparkSession spark = PlanCheck.gpuSession();
    try {
      List<String> functions = PlanCheck.functions(spark, scratch);
      lines.add(new Line(PlanCheck.VARIANTS, "SQL functions on Spark", Double.NaN,
          verdict(functions)));
      progress.println("  SQL functions on the GPU checked");
      PlanCheck.Passes passes = PlanCheck.passes(spark, scratch);
      lines.add(new Line(PlanCheck.VARIANTS, "accuracy pass --engine gpu vs cpu", Double.NaN,
          verdict(passes.accuracy())));
      lines.add(new Line(PlanCheck.VARIANTS, "profile pass --engine gpu vs cpu", Double.NaN,
          verdict(passes.profiles())));
      progress.println("  both passes on the GPU checked");
    } finally {
      spark.stop();
    }
    return lines;
  }

  private static String verdict(List<String> problems) {
    return problems.isEmpty() ? "ok" : "FAIL: " + String.join("; ", problems);
  }

  private interface Check {
    Compare.Result run();
  }

  private static Line line(Variant v, String form, Check check) {
    try {
      Compare.Result r = check.run();
      return new Line(v.name(), form, r.maxUlp(), r.ok() ? "ok" : "FAIL: " + r.problem());
    } catch (RuntimeException | Error e) {
      return new Line(v.name(), form, Double.NaN, "FAIL: " + e);
    }
  }
}

package io.ablate.accuracy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ablate.activation.Catalogue;
import io.ablate.dataset.ActivationDataset;
import io.ablate.dataset.TestData;
import io.ablate.encoding.Dtype;
import io.ablate.spark.ActivationFunctions;
import io.ablate.spark.GpuPlacement;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proof of placement of the whole accuracy plan, without a GPU: the RAPIDS plugin in explain-only
 * mode with the CPU bridge off places every operator and expression of the plan on the GPU (the
 * scan, the filters, the projections of Ablate's functions and the per-vector reductions), for
 * array datasets and binary f32, bf16 and f16 ones, elementwise and gated sites, full-precision
 * and reduced-precision variants. A variant without a GPU form is named, with the plugin's reason.
 */
class AccuracyPlanPlacementTest {
  @TempDir
  static Path dir;
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = GpuPlacement.explainOnlySession("local[2]");
    ActivationFunctions.register(spark);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static ActivationDataset dataset(String name, boolean binary, Dtype dtype) {
    return TestData.generated(spark, dir, name, 16, 8, binary, dtype);
  }

  private static String report(ActivationDataset data, String variants) {
    return GpuPlacement.report(new AccuracyPlan(Catalogue.variants(variants),
        Catalogue.variant("gelu"), Catalogue.variant("swiglu")).plan(data));
  }

  @Test
  void theWholePlanIsPlacedOnTheGpuForEveryEncoding() {
    String variants = "gelu_tanh;silu;relu;gelu@bf16;gelu@fp8_e4m3;gelu@fp16;"
        + "gelu@int8(scale=0.05);swiglu;swiglu@bf16;geglu";
    for (Object[] c : new Object[][] {{"array", false, Dtype.F32}, {"f32", true, Dtype.F32},
        {"bf16", true, Dtype.BF16}, {"f16", true, Dtype.F16}}) {
      String report = report(dataset((String) c[0], (Boolean) c[1], (Dtype) c[2]), variants);
      assertEquals(List.of(), GpuPlacement.notOnGpu(report), c[0] + ":\n" + report);
      for (String node : List.of("*Exec <FileSourceScanExec>", "*Exec <ProjectExec>",
          "*Exec <FilterExec>", "*Exec <UnionExec>", "*Expression <ScalaUDF> ablate_error_group",
          "*Expression <ScalaUDF> ablate_reference(gelu)",
          "*Expression <ScalaUDF> ablate_reference(swiglu)",
          "*Expression <ScalaUDF> act(gelu@bf16)", "*Expression <ScalaUDF> act(swiglu)")) {
        assertTrue(report.lines().anyMatch(l -> l.trim().startsWith(node)), c[0] + ": no " + node
            + "\n" + report);
      }
      if ((Boolean) c[1]) {
        assertTrue(report.contains("*Expression <ScalaUDF> ablate_vector(" + ((Dtype) c[2])
            .label() + ")"), report);
      }
    }
  }

  @Test
  void aVariantWithoutAGpuFormRunsInABranchOfItsOwnAndIsNamedWithTheReason() {
    String report = report(dataset("dynamic", false, Dtype.F32), "gelu_tanh;gelu@int8");
    List<String> cannot = GpuPlacement.cannotRunOnGpu(report);
    assertTrue(cannot.stream().anyMatch(l -> l.contains("act(gelu@int8)")
        && l.contains("cannot run on GPU because")), report);
    // The other variants' projection stays on the GPU.
    assertTrue(report.lines().anyMatch(l -> l.trim().startsWith(
        "*Expression <ScalaUDF> act(gelu_tanh)")), report);
    assertTrue(cannot.stream().noneMatch(l -> l.contains("gelu_tanh")), report);
  }
}

package io.ablate.profile;

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
 * Proof of placement of the profile plans, without a GPU: the RAPIDS plugin in explain-only mode
 * with the CPU bridge off places every operator and expression of both plans on the GPU (the
 * scan, the filters, the projections of Ablate's functions, the per-vector reductions, the
 * explode of the histogram codes and their counting aggregation with its shuffle), for array
 * datasets and binary f32, bf16 and f16 ones, elementwise and gated sites, full-precision and
 * reduced-precision variants; a variant without a GPU form is named, with the plugin's reason.
 */
class ProfilePlanPlacementTest {
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

  @Test
  void bothPlansArePlacedOnTheGpuForEveryEncoding() {
    ProfilePlan plan = new ProfilePlan(Catalogue.variants("gelu_tanh;silu;relu;gelu@bf16;"
        + "gelu@fp8_e4m3;gelu@fp16;gelu@int8(scale=0.05);swiglu;swiglu@bf16;geglu"), 64);
    for (Object[] c : new Object[][] {{"array", false, Dtype.F32}, {"f32", true, Dtype.F32},
        {"bf16", true, Dtype.BF16}, {"f16", true, Dtype.F16}}) {
      ActivationDataset data = dataset((String) c[0], (Boolean) c[1], (Dtype) c[2]);
      String statistics = GpuPlacement.report(plan.statistics(data));
      String histogram = GpuPlacement.report(plan.histogram(data));
      assertEquals(List.of(), GpuPlacement.notOnGpu(statistics), c[0] + ":\n" + statistics);
      assertEquals(List.of(), GpuPlacement.notOnGpu(histogram), c[0] + ":\n" + histogram);
      for (String node : List.of("*Exec <FileSourceScanExec>", "*Exec <ProjectExec>",
          "*Exec <FilterExec>", "*Exec <UnionExec>", "*Expression <ScalaUDF> ablate_value_group",
          "*Expression <ScalaUDF> act(gelu@bf16)", "*Expression <ScalaUDF> act(swiglu)")) {
        assertTrue(statistics.lines().anyMatch(l -> l.trim().startsWith(node)), c[0] + ": no "
            + node + "\n" + statistics);
      }
      for (String node : List.of("*Exec <FileSourceScanExec>", "*Exec <GenerateExec>",
          "*Exec <HashAggregateExec>", "*Exec <ShuffleExchangeExec>",
          "*Expression <ScalaUDF> ablate_value_buckets(0)", "*Expression <Concat>",
          "*Expression <ScalaUDF> act(geglu)")) {
        assertTrue(histogram.lines().anyMatch(l -> l.trim().startsWith(node)), c[0] + ": no "
            + node + "\n" + histogram);
      }
      if ((Boolean) c[1]) {
        String decode = "*Expression <ScalaUDF> ablate_vector(" + ((Dtype) c[2]).label() + ")";
        assertTrue(statistics.contains(decode) && histogram.contains(decode), statistics);
      }
    }
  }

  @Test
  void aVariantWithoutAGpuFormRunsInABranchOfItsOwnAndIsNamedWithTheReason() {
    ProfilePlan plan = new ProfilePlan(Catalogue.variants("gelu_tanh;gelu@int8"), 64);
    ActivationDataset data = dataset("dynamic", false, Dtype.F32);
    for (String report : List.of(GpuPlacement.report(plan.statistics(data)),
        GpuPlacement.report(plan.histogram(data)))) {
      List<String> cannot = GpuPlacement.cannotRunOnGpu(report);
      assertTrue(cannot.stream().anyMatch(l -> l.contains("act(gelu@int8)")
          && l.contains("cannot run on GPU because")), report);
      assertTrue(report.lines().anyMatch(l -> l.trim().startsWith(
          "*Expression <ScalaUDF> act(gelu_tanh)")), report);
      assertTrue(cannot.stream().noneMatch(l -> l.contains("gelu_tanh")), report);
    }
  }
}

package io.ablate.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ablate.activation.Activation;
import io.ablate.activation.Catalogue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proof of GPU placement without a GPU: the RAPIDS plugin in explain-only mode, CPU bridge off,
 * plans queries over scalar, array and binary columns of a Parquet table; every registered
 * activation must be marked {@code *} (runs on the GPU), and a plain UDF without a GPU form must not.
 */
class GpuPlacementTest {
  @TempDir
  static Path dir;
  private static SparkSession spark;

  @BeforeAll
  static void start() throws Exception {
    spark = GpuPlacement.explainOnlySession("local[2]");
    ActivationFunctions.register(spark);
    spark.udf().register("plain_udf", (UDF1<Float, Float>) x -> x, DataTypes.FloatType);
    Path table = dir.resolve("t.parquet");
    spark.sql("SELECT CAST(id AS FLOAT) AS x, CAST(id AS DOUBLE) AS d, "
        + "CAST(array(id, id + 1, id + 2, id + 3) AS ARRAY<FLOAT>) AS v, "
        + "CAST(array(id, id + 1) AS ARRAY<FLOAT>) AS g, CAST(array(id, id) AS ARRAY<FLOAT>) AS u, "
        + "CAST(repeat('abcd', 4) AS BINARY) AS b FROM range(16)")
        .write().parquet(table.toString());
    assertTrue(Files.exists(table));
    spark.read().parquet(table.toString()).createOrReplaceTempView("t");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void everyActivationRunsOnTheGpuOverScalarArrayAndBinaryColumns() {
    List<String> calls = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (Activation a : Catalogue.all()) {
      String f = a.name().equals("rational") ? "act('rational(p=[0,1],q=[1])'" : a.name() + "(";
      String sep = a.name().equals("rational") ? ", " : "";
      if (a.kind() == Activation.Kind.GATED) {
        calls.addAll(List.of(f + sep + "v)", f + sep + "g, u)", f + sep + "x, x)", f + sep + "b)",
            f + sep + "b, 'bf16')"));
      } else {
        calls.addAll(List.of(f + sep + "x)", f + sep + "d)", f + sep + "v)", f + sep + "b)",
            f + sep + "b, 'bf16')"));
      }
      names.add(a.name().equals("rational") ? "act(rational(p=[0,1],q=[1]))" : a.name());
    }
    calls.add("act('gelu@bf16', v)");
    calls.add("act('silu@fp8_e4m3', x)");
    calls.add("act('gelu_tanh@int8(scale=0.05)', v)");
    String report = GpuPlacement.report(spark.sql("SELECT " + String.join(", ", calls) + " FROM t"));
    Map<String, GpuPlacement.Placement> udfs = GpuPlacement.udfs(report);
    for (String name : names) {
      GpuPlacement.Placement p = udfs.get(name);
      assertTrue(p != null, name + " not in the report:\n" + report);
      assertEquals(GpuPlacement.Where.GPU, p.where(), name + ": " + p.reason());
    }
    for (String n : List.of("act(gelu@bf16)", "act(silu@fp8_e4m3)", "act(gelu_tanh@int8(scale=0.05))")) {
      assertEquals(GpuPlacement.Where.GPU, udfs.get(n).where(), n + "\n" + report);
    }
    // No ScalaUDF in the report is anywhere but on the GPU (every array/binary/scalar call above).
    long notOnGpu = report.lines().filter(l -> l.contains("<ScalaUDF>") && !l.trim().startsWith("*"))
        .count();
    assertEquals(0, notOnGpu, report);
  }

  @Test
  void aPlainUdfWithoutAGpuFormIsNotPlacedOnTheGpu() {
    String report = GpuPlacement.report(spark.sql("SELECT plain_udf(x) FROM t"));
    GpuPlacement.Placement plain = GpuPlacement.udfs(report).get("plain_udf");
    assertEquals(GpuPlacement.Where.CPU, plain.where(), report);
    assertTrue(plain.reason().contains("cannot run on GPU"), plain.reason());
    String ours = GpuPlacement.report(spark.sql("SELECT gelu(x) FROM t"));
    assertEquals(GpuPlacement.Where.GPU, GpuPlacement.udfs(ours).get("gelu").where(), ours);
  }
}

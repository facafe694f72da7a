package io.ablate.latency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ablate.AblateException;
import io.ablate.activation.Catalogue;
import io.ablate.dataset.ActivationDataset;
import io.ablate.encoding.Dtype;
import io.ablate.dataset.Generator;
import io.ablate.dataset.VectorReader;
import io.ablate.kernel.Simd;
import io.ablate.testing.LocalSpark;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The latency pass over a generated dataset on local[2] (with Kryo, as on clusters): one row per
 * variant × implementation that can run here, on the right site's values, with consistent derived
 * columns and samples merged over partitions. No assertion depends on how fast anything is.
 */
class LatencyPassTest {
  @TempDir
  static Path dir;
  private static SparkSession spark;
  private static ActivationDataset dataset;
  private static LatencyPass.Result result;

  static final String VARIANTS = "gelu;gelu_tanh;relu;silu;gelu@bf16;gelu@int8;swiglu;swiglu@bf16;"
      + "geglu";
  /** Have a PyTorch (DJL) form: fp32 elementwise variants DjlPeer knows. */
  static final Set<String> WITH_DJL = Set.of("gelu", "gelu_tanh", "relu", "silu");
  static final int BATCH = 3000;
  static final int REPS = 4;
  static final int DIM = 40;

  @BeforeAll
  static void run() {
    spark = LocalSpark.builder("latency-pass")
        .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
        // one file per read partition (small files are otherwise packed together)
        .config("spark.sql.files.maxPartitionBytes", "16k").getOrCreate();
    String path = dir.resolve("acts").toString();
    // 4 partitions: 2 of ffn.pre rows, 2 of ffn.gate_up rows ([gate | up], 2·DIM values)
    new Generator(new Generator.Spec(100, DIM, 2, "m", "c0", 5, true, Dtype.F32, 0, 1, 0.25,
        List.of(), List.of("ffn.pre", "ffn.gate_up"), 4)).generate(spark).write().parquet(path);
    dataset = ActivationDataset.open(spark, path, ActivationDataset.OnBadFile.FAIL);
    result = new LatencyPass(Catalogue.variants(VARIANTS), BATCH, REPS, 20).run(dataset);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static List<LatencyRow> rows(String variant) {
    return result.rows().stream().filter(r -> r.variant().equals(variant)).toList();
  }

  @Test
  void everyVariantHasItsImplementationsAndNoFakeOnes() {
    assertTrue(Simd.available(), "surefire runs with --add-modules jdk.incubator.vector");
    for (String v : VARIANTS.split(";")) {
      Set<String> impls = rows(v).stream().map(LatencyRow::impl).collect(Collectors.toSet());
      Set<String> expected = WITH_DJL.contains(v) ? Set.of("scalar", "simd", "djl")
          : Set.of("scalar", "simd");
      if (!noGpuHere()) {
        expected = new java.util.HashSet<>(expected);
        expected.add("gpu");
      }
      // one executor (the driver in local mode): one row per variant × impl
      assertEquals(expected, impls, v + ": " + rows(v));
      assertEquals(expected.size(), rows(v).size(), v + ": " + rows(v));
    }
    // why the others were not timed
    assertTrue(result.notes().stream().anyMatch(n -> n.startsWith("djl not timed: swiglu:")),
        result.notes().toString());
    assertTrue(result.notes().stream().anyMatch(n -> n.startsWith("djl not timed: gelu@bf16:")),
        result.notes().toString());
    if (noGpuHere()) {
      assertTrue(result.notes().stream().anyMatch(n -> n.startsWith("gpu not timed: no GPU: no "
          + "NVIDIA driver")), result.notes().toString());
    }
    // rows sorted by variant in the order given, then scalar, simd, djl, gpu
    List<String> order = result.rows().stream().map(r -> r.variant() + "/" + r.impl()).toList();
    assertEquals("gelu/scalar", order.get(0));
    assertEquals("gelu/simd", order.get(1));
    assertEquals("gelu/djl", order.get(2));
    assertTrue(order.get(order.size() - 1).startsWith("geglu/"), order.toString());
  }

  @Test
  void valuesAreSaneAndConsistent() throws Exception {
    String host = InetAddress.getLocalHost().getHostName();
    String device = KernelTimer.cpuModel() + " simd=" + Simd.preferredBits();
    for (LatencyRow r : result.rows()) {
      String what = r.toString();
      assertTrue(r.nsPerElemP50() > 0 && Double.isFinite(r.nsPerElemP99()), what);
      assertTrue(r.nsPerElemP50() <= r.nsPerElemP95() && r.nsPerElemP95() <= r.nsPerElemP99(),
          what);
      assertEquals(1e9, r.elemsPerSec() * r.nsPerElemP50(), 1e-3, what);
      assertEquals(r.elemsPerSec() * r.bytesPerElem(), r.bytesPerSec(), 1e-6 * r.bytesPerSec(),
          what);
      assertEquals(r.bytesPerSec() / r.rooflineBytesPerSec(), r.rooflineFrac(), 1e-12, what);
      // a copy bandwidth in bytes/s (not bits, not GB): between 1 GB/s and 1 TB/s
      assertTrue(r.rooflineBytesPerSec() > 1e9 && r.rooflineBytesPerSec() < 1e12, what);
      assertTrue(r.rooflineFrac() > 0 && r.rooflineFrac() < 50, what);
      assertEquals(BATCH, r.batchElems());
      assertEquals("driver", r.executorId());
      assertEquals(host, r.host());
      assertEquals(device, r.device());
      assertEquals(Catalogue.variant(r.variant()).precision().baseName(), r.precision());
    }
    // one executor JVM measures its roofline once
    assertEquals(1, result.rows().stream().map(LatencyRow::rooflineBytesPerSec).distinct().count());
  }

  @Test
  void gatedVariantsAreTimedOnTheGatedSiteAndElementwiseOnesOnTheirs() {
    for (LatencyRow r : result.rows()) {
      boolean gated = Catalogue.variant(r.variant()).gated();
      assertEquals(gated ? "ffn.gate_up" : "ffn.pre", r.site(), r.toString());
      assertEquals(gated ? 12 : 8, r.bytesPerElem(), r.toString());
    }
  }

  @Test
  void samplesOfAllPartitionsAreMerged() {
    // What each partition holds: values of ffn.pre vectors, and gate values of ffn.gate_up ones.
    VectorReader reader = new VectorReader(dataset);
    List<long[]> perPartition = dataset.internalRows()
        .mapPartitions((Iterator<InternalRow> it) -> {
          long[] n = new long[2];
          while (it.hasNext()) {
            InternalRow r = it.next();
            boolean gated = reader.key(r).site().equals("ffn.gate_up");
            float[] x = reader.vector(r);
            n[gated ? 1 : 0] += gated ? x.length / 2 : x.length;
          }
          List<long[]> out = new ArrayList<>();
          out.add(n);
          return out.iterator();
        }).collect();
    for (int site = 0; site < 2; site++) {
      int s = site;
      long partitions = perPartition.stream().filter(n -> n[s] > 0).count();
      long elems = perPartition.stream().mapToLong(n -> Math.min(n[s], BATCH)).sum() * REPS;
      assertEquals(2, partitions); // so the rows below merge two partitions each
      for (LatencyRow r : result.rows()) {
        if (Catalogue.variant(r.variant()).gated() == (site == 1)) {
          assertEquals(partitions * REPS, r.reps(), r.toString());
          assertEquals(elems, r.nElems(), r.toString());
        }
      }
    }
  }

  @Test
  void aGatedVariantWithoutGatedDataIsANoteNotARow() {
    String path = dir.resolve("pre-only").toString();
    new Generator(new Generator.Spec(20, 16, 1, "m", "c0", 5, false, Dtype.F32, 0, 1, 0.25,
        List.of(), List.of("ffn.pre"), 1)).generate(spark).write().parquet(path);
    LatencyPass.Result r = new LatencyPass(Catalogue.variants("relu;swiglu"), 1 << 20, 2, 0).run(
        ActivationDataset.open(spark, path, ActivationDataset.OnBadFile.FAIL));
    assertEquals(Set.of("relu"), r.rows().stream().map(LatencyRow::variant)
        .collect(Collectors.toSet()));
    // the batch is what the data has: 20 rows × 16 values
    assertTrue(r.rows().stream().allMatch(x -> x.nElems() == 20L * 16 * 2), r.rows().toString());
    assertTrue(r.notes().contains("swiglu: not timed, the input has no ffn.gate_up vectors"),
        r.notes().toString());
    assertThrows(AblateException.class, () -> new LatencyPass(Catalogue.variants("relu"), 0, 1));
  }

  private static boolean noGpuHere() {
    return !Files.exists(Path.of("/proc/driver/nvidia/version"))
        && !Files.exists(Path.of("/dev/nvidiactl")) && !Files.exists(Path.of("/dev/dxg"));
  }
}

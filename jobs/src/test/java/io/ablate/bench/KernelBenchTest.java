package io.ablate.bench;

import io.ablate.latency.KernelResult;
import io.ablate.latency.MemoryBandwidth;
import io.ablate.latency.Timing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ablate.activation.Activation;
import io.ablate.activation.Catalogue;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Runs the benchmark at a tiny size: shape and correctness of the rows, never their timings. */
class KernelBenchTest {
  private static List<KernelResult> rows;

  @BeforeAll
  static void runTiny() {
    rows = KernelBench.run(4096, 1, 2, null, 0);
  }

  private static KernelResult row(String activation, String impl) {
    return rows.stream()
        .filter(r -> r.activation().equals(activation) && r.impl().equals(impl))
        .findFirst().orElse(null);
  }

  private static void assertSane(KernelResult r) {
    String what = r.activation() + "/" + r.impl();
    for (double v : new double[] {r.nsPerElemP10(), r.nsPerElemP50(), r.nsPerElemP90(),
        r.elemsPerSec(), r.bytesPerSec(), r.rooflineFrac()}) {
      assertTrue(Double.isFinite(v) && v > 0, what + ": " + r);
    }
    assertTrue(r.nsPerElemP10() <= r.nsPerElemP50() && r.nsPerElemP50() <= r.nsPerElemP90(), what);
  }

  @Test
  void theFasterOfTheLimitsBeforeAndAfterTheKernelsIsTheOneEveryRowIsAgainst() {
    KernelResult before = result("copy", "memcpy", 10e9, 1.0, "first");
    KernelResult kernel = result("relu", "simd", 12e9, 1.2, "");
    KernelResult after = result("copy", "memcpy", 15e9, 1.0, "second");
    List<KernelResult> faster = KernelBench.againstFasterLimit(List.of(before, kernel), before,
        after);
    assertEquals(15e9, faster.get(0).bytesPerSec());
    assertTrue(faster.get(0).note().contains("second") && faster.get(0).note().contains("first"),
        faster.get(0).note());
    assertEquals(0.8, faster.get(1).rooflineFrac(), 1e-12);
    assertTrue(faster.stream().allMatch(r -> r.rooflineFrac() <= 1.0));
    // A slower second measurement changes nothing.
    List<KernelResult> slower = KernelBench.againstFasterLimit(List.of(after, kernel), after,
        before);
    assertEquals(List.of(after, kernel), slower);
  }

  private static KernelResult result(String variant, String impl, double bytesPerSec,
      double frac, String note) {
    return new KernelResult(variant, impl, 1, 1, 1, bytesPerSec / 8, bytesPerSec, frac,
        Double.NaN, note, new double[] {1}, 1);
  }

  @Test
  void everyActivationHasScalarAndSimdRowsMatchingTheReference() {
    assertSane(row("copy", "memcpy"));
    for (Activation a : Catalogue.all()) {
      for (String impl : List.of("scalar", "simd")) {
        KernelResult r = row(a.name(), impl);
        assertNotNull(r, a.name() + " has no " + impl + " row");
        assertSane(r);
        double bytes = a.kind() == Activation.Kind.GATED ? 12 : 8;
        assertEquals(bytes, r.bytesPerSec() / r.elemsPerSec(), 1e-9, a.name());
        // the kernels' own bounds are enforced by the udfs suite; this only catches a wrong row
        assertTrue(r.maxAbsDiff() < 1e-4, a.name() + "/" + impl + ": " + r.maxAbsDiff());
      }
    }
  }

  @Test
  void theCopyRowIsTheBestOfTheStreamingForms() {
    String note = row("copy", "memcpy").note();
    for (String form : MemoryBandwidth.forms().split(", ")) {
      assertTrue(note.contains(form + " "), form + ": " + note);
    }
    assertTrue(note.contains(", the best of "), note);
    assertTrue(KernelBench.markdownTable(rows, "cmd", "machine")
        .contains("Copy bandwidth (the fastest streaming copy, bytes read + written): "));
  }

  @Test
  void simdRowsAreSimdKernelsWhenTheVectorModuleIsLoaded() {
    // surefire runs with --add-modules jdk.incubator.vector
    assertTrue(io.ablate.kernel.Simd.available());
    assertEquals(Catalogue.all().size(), rows.stream().filter(r -> r.impl().equals("simd")).count());
  }

  @Test
  void pytorchRowsComputeTheSameFunctions() {
    Map<String, KernelResult> djl = rows.stream().filter(r -> r.impl().equals("djl"))
        .collect(Collectors.toMap(KernelResult::activation, r -> r));
    assertEquals(Set.of("gelu", "gelu_tanh", "relu", "leaky_relu", "silu", "swish", "mish",
        "softplus", "elu", "sigmoid", "hard_swish"), djl.keySet());
    djl.values().forEach(KernelBenchTest::assertSane);
    assertTrue(djl.get("gelu").maxAbsDiff() < 1e-5, djl.get("gelu").toString());
    assertTrue(djl.get("gelu").note().startsWith("native"), djl.get("gelu").note());
    assertTrue(djl.get("gelu_tanh").note().startsWith("composed"), djl.get("gelu_tanh").note());
    for (KernelResult r : djl.values()) {
      // inputs are normal·3, outputs up to about 15: a few float32 ulps
      assertTrue(r.maxAbsDiff() < 1e-5, r.toString());
      assertTrue(r.note().contains("max abs diff"), r.note());
    }
  }

  @Test
  void djlMishIsNotMish() {
    // documents DJL 0.36's Activation.mish (log2 instead of ln); our composed row avoids it
    assertTrue(row("mish", "djl").note().contains("DJL Activation.mish differs"));
  }

  @Test
  void markdownTableHasOneLinePerVariant() {
    String md = KernelBench.markdownTable(rows, "cmd", "machine");
    assertTrue(md.contains("| variant | scalar M el/s | SIMD M el/s | SIMD/scalar | PyTorch (DJL) M el/s"
        + " | SIMD/PyTorch | SIMD GB/s | of copy bandwidth |"), md);
    long lines = md.lines().filter(l -> l.startsWith("| ") && !l.startsWith("| variant")).count();
    assertEquals(Catalogue.all().size(), lines, md);
    assertTrue(md.contains("| gelu |"), md);
    assertTrue(md.contains("| geglu (gated) |"), md);
    assertTrue(md.contains("(composed)"), md);
    assertFalse(md.contains("NaN"), md);
  }

  @Test
  void machineDescriptionNamesCoresJavaAndSimd() {
    String m = KernelBench.machineDescription();
    assertTrue(m.contains("cores") && m.contains("Java") && m.contains("SIMD"), m);
  }

  @Test
  void percentilesInterpolate() {
    Timing.Stats s = Timing.Stats.of(new double[] {4, 1, 3, 2, 5});
    assertEquals(3, s.p50(), 1e-12);
    assertEquals(1.4, s.p10(), 1e-12);
    assertEquals(4.6, s.p90(), 1e-12);
  }
}

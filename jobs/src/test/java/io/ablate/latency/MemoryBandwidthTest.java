package io.ablate.latency;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ablate.kernel.Simd;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The copy limit: the best of its forms, described, and every form a real copy. Never timings. */
class MemoryBandwidthTest {
  /** Not a multiple of any vector length: the vector form's masked tail copies 3 floats. */
  private static final int ODD = 4099;

  private static float[] random(int n) {
    Random rnd = new Random(7);
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) rnd.nextGaussian();
    }
    return x;
  }

  @Test
  void theVectorFormIsTimedWhenTheModuleIsLoaded() {
    // surefire runs with --add-modules jdk.incubator.vector
    assertTrue(Simd.available());
    assertEquals(List.of(MemoryBandwidth.Form.values()), MemoryBandwidth.Form.available());
  }

  @Test
  void everyFormCopiesEveryFloat() {
    float[] src = random(ODD);
    for (MemoryBandwidth.Form f : MemoryBandwidth.Form.available()) {
      for (int n : new int[] {ODD, 1, 0}) {
        float[] dst = new float[ODD];
        Arrays.fill(dst, Float.NaN);
        f.copy(src, dst, n);
        assertArrayEquals(Arrays.copyOf(src, n), Arrays.copyOf(dst, n), f.label + ", " + n);
        for (int i = n; i < ODD; i++) { // nothing past n is written
          assertTrue(Float.isNaN(dst[i]), f.label + ", " + n + ": wrote dst[" + i + "]");
        }
      }
    }
  }

  @Test
  void theLimitIsTheFastestFormAndNamesEveryForm() {
    float[] src = random(ODD);
    float[] dst = new float[ODD];
    List<KernelResult> forms = MemoryBandwidth.eachForm(src, dst, 1, 3);
    assertArrayEquals(src, dst, "after the measurement");
    assertEquals(MemoryBandwidth.Form.available().size(), forms.size());
    KernelResult limit = MemoryBandwidth.best(forms);
    assertEquals("copy", limit.variant());
    assertEquals("memcpy", limit.impl());
    assertEquals(ODD, limit.elems());
    KernelResult winner = null;
    for (KernelResult f : forms) {
      assertTrue(limit.bytesPerSec() >= f.bytesPerSec(), f.note() + ": " + limit.note());
      assertTrue(limit.note().contains(f.note() + " "), f.note() + ": " + limit.note());
      if (winner == null && f.bytesPerSec() == limit.bytesPerSec()) {
        winner = f;
      }
    }
    assertTrue(winner != null && limit.note().startsWith(winner.note() + ", the best of "),
        limit.note());
    assertSame(winner.samples(), limit.samples());
    assertEquals(8, limit.bytesPerSec() / limit.elemsPerSec(), 1e-9);
    assertTrue(limit.note().endsWith(ODD + " floats (0 MiB), read+written"), limit.note());
  }

  @Test
  void theWinnerIsTheFormWithTheFastestMedianWhereverItIsListed() {
    // ns per float: medians 2, 1 and 4 — the second form is the fastest
    List<KernelResult> forms = List.of(
        MemoryBandwidth.result(new double[] {2, 2, 9}, 1000, "System.arraycopy"),
        MemoryBandwidth.result(new double[] {1, 1, 9}, 1000, "vector load/store"),
        MemoryBandwidth.result(new double[] {4, 0.5, 4}, 1000, "scalar loop"));
    KernelResult limit = MemoryBandwidth.best(forms);
    assertEquals(8e9, limit.bytesPerSec(), 1e-3);
    assertEquals("vector load/store, the best of System.arraycopy 4.0 GB/s, vector load/store "
        + "8.0 GB/s, scalar loop 2.0 GB/s; 1000 floats (0 MiB), read+written", limit.note());
    assertEquals(1.0, limit.rooflineFrac());
  }

  @Test
  void measureCopiesAndDescribesTheLimit() {
    float[] src = random(ODD);
    float[] dst = new float[ODD];
    KernelResult limit = MemoryBandwidth.measure(src, dst, 0, 1);
    assertArrayEquals(src, dst);
    assertTrue(limit.bytesPerSec() > 0 && Double.isFinite(limit.bytesPerSec()), limit.toString());
    for (MemoryBandwidth.Form f : MemoryBandwidth.Form.available()) {
      assertTrue(limit.note().contains(f.label + " "), limit.note());
    }
    assertEquals("System.arraycopy, vector load/store, scalar loop", MemoryBandwidth.forms());
  }

  @Test
  void mismatchedOrEmptyArraysAreRejected() {
    assertThrows(IllegalArgumentException.class,
        () -> MemoryBandwidth.measure(new float[8], new float[7], 0, 1));
    assertThrows(IllegalArgumentException.class,
        () -> MemoryBandwidth.measure(new float[7], new float[8], 0, 1));
    assertThrows(IllegalArgumentException.class,
        () -> MemoryBandwidth.measure(new float[0], new float[0], 0, 1));
  }
}

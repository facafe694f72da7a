package io.ablate.sketch;

import io.ablate.AblateException;
import java.lang.reflect.Field;
import java.util.Random;
import org.apache.datasketches.kll.KllFloatsSketch;
import org.apache.datasketches.kll.KllSketch;
import org.apache.datasketches.memory.Memory;

/**
 * DataSketches KLL float sketches whose content is a function of their inputs alone.
 *
 * <p>A KLL sketch halves a full level by keeping its odd or its even items, a coin flip; the sketch's
 * bytes depend on those flips. DataSketches (6.x, the version Spark 4.2 ships) draws every flip from
 * one JVM-wide {@code java.util.Random} ({@code KllSketch.random}, package-private, created with a
 * time-based seed, no way to pass one's own). Streams are therefore sketched by {@link KllBuilder}
 * (its own generator per sketch), and the few merges of whole sketches go through {@link #merge},
 * which holds one JVM-wide lock and first re-seeds that generator with a seed derived from what is
 * being merged: the flips of a merge then depend only on the two sketches and the seed, and the
 * same merges in the same order give the same bytes in any JVM. Another user of DataSketches KLL
 * merges or updates in the same JVM at the same time (e.g. Spark SQL's {@code kll_sketch_agg})
 * would draw from the same generator and break the repeatability (not the correctness) of both.
 */
public final class SeededKll {
  /** Default k: whylogs moved from 256 to 1024 because small sketches made KS drift erratic. */
  public static final int DEFAULT_K = 1024;

  private static final Random SHARED = sharedRandom();

  private SeededKll() {}

  /** An empty sketch of parameter {@code k} (8 ..  65535). */
  public static KllFloatsSketch empty(int k) {
    if (k < 8 || k > KllSketch.MAX_K) {
      throw AblateException.badInput("sketch k %d is out of range; valid: 8 .. %d", k,
          KllSketch.MAX_K);
    }
    return KllFloatsSketch.newHeapInstance(k);
  }

  /** Merges {@code other} into {@code into} with flips from seed. */
  public static void merge(KllFloatsSketch into, KllFloatsSketch other, long seed) {
    synchronized (SHARED) {
      SHARED.setSeed(seed);
      into.merge(other);
    }
  }

  /** A sketch from its serialised bytes; bad input names what is wrong. */
  public static KllFloatsSketch fromBytes(byte[] bytes, String what) {
    try {
      return KllFloatsSketch.heapify(Memory.wrap(bytes));
    } catch (RuntimeException e) {
      throw AblateException.badInput("%s: not a KLL floats sketch (%s)", what, e.getMessage());
    }
  }

  /** SplitMix64's finaliser: a well-spread seed from (stream, ordinal). */
  public static long seed(long stream, long ordinal) {
    long z = stream + 0x9E3779B97F4A7C15L * (ordinal + 1);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** A stable 64-bit hash of a string (FNV-1a over UTF-16 units), for stream seeds. */
  public static long hash(String s) {
    long h = 0xCBF29CE484222325L;
    for (int i = 0; i < s.length(); i++) {
      h = (h ^ s.charAt(i)) * 0x100000001B3L;
    }
    return h;
  }

  private static Random sharedRandom() {
    try {
      Field f = KllSketch.class.getDeclaredField("random");
      f.setAccessible(true);
      return (Random) f.get(null);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException("this DataSketches version has no KllSketch.random (expected "
          + "datasketches-java 6.x): deterministic KLL sketches are not possible", e);
    }
  }
}

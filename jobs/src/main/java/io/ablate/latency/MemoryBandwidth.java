package io.ablate.latency;

import io.ablate.kernel.Simd;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Single-threaded memory-copy bandwidth of a {@code float[]}, counting the bytes read plus the bytes
 * written (8 per float). This is the roofline the elementwise kernels are compared with: a kernel
 * that reads one array and writes another cannot beat a copy of it.
 *
 * <p>The copy is timed in several streaming forms ({@link Form}) and the limit is the fastest
 * form's median. One form alone is not a limit: kernels that stream the way another form does can
 * beat it (the SIMD identity kernel, a vector load/store loop, ran at 1.10 of
 * {@code System.arraycopy} in a {@code bench --quick} run), and which form is fastest depends on
 * the JVM's copy stub, the CPU, the size and the moment (on a 2-core AVX-512 VM at 4 MiB the three
 * were within a few per cent of each other, and each won some runs).
 */
public final class MemoryBandwidth {
  /** Bytes read plus written per float copied. */
  private static final int BYTES_PER_FLOAT = 8;

  /** Minimum time each form runs on a small chunk, once per JVM, before it is first timed. */
  static final long JIT_WARM_MILLIS = 100;

  private static final Set<Form> WARMED = ConcurrentHashMap.newKeySet();

  private MemoryBandwidth() {}

  /** A way of copying {@code src[0, n)} into {@code dst[0, n)}, in the order the note lists them. */
  enum Form {
    /** The JVM's copy stub, whatever instructions it picks for this CPU and size. */
    ARRAYCOPY("System.arraycopy"),
    /** The preferred float shape's loads and stores, as in the SIMD kernels ({@link VectorCopy}). */
    VECTOR("vector load/store"),
    /** One float at a time as written; C2 may vectorise it with shapes of its own choosing. */
    SCALAR("scalar loop");

    final String label;

    Form(String label) {
      this.label = label;
    }

    void copy(float[] src, float[] dst, int n) {
      switch (this) {
        case ARRAYCOPY -> System.arraycopy(src, 0, dst, 0, n);
        case VECTOR -> VectorCopy.copy(src, dst, n);
        case SCALAR -> scalarCopy(src, dst, n);
      }
    }

    /** The forms this JVM runs: the vector one needs {@code jdk.incubator.vector}. */
    static List<Form> available() {
      return Simd.available() ? List.of(values()) : List.of(ARRAYCOPY, SCALAR);
    }
  }

  /** The forms this JVM times, as a list for prose: "System.arraycopy, vector load/store, …". */
  public static String forms() {
    return Form.available().stream().map(f -> f.label).collect(Collectors.joining(", "));
  }

  private static void scalarCopy(float[] src, float[] dst, int n) {
    for (int i = 0; i < n; i++) {
      dst[i] = src[i];
    }
  }

  /**
   * The limit for arrays of {@code floats} floats (a copy of ones into fresh arrays), with as many
   * passes as give a stable median at small sizes and a handful at large ones.
   */
  public static KernelResult measure(int floats) {
    float[] src = new float[floats];
    Arrays.fill(src, 1f);
    int reps = (int) Math.max(9, Math.min(1001, (64L << 20) / floats));
    return measure(src, new float[floats], Math.max(2, reps / 4), reps);
  }

  /**
   * The limit for copying {@code src} into {@code dst} (same length): every available form timed
   * with {@code warmups} untimed and {@code reps} timed passes (after a JIT warm-up the first time
   * a JVM runs the form); the fastest median, with its samples, and a note naming the winner and
   * every form's figure.
   */
  public static KernelResult measure(float[] src, float[] dst, int warmups, int reps) {
    return best(eachForm(src, dst, warmups, reps));
  }

  /** Every available form's own result (its label as the note), in {@link Form} order. */
  static List<KernelResult> eachForm(float[] src, float[] dst, int warmups, int reps) {
    if (src.length != dst.length) {
      throw new IllegalArgumentException("src and dst differ in length");
    }
    int n = src.length;
    if (n == 0) {
      throw new IllegalArgumentException("nothing to copy");
    }
    List<KernelResult> out = new ArrayList<>();
    for (Form f : Form.available()) {
      // Vector API code outside C2 allocates an object per vector: compile each loop first.
      if (WARMED.add(f)) {
        int c = Math.min(Timing.JIT_CHUNK, n);
        Timing.warmJit(() -> f.copy(src, dst, c), JIT_WARM_MILLIS);
      }
      out.add(result(Timing.samples(() -> f.copy(src, dst, n), warmups, reps, n), n, f.label));
    }
    return out;
  }

  /**
   * The fastest of {@code forms} (each with its label as the note, all of one size), its note
   * replaced by the description of the limit.
   */
  static KernelResult best(List<KernelResult> forms) {
    KernelResult win = forms.get(0);
    StringBuilder figures = new StringBuilder();
    for (KernelResult f : forms) {
      if (f.bytesPerSec() > win.bytesPerSec()) {
        win = f;
      }
      figures.append(figures.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT,
          "%s %.1f GB/s", f.note(), f.bytesPerSec() / 1e9));
    }
    long n = win.elems();
    String note = String.format(Locale.ROOT, "%s, the best of %s; %d floats (%.0f MiB), "
        + "read+written", win.note(), figures, n, n * 4.0 / (1 << 20));
    if (!Simd.available()) {
      note += "; no vector form: SIMD " + Simd.describe();
    }
    return result(win.samples(), n, note);
  }

  /** The copy row of {@code n}-float passes timed at {@code ns} per float. */
  static KernelResult result(double[] ns, long n, String note) {
    Timing.Stats s = Timing.Stats.of(ns);
    double elemsPerSec = 1e9 / s.p50();
    return new KernelResult("copy", "memcpy", s.p50(), s.p10(), s.p90(), elemsPerSec,
        elemsPerSec * BYTES_PER_FLOAT, 1.0, Double.NaN, note, ns, n);
  }
}

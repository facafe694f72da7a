package io.ablate.bench;

import io.ablate.activation.Activation;
import io.ablate.activation.Catalogue;
import io.ablate.activation.Param;
import io.ablate.activation.Variant;
import io.ablate.kernel.Kernel;
import io.ablate.kernel.PrecisionKernel;
import io.ablate.kernel.Simd;
import io.ablate.latency.DjlPeer;
import io.ablate.latency.IsolatedScalar;
import io.ablate.latency.KernelResult;
import io.ablate.latency.KernelTimer;
import io.ablate.latency.MemoryBandwidth;
import io.ablate.latency.Timing;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Single-threaded kernel benchmark: every catalogue activation's scalar and SIMD kernels over one
 * large float array, against the memory-copy roofline and, where PyTorch has the function, against
 * PyTorch through DJL on one thread.
 *
 * <p>Each measurement is whole passes over {@code elems} floats (inputs: normal·3, fixed seed),
 * after a JIT warm-up (the kernel called on a small chunk until C2 has compiled it) and warm-up
 * passes; the summary is the median and the 10th/90th percentiles of ns per element.
 * Bytes are counted as the minimum traffic: 4 read + 4 written per element for elementwise
 * activations, 8 read + 4 written for gated ones, 4 + 4 for the copy. Every row is also checked
 * against the float64 reference on its first {@value DjlPeer#VERIFY} elements. Scalar kernels are
 * measured through {@link IsolatedScalar}, so that their speed does not depend on how many other
 * activations ran before them in the JVM.
 */
public final class KernelBench {
  /** Default input size: 16 Mi floats (64 MiB per array, well beyond the caches). */
  public static final int DEFAULT_ELEMS = 16_777_216;

  /** Spec used for activations whose parameters have no defaults. */
  static final Map<String, String> EXAMPLE_SPECS = Map.of(
      "rational", "rational(p=[0.0218,0.5,1.5957,1.1915,0.5,0.0218],q=[2.383,0.0,1.0,0.0])");

  /** Minimum time each kernel is called on a small chunk before it is timed (JIT warm-up). */
  static final long DEFAULT_JIT_WARM_MILLIS = 300;

  private static final long SEED = 20240601L;

  private KernelBench() {}

  /** The variant benchmarked for an activation: its defaults, or the example spec. */
  static Variant variantOf(Activation a) {
    String spec = EXAMPLE_SPECS.get(a.name());
    if (spec == null) {
      for (Param p : a.params()) {
        if (p.defaultValue() == null) {
          throw new IllegalStateException("no benchmark spec for " + a.name()
              + ", whose parameter " + p.name() + " has no default: add one to EXAMPLE_SPECS");
        }
      }
      spec = a.name();
    }
    return Catalogue.variant(spec);
  }

  /** Catalogue variants, elementwise ones first, each group in catalogue (name) order. */
  static List<Variant> variants() {
    List<Variant> out = new ArrayList<>();
    for (Activation.Kind kind : Activation.Kind.values()) {
      for (Activation a : Catalogue.all()) {
        if (a.kind() == kind) {
          out.add(variantOf(a));
        }
      }
    }
    return out;
  }

  /**
   * Runs the benchmark.
   *
   * @param elems floats per pass (and per array)
   * @param warmups untimed passes before each measurement
   * @param reps timed passes per measurement
   * @param progress where each row is printed as it is measured (may be null)
   */
  public static List<KernelResult> run(int elems, int warmups, int reps, PrintStream progress) {
    return run(elems, warmups, reps, progress, DEFAULT_JIT_WARM_MILLIS);
  }

  /** As {@link #run(int, int, int, PrintStream)}, with the JIT warm-up per kernel (0: none). */
  public static List<KernelResult> run(int elems, int warmups, int reps, PrintStream progress,
      long jitWarmMillis) {
    if (elems <= 0 || warmups < 0 || reps <= 0) {
      throw new IllegalArgumentException("need elems > 0, warmups >= 0, reps > 0");
    }
    PrintStream log = progress != null ? progress : new PrintStream(PrintStream.nullOutputStream());
    log.printf(Locale.ROOT, "kernel bench: %d floats, %d warm-up and %d timed passes; %s%n", elems,
        warmups, reps, machineDescription());

    Random rnd = new Random(SEED);
    float[] x = new float[elems];
    float[] up = new float[elems];
    float[] out = new float[elems];
    for (int i = 0; i < elems; i++) {
      x[i] = (float) (rnd.nextGaussian() * 3);
    }
    for (int i = 0; i < elems; i++) {
      up[i] = (float) (rnd.nextGaussian() * 3);
    }

    List<KernelResult> rows = new ArrayList<>();
    KernelResult copy = MemoryBandwidth.measure(x, out, warmups, reps);
    double copyBps = copy.bytesPerSec();

    DjlPeer djl = null;
    try {
      djl = DjlPeer.open();
      log.println("PyTorch peer: " + djl.engineInfo());
      copy = withNote(copy, copy.note() + String.format(Locale.ROOT,
          "; PyTorch clone (allocating) %.2f GB/s, %s",
          djl.cloneBytesPerSec(x, warmups, reps) / 1e9, DjlPeer.thpSetting()));
    } catch (Throwable t) { // native library missing, engine not on the classpath, ...
      log.println("PyTorch peer unavailable: " + t);
      copy = withNote(copy, copy.note() + "; PyTorch peer unavailable: " + t);
    }
    rows.add(copy);
    log.println(copy);

    try {
      for (Variant v : variants()) {
        int bytesPerElem = v.gated() ? 12 : 8;
        int check = Math.min(DjlPeer.VERIFY, elems);
        float[] ref = new float[check];
        Kernel reference = v.kernel(Variant.Impl.REFERENCE);
        if (v.gated()) {
          reference.applyGated(x, 0, up, 0, ref, 0, check);
        } else {
          reference.apply(x, 0, ref, 0, check);
        }

        Kernel scalarKernel = PrecisionKernel.wrap(
            IsolatedScalar.of(v.activation().scalar(v.params())), v.precision());
        KernelResult scalar = measureKernel(v, scalarKernel, x, up, out, ref, warmups, reps,
            jitWarmMillis, bytesPerElem, copyBps, "");
        rows.add(scalar);
        log.println(scalar);

        Kernel simdKernel = v.kernel(Variant.Impl.SIMD);
        KernelResult simd = measureKernel(v, simdKernel, x, up, out, ref, warmups, reps,
            jitWarmMillis, bytesPerElem, copyBps, "simd".equals(simdKernel.impl()) ? ""
                : "jdk.incubator.vector absent: scalar kernel; ");
        simd = withNote(simd, simd.note() + String.format(Locale.ROOT, "%.2fx scalar",
            simd.elemsPerSec() / scalar.elemsPerSec()));
        rows.add(simd);
        log.println(simd);

        if (djl != null && !v.gated()) {
          Optional<DjlPeer.Op> op = DjlPeer.op(v);
          if (op.isPresent()) {
            KernelResult torch = djl.measure(v, op.get(), x, warmups, reps, copyBps);
            torch = withNote(torch, torch.note() + String.format(Locale.ROOT, "; SIMD %.2fx this",
                simd.elemsPerSec() / torch.elemsPerSec()));
            rows.add(torch);
            log.println(torch);
          }
        }
      }
    } finally {
      if (djl != null) {
        djl.close();
      }
    }
    return againstFasterLimit(rows, copy, MemoryBandwidth.measure(x, out, warmups, reps));
  }

  /**
   * The rows against the faster of the limit measured before the kernels and the one measured
   * after them: the VM's bandwidth moves within a run, and a limit timed in a slow spell would let a
   * kernel timed in a fast one exceed it.
   */
  static List<KernelResult> againstFasterLimit(List<KernelResult> rows, KernelResult before,
      KernelResult after) {
    if (after.bytesPerSec() <= before.bytesPerSec()) {
      return rows;
    }
    KernelResult limit = withNote(after, after.note() + String.format(Locale.ROOT,
        "; measured after the kernels (before them %.1f GB/s: %s)", before.bytesPerSec() / 1e9,
        before.note()));
    List<KernelResult> out = new ArrayList<>();
    for (KernelResult r : rows) {
      out.add(r == before ? limit : r.againstLimit(after.bytesPerSec()));
    }
    return out;
  }

  private static KernelResult measureKernel(Variant v, Kernel k, float[] x, float[] up, float[] out,
      float[] ref, int warmups, int reps, long jitWarmMillis, int bytesPerElem, double copyBps,
      String note) {
    int n = x.length;
    Runnable pass = v.gated()
        ? () -> k.applyGated(x, 0, up, 0, out, 0, n)
        : () -> k.apply(x, 0, out, 0, n);
    int c = Math.min(Timing.JIT_CHUNK, n);
    Timing.warmJit(v.gated()
        ? () -> k.applyGated(x, 0, up, 0, out, 0, c)
        : () -> k.apply(x, 0, out, 0, c), jitWarmMillis);
    double[] ns = Timing.samples(pass, warmups, reps, n);
    Timing.Stats s = Timing.Stats.of(ns);
    double diff = KernelResult.maxAbsDiff(out, ref, ref.length);
    double eps = 1e9 / s.p50();
    double bps = eps * bytesPerElem;
    return new KernelResult(v.name(), k.impl(), s.p50(), s.p10(), s.p90(), eps, bps, bps / copyBps,
        diff, note, ns, n);
  }

  private static KernelResult withNote(KernelResult r, String note) {
    return new KernelResult(r.variant(), r.impl(), r.nsPerElemP50(), r.nsPerElemP10(),
        r.nsPerElemP90(), r.elemsPerSec(), r.bytesPerSec(), r.rooflineFrac(), r.maxAbsDiff(), note,
        r.samples(), r.elems());
  }

  /** The performance documentation's Markdown: header lines, the table, and footnotes. */
  public static String markdownTable(List<KernelResult> rows, String command, String machine) {
    Map<String, Map<String, KernelResult>> byVariant = new LinkedHashMap<>();
    KernelResult copy = null;
    for (KernelResult r : rows) {
      if (r.impl().equals("memcpy")) {
        copy = r;
        continue;
      }
      byVariant.computeIfAbsent(r.variant(), k -> new LinkedHashMap<>()).put(r.impl(), r);
    }
    StringBuilder sb = new StringBuilder();
    sb.append("Single-thread kernel throughput. Command: `").append(command).append("` (")
        .append(LocalDate.now()).append(")  \n");
    sb.append("Machine: ").append(machine).append("  \n");
    if (copy != null) {
      sb.append(String.format(Locale.ROOT,
          "Copy bandwidth (the fastest streaming copy, bytes read + written): %.1f GB/s (%s).%n",
          copy.bytesPerSec() / 1e9, copy.note()));
    }
    sb.append('\n');
    sb.append("| variant | scalar M el/s | SIMD M el/s | SIMD/scalar | PyTorch (DJL) M el/s "
        + "| SIMD/PyTorch | SIMD GB/s | of copy bandwidth |\n");
    sb.append("|---|--:|--:|--:|--:|--:|--:|--:|\n");
    List<String> footnotes = new ArrayList<>();
    boolean anyComposed = false;
    boolean anyGated = false;
    for (Map.Entry<String, Map<String, KernelResult>> e : byVariant.entrySet()) {
      KernelResult sc = e.getValue().get("scalar");
      KernelResult si = e.getValue().get("simd");
      KernelResult dj = e.getValue().get("djl");
      KernelResult any = Stream.of(sc, si, dj).filter(r -> r != null).findFirst().orElseThrow();
      String name = any.activation();
      if (any.bytesPerSec() > any.elemsPerSec() * 10) { // 12 bytes per element: gated
        name += " (gated)";
        anyGated = true;
      }
      if (!any.variant().equals(any.activation()) && EXAMPLE_SPECS.containsKey(any.activation())) {
        footnotes.add("`" + any.activation() + "` is `" + any.variant() + "`.");
      }
      String torch = "–";
      String simdOverTorch = "–";
      if (dj != null) {
        boolean composed = dj.note().startsWith("composed");
        anyComposed |= composed;
        torch = mels(dj.elemsPerSec()) + (composed ? " (composed)" : "");
        if (si != null) {
          simdOverTorch = ratio(si.elemsPerSec() / dj.elemsPerSec());
        }
        if (!(dj.maxAbsDiff() <= 1e-4)) {
          torch += " ⚠";
          footnotes.add(String.format(Locale.ROOT,
              "⚠ `%s`: PyTorch differs from the reference by %.2g.", name, dj.maxAbsDiff()));
        }
      }
      sb.append("| ").append(name)
          .append(" | ").append(sc == null ? "–" : mels(sc.elemsPerSec()))
          .append(" | ").append(si == null ? "–" : mels(si.elemsPerSec()))
          .append(" | ").append(sc == null || si == null ? "–"
              : ratio(si.elemsPerSec() / sc.elemsPerSec()))
          .append(" | ").append(torch)
          .append(" | ").append(simdOverTorch)
          .append(" | ").append(si == null ? "–"
              : String.format(Locale.ROOT, "%.1f", si.bytesPerSec() / 1e9))
          .append(" | ").append(si == null ? "–"
              : String.format(Locale.ROOT, "%.0f%%", si.rooflineFrac() * 100))
          .append(" |\n");
    }
    sb.append('\n');
    sb.append("M el/s: millions of elements per second, median of the timed passes. GB/s counts "
        + "bytes read + written: 8 per element");
    sb.append(anyGated ? " (12 for gated variants, which read gate and up).\n" : ".\n");
    if (anyComposed) {
      sb.append("PyTorch \"(composed)\": DJL 0.36 has no single op for it, so it is built from "
          + "several PyTorch ops, each a pass over memory.\n");
    }
    if (byVariant.values().stream().anyMatch(m -> m.containsKey("djl"))) {
      sb.append("PyTorch runs on one thread, on a tensor already on the engine; only the op is "
          + "timed, and it allocates its output, as `torch.f(x)` does. With large tensors that "
          + "allocation's page faults can dominate: PyTorch backs allocations with huge pages only "
          + "when `THP_MEM_ALLOC_ENABLE=1` is in the environment (see the copy line above). Every "
          + "PyTorch row was checked against Ablate's float64 reference.\n");
    }
    KernelResult identity = byVariant.values().stream().map(m -> m.get("simd"))
        .filter(r -> r != null && r.activation().equals("identity")).findFirst().orElse(null);
    if (identity != null && identity.rooflineFrac() > 1.0) {
      // It streams as the limit's vector form does: above it, the machine sped up in between.
      sb.append(String.format(Locale.ROOT, "The identity SIMD kernel (a plain vector load/store "
          + "loop) moves %.1f GB/s, %.0f%% of the copy limit: the limit is timed once, before the "
          + "kernels, and the memory system ran faster later in the run.%n",
          identity.bytesPerSec() / 1e9, identity.rooflineFrac() * 100));
    }
    for (String f : footnotes) {
      sb.append(f).append('\n');
    }
    return sb.toString();
  }

  private static String mels(double elemsPerSec) {
    double m = elemsPerSec / 1e6;
    return String.format(Locale.ROOT, m >= 100 ? "%.0f" : m >= 10 ? "%.1f" : "%.2f", m);
  }

  private static String ratio(double r) {
    return String.format(Locale.ROOT, r >= 10 ? "%.0f×" : "%.1f×", r);
  }

  /** The targets the kernels are held to, each with its measured value and whether it is met. */
  public static String targetReport(List<KernelResult> rows) {
    StringBuilder sb = new StringBuilder();
    KernelResult simdGelu = find(rows, "gelu", "simd");
    KernelResult torchGelu = find(rows, "gelu", "djl");
    if (simdGelu != null && torchGelu != null) {
      double r = simdGelu.elemsPerSec() / torchGelu.elemsPerSec();
      sb.append(String.format(Locale.ROOT, "SIMD gelu / PyTorch gelu = %.2fx (target >= 1.5): %s%n",
          r, r >= 1.5 ? "met" : "NOT met"));
    }
    for (String name : List.of("relu", "leaky_relu")) {
      KernelResult s = find(rows, name, "simd");
      if (s != null) {
        sb.append(String.format(Locale.ROOT, "SIMD %s = %.2f of copy bandwidth (target >= 0.8): %s%n",
            name, s.rooflineFrac(), s.rooflineFrac() >= 0.8 ? "met" : "NOT met"));
      }
    }
    List<String> slow = new ArrayList<>();
    for (KernelResult s : rows) {
      if (s.impl().equals("simd")) {
        KernelResult sc = find(rows, s.activation(), "scalar");
        if (sc != null && s.elemsPerSec() < 4 * sc.elemsPerSec()) {
          slow.add(String.format(Locale.ROOT, "%s %.1fx", s.activation(),
              s.elemsPerSec() / sc.elemsPerSec()));
        }
      }
    }
    sb.append("SIMD >= 4x scalar: ").append(slow.isEmpty() ? "met for every variant"
        : "NOT met for " + String.join(", ", slow)).append('\n');
    return sb.toString();
  }

  private static KernelResult find(List<KernelResult> rows, String activation, String impl) {
    for (KernelResult r : rows) {
      if (r.activation().equals(activation) && r.impl().equals(impl)) {
        return r;
      }
    }
    return null;
  }

  /** CPU model, cores, Java version and the SIMD shape, on one line. */
  public static String machineDescription() {
    String cpu = KernelTimer.cpuModel();
    String isa = "";
    try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
      for (String l : lines.toList()) {
        if (l.startsWith("flags")) {
          List<String> flags = List.of(l.substring(l.indexOf(':') + 1).trim().split("\\s+"));
          isa = flags.contains("avx512f") ? ", AVX-512" : flags.contains("avx2") ? ", AVX2"
              : flags.contains("avx") ? ", AVX" : "";
          break;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: the architecture will do
    }
    return String.format(Locale.ROOT, "%s%s, %d cores, Java %s (%s), SIMD %s", cpu, isa,
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.runtime.version"),
        System.getProperty("java.vm.name"), Simd.describe());
  }
}

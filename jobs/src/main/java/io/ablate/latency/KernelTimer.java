package io.ablate.latency;

import io.ablate.activation.Variant;
import io.ablate.kernel.Kernel;
import io.ablate.kernel.PrecisionKernel;
import io.ablate.kernel.Simd;
import io.ablate.precision.Precision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Times one variant's kernel, by one implementation, over a batch of values that a caller gathered
 * (the latency pass: a partition's own data), and returns every repetition's nanoseconds per
 * element. State is per JVM (per executor): kernels, once JIT-warmed, are kept for later batches;
 * the PyTorch peer is loaded once; the memory-copy roofline is measured once; the GPU is probed
 * once. Everything runs under one JVM-wide lock ({@link #exclusive}), so that the tasks of one
 * executor never time kernels at the same time and share its cores while they do.
 */
public final class KernelTimer {
  private static final Logger LOG = LoggerFactory.getLogger(KernelTimer.class);

  /** The implementations timed, with their names in the {@code latency} table. */
  public enum Impl {
    SCALAR("scalar"), SIMD("simd"), DJL("djl"), GPU("gpu");

    private final String label;

    Impl(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /**
   * Values to time a variant on: {@code x} for elementwise variants; for gated ones {@code x} is the
   * gate and {@code up} the up half (same length). The arrays are not modified.
   */
  public record Batch(float[] x, float[] up) {
    public Batch {
      if (up != null && up.length != x.length) {
        throw new IllegalArgumentException("gate and up differ in length");
      }
    }

    public boolean gated() {
      return up != null;
    }

    public int size() {
      return x.length;
    }
  }

  /**
   * How to time: {@code warmups} untimed passes and {@code reps} timed ones per batch, a JIT warm-up
   * of {@code jitWarmMillis} the first time a JVM runs a kernel, and the roofline measured as a copy
   * of {@code batchElems} floats (the batch size asked for; a batch may be smaller).
   */
  public record Settings(int warmups, int reps, long jitWarmMillis, int batchElems) {
    public Settings {
      if (warmups < 0 || reps < 1 || jitWarmMillis < 0 || batchElems < 1) {
        throw new IllegalArgumentException("need warmups >= 0, reps >= 1, jitWarmMillis >= 0, "
            + "batchElems >= 1");
      }
    }
  }

  /**
   * A timing, or why there is none. {@code device} is what ran it (see {@link #cpuDevice()});
   * {@code rooflineBytesPerSec} that device's memory-copy bandwidth (bytes read + written per s).
   */
  public record Outcome(double[] nsPerElem, String device, double rooflineBytesPerSec,
      String skipped) {
    static Outcome timed(double[] ns, String device, double roofline) {
      return new Outcome(ns, device, roofline, null);
    }

    static Outcome skipped(String why) {
      return new Outcome(null, null, Double.NaN, why);
    }

    public boolean wasTimed() {
      return skipped == null;
    }
  }

  private static final Object LOCK = new Object();
  // All guarded by LOCK.
  private static final Map<String, Kernel> KERNELS = new HashMap<>();
  private static final Set<String> WARMED = new HashSet<>();
  private static final Map<Integer, Double> COPY_BYTES_PER_SEC = new HashMap<>();
  private static DjlPeer djl;
  private static String djlMissing;
  private static String cpuDevice;

  private KernelTimer() {}

  /** Runs {@code work} holding the JVM-wide timing lock (re-entrant). */
  public static <T> T exclusive(Supplier<T> work) {
    synchronized (LOCK) {
      return work.get();
    }
  }

  /**
   * Times {@code v} by {@code impl} over {@code batch} as {@code s} says: a JIT warm-up the first
   * time this JVM runs the kernel, untimed passes, then the timed passes. Skipped (with the reason) when the implementation cannot run the variant here: no
   * PyTorch form or no PyTorch engine, no vector module, no GPU, a float64 variant (which only has
   * the reference kernel).
   */
  public static Outcome time(Variant v, Impl impl, Batch batch, Settings s) {
    if (v.gated() != batch.gated()) {
      throw new IllegalArgumentException(v.name() + (v.gated() ? " is gated" : " is elementwise")
          + " but the batch is not");
    }
    synchronized (LOCK) {
      switch (impl) {
        case SCALAR:
        case SIMD:
          return timeCpu(v, impl, batch, s);
        case DJL:
          return timeDjl(v, batch, s);
        case GPU:
          return timeGpu(v, batch, s);
        default:
          throw new IllegalArgumentException(impl.name());
      }
    }
  }

  private static Outcome timeCpu(Variant v, Impl impl, Batch b, Settings s) {
    if (v.precision() instanceof Precision.Float64) {
      return Outcome.skipped(v.name() + ": float64 variants have only the reference kernel");
    }
    String key = v.name() + '|' + impl.label();
    Kernel k = KERNELS.computeIfAbsent(key, x -> kernel(v, impl));
    if (!k.impl().equals(impl.label())) { // the SIMD kernel fell back to the scalar one
      return Outcome.skipped(String.format(Locale.ROOT, "%s: no %s kernel here (it would run the "
          + "%s kernel; SIMD %s)", v.name(), impl.label(), k.impl(), Simd.describe()));
    }
    float[] x = b.x();
    float[] up = b.up();
    int n = b.size();
    float[] out = new float[n];
    if (WARMED.add(key)) {
      int c = Math.min(Timing.JIT_CHUNK, n);
      Timing.warmJit(b.gated() ? () -> k.applyGated(x, 0, up, 0, out, 0, c)
          : () -> k.apply(x, 0, out, 0, c), s.jitWarmMillis());
    }
    Runnable pass = b.gated() ? () -> k.applyGated(x, 0, up, 0, out, 0, n)
        : () -> k.apply(x, 0, out, 0, n);
    return Outcome.timed(Timing.samples(pass, s.warmups(), s.reps(), n), cpuDevice(),
        copyBytesPerSec(s.batchElems()));
  }

  /** Scalar kernels get their own class per variant (see {@link IsolatedScalar}), as in the bench. */
  private static Kernel kernel(Variant v, Impl impl) {
    return impl == Impl.SCALAR
        ? PrecisionKernel.wrap(IsolatedScalar.of(v.activation().scalar(v.params())), v.precision())
        : v.kernel(Variant.Impl.SIMD);
  }

  private static Outcome timeDjl(Variant v, Batch b, Settings s) {
    Optional<DjlPeer.Op> op = b.gated() ? Optional.empty() : DjlPeer.op(v);
    if (op.isEmpty()) {
      return Outcome.skipped(v.name() + ": PyTorch (DJL) has no form of it");
    }
    if (djl == null && djlMissing == null) {
      try {
        djl = DjlPeer.open();
        LOG.info("latency: PyTorch peer {}", djl.engineInfo());
      } catch (Throwable t) { // native library missing, engine not on the classpath, ...
        djlMissing = "PyTorch (DJL) unavailable: " + t;
        LOG.warn("latency: {}; djl rows skipped", djlMissing);
      }
    }
    if (djl == null) {
      return Outcome.skipped(djlMissing);
    }
    return Outcome.timed(djl.samples(op.get(), b.x(), s.warmups(), s.reps()), cpuDevice(),
        copyBytesPerSec(s.batchElems()));
  }

  private static Outcome timeGpu(Variant v, Batch b, Settings s) {
    String missing = GpuProbe.unavailableReason();
    if (missing != null) {
      return Outcome.skipped("no GPU: " + missing);
    }
    if (v.expression().isEmpty()) {
      return Outcome.skipped(v.name() + ": no single-expression GPU form (per-tensor calibration)");
    }
    return GpuTimer.time(v, b, s);
  }

  /**
   * This JVM's single-thread memory-copy bandwidth (bytes read + written per second) for arrays of
   * {@code elems} floats, measured once per size with {@link MemoryBandwidth} (the fastest of its
   * streaming copy forms). The copy has the batch's size so that both sit in the same level of the
   * memory hierarchy: a 1 Mi-float batch (4 MiB in, 4 MiB out) stays in a large L3 cache, where
   * a 64 MiB copy would measure DRAM and make cache-resident kernels look several times faster
   * than "the roofline".
   */
  public static double copyBytesPerSec(int elems) {
    synchronized (LOCK) {
      return COPY_BYTES_PER_SEC.computeIfAbsent(elems, n -> {
        KernelResult copy = MemoryBandwidth.measure(n);
        LOG.info("latency: copy bandwidth {} GB/s: {}", String.format(Locale.ROOT,
            "%.2f", copy.bytesPerSec() / 1e9), copy.note());
        return copy.bytesPerSec();
      });
    }
  }

  /** The CPU as the {@code device} column gives it: model name and SIMD width, e.g. "… simd=256". */
  public static String cpuDevice() {
    synchronized (LOCK) {
      if (cpuDevice == null) {
        int bits = Simd.preferredBits();
        cpuDevice = cpuModel() + " simd=" + (bits == 0 ? "none" : Integer.toString(bits));
      }
      return cpuDevice;
    }
  }

  /** The {@code model name} of /proc/cpuinfo, or the architecture where there is none. */
  public static String cpuModel() {
    try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
      Optional<String> model = lines.filter(l -> l.startsWith("model name")).findFirst();
      if (model.isPresent()) {
        return model.get().substring(model.get().indexOf(':') + 1).trim();
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: the architecture will do
    }
    return System.getProperty("os.arch");
  }
}

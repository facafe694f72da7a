package io.ablate.latency;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import ai.djl.pytorch.jni.JniUtils;
import io.ablate.activation.Variant;
import io.ablate.kernel.Kernel;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The PyTorch peer of the kernel benchmark: the same function run by PyTorch through DJL, one
 * thread, on a tensor already on the engine. Only the op call is timed (the result is closed after
 * the clock stops); the result is checked against Ablate's float64 reference first, so a row is
 * known to compute the same function.
 *
 * <p>"native" rows are one PyTorch op that DJL exposes ({@code Activation.gelu} is the exact, erf,
 * form). "composed" rows are built from several PyTorch ops, because DJL 0.36 exposes no single op
 * for them (PyTorch itself has {@code gelu(approximate='tanh')}, {@code silu}, {@code mish},
 * {@code hardswish}); intermediates are updated in place where DJL allows it and closed at once.
 *
 * <p>Every PyTorch op allocates its output. For tensors of tens of MiB each allocation is a fresh
 * {@code mmap}, and on small pages its page faults can cost more than the op (measured on a 2-core
 * EPYC VM at 16 Mi floats: gelu 211 M el/s by default, 514 M el/s with {@code
 * THP_MEM_ALLOC_ENABLE=1}, PyTorch's switch for huge-page-backed allocations). The switch is read
 * from the environment, so it must be set before the JVM starts; {@link #thpSetting()} reports it.
 */
public final class DjlPeer implements AutoCloseable {
  /** Elements checked against the reference. */
  public static final int VERIFY = 4096;

  /** How one activation is computed in PyTorch. */
  public record Op(String how, int torchOps, UnaryOperator<NDArray> fn) {
    String label() {
      return torchOps == 1 ? how : how + ", " + torchOps + " torch ops";
    }
  }

  private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2 / Math.PI);

  private final NDManager manager;
  private final String engineInfo;

  private DjlPeer(NDManager manager, String engineInfo) {
    this.manager = manager;
    this.engineInfo = engineInfo;
  }

  /**
   * Loads the PyTorch engine single-threaded. The thread properties only take effect if they are set
   * before the engine first loads in this JVM; the counts actually in force are checked afterwards.
   */
  public static DjlPeer open() {
    setIfAbsent("ai.djl.offline", "true");
    setIfAbsent("ai.djl.pytorch.num_threads", "1");
    setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
    Engine engine = Engine.getEngine("PyTorch");
    if (JniUtils.getNumThreads() != 1) {
      JniUtils.setNumThreads(1); // the engine was loaded earlier with another setting
    }
    String info = String.format(Locale.ROOT,
        "PyTorch %s via DJL %s, intra-op threads %d, inter-op %d, %s",
        engine.getVersion(), Engine.getDjlVersion(), JniUtils.getNumThreads(),
        JniUtils.getNumInteropThreads(), thpSetting());
    return new DjlPeer(NDManager.newBaseManager("PyTorch"), info);
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }

  /** PyTorch's switch for huge-page-backed CPU allocations, as set in this process's environment. */
  public static String thpSetting() {
    String v = System.getenv("THP_MEM_ALLOC_ENABLE");
    return v == null ? "THP_MEM_ALLOC_ENABLE unset" : "THP_MEM_ALLOC_ENABLE=" + v;
  }

  public String engineInfo() {
    return engineInfo;
  }

  /** A manager of the caller's, under this peer's (close it; closing the peer closes it too). */
  public NDManager newManager() {
    return manager.newSubManager();
  }

  /** The PyTorch form of a variant, if PyTorch (through DJL) has the function. */
  public static Optional<Op> op(Variant v) {
    if (!(v.precision() instanceof io.ablate.precision.Precision.Float32)) {
      return Optional.empty();
    }
    switch (v.activation().name()) {
      case "gelu":
        return Optional.of(new Op("native", 1, Activation::gelu));
      case "gelu_tanh":
        return Optional.of(new Op("composed", 8, DjlPeer::geluTanh));
      case "relu":
        return Optional.of(new Op("native", 1, Activation::relu));
      case "leaky_relu": {
        float alpha = (float) v.params().get("alpha");
        return Optional.of(new Op("native", 1, x -> Activation.leakyRelu(x, alpha)));
      }
      case "elu": {
        float alpha = (float) v.params().get("alpha");
        return Optional.of(new Op("native", 1, x -> Activation.elu(x, alpha)));
      }
      case "sigmoid":
        return Optional.of(new Op("native", 1, Activation::sigmoid));
      case "softplus":
        return v.params().get("beta") == 1.0
            ? Optional.of(new Op("native", 1, Activation::softPlus)) : Optional.empty();
      case "silu":
        return Optional.of(new Op("composed", 2, x -> swish(x, 1f)));
      case "swish": {
        float beta = (float) v.params().get("beta");
        return Optional.of(new Op("composed", beta == 1f ? 2 : 3, x -> swish(x, beta)));
      }
      case "mish":
        return Optional.of(new Op("composed", 3, DjlPeer::mish));
      case "hard_swish":
        return Optional.of(new Op("composed", 4, DjlPeer::hardSwish));
      default:
        return Optional.empty();
    }
  }

  /** ½·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), PyTorch's {@code gelu(approximate='tanh')}. */
  public static NDArray geluTanh(NDArray x) {
    NDArray u = x.square();
    u.muli(SQRT_2_OVER_PI * 0.044715f).addi(SQRT_2_OVER_PI).muli(x);
    NDArray t = u.tanh();
    u.close();
    return t.addi(1f).muli(0.5f).muli(x);
  }

  /** x·σ(β·x). (DJL's own {@code Activation.swish} leaves its intermediates open.) */
  public static NDArray swish(NDArray x, float beta) {
    if (beta == 1f) {
      return Activation.sigmoid(x).muli(x);
    }
    NDArray bx = x.mul(beta);
    NDArray s = Activation.sigmoid(bx);
    bx.close();
    return s.muli(x);
  }

  /**
   * x·tanh(softplus(x)). Not DJL's {@code Activation.mish}: in DJL 0.36 that computes
   * x·tanh(log2(eˣ + 1)), with a base-2 logarithm, which is not mish.
   */
  public static NDArray mish(NDArray x) {
    NDArray sp = Activation.softPlus(x);
    NDArray t = sp.tanh();
    sp.close();
    return t.muli(x);
  }

  /** x·clip(x + 3, 0, 6)/6. */
  public static NDArray hardSwish(NDArray x) {
    NDArray h = x.add(3f);
    NDArray c = h.clip(0f, 6f);
    h.close();
    return c.muli(x).divi(6f);
  }

  /** Largest |f(x) − reference(x)| over the first {@link #VERIFY} elements of {@code x}. */
  public double verify(UnaryOperator<NDArray> fn, Variant v, float[] x) {
    int n = Math.min(VERIFY, x.length);
    float[] head = Arrays.copyOf(x, n);
    float[] got;
    try (NDManager sub = manager.newSubManager()) {
      NDArray in = sub.create(head);
      NDArray out = fn.apply(in);
      got = out.toFloatArray();
    }
    float[] ref = new float[n];
    Kernel reference = v.kernel(Variant.Impl.REFERENCE);
    reference.apply(head, 0, ref, 0, n);
    return KernelResult.maxAbsDiff(got, ref, n);
  }

  /** Times {@code op} over all of {@code x}; {@code copyBytesPerSec} is the roofline. */
  public KernelResult measure(Variant v, Op op, float[] x, int warmups, int reps, double copyBytesPerSec) {
    double diff = verify(op.fn(), v, x);
    String extra = "";
    if (v.activation().name().equals("mish")) {
      extra = String.format(Locale.ROOT, "; DJL Activation.mish differs by %.2g (log2 bug)",
          verify(Activation::mish, v, x));
    }
    int n = x.length;
    double[] ns;
    double cpuOverWall;
    try (NDManager sub = manager.newSubManager()) {
      NDArray in = sub.create(x);
      warm(op, in, warmups);
      long cpu0 = processCpuNanos();
      ns = timeOp(op, in, reps);
      long cpu = processCpuNanos() - cpu0;
      double wall = Arrays.stream(ns).sum() * n;
      cpuOverWall = cpu0 < 0 || wall == 0 ? Double.NaN : cpu / wall;
    }
    Timing.Stats s = Timing.Stats.of(ns);
    double eps = 1e9 / s.p50();
    double bps = eps * 8;
    String note = String.format(Locale.ROOT, "%s; max abs diff vs reference %.2g on %d el; "
            + "process cpu/wall %.2f%s", op.label(), diff, Math.min(VERIFY, n), cpuOverWall, extra);
    return new KernelResult(v.name(), "djl", s.p50(), s.p10(), s.p90(), eps, bps,
        bps / copyBytesPerSec, diff, note, ns, n);
  }

  /**
   * Times {@code op} over all of {@code x} after {@code warmups} untimed calls: nanoseconds per
   * element of each of {@code reps} (at least 1) timed calls.
   */
  public double[] samples(Op op, float[] x, int warmups, int reps) {
    try (NDManager sub = manager.newSubManager()) {
      NDArray in = sub.create(x);
      warm(op, in, warmups);
      return timeOp(op, in, reps);
    }
  }

  private static void warm(Op op, NDArray in, int warmups) {
    for (int w = 0; w < warmups; w++) {
      op.fn().apply(in).close();
    }
  }

  /** Only the op call is timed; its result is closed after the clock stops. */
  private static double[] timeOp(Op op, NDArray in, int reps) {
    long n = in.size();
    double[] ns = new double[Math.max(1, reps)];
    for (int r = 0; r < ns.length; r++) {
      long t0 = System.nanoTime();
      NDArray out = op.fn().apply(in);
      long dt = System.nanoTime() - t0;
      out.close();
      ns[r] = (double) dt / n;
    }
    return ns;
  }

  /** PyTorch's own copy ({@code clone}, which allocates its output as every op here does), in GB/s. */
  public double cloneBytesPerSec(float[] x, int warmups, int reps) {
    try (NDManager sub = manager.newSubManager()) {
      NDArray in = sub.create(x);
      double[] ns = new double[Math.max(1, reps)];
      for (int w = 0; w < warmups; w++) {
        in.duplicate().close();
      }
      for (int r = 0; r < ns.length; r++) {
        long t0 = System.nanoTime();
        NDArray out = in.duplicate();
        ns[r] = (double) (System.nanoTime() - t0) / x.length;
        out.close();
      }
      return 8e9 / Timing.Stats.of(ns).p50();
    }
  }

  private static long processCpuNanos() {
    java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      return sun.getProcessCpuTime();
    }
    return -1;
  }

  @Override
  public void close() {
    manager.close();
  }
}

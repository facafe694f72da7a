package io.ablate.bench;

import ai.djl.ndarray.NDManager;
import io.ablate.activation.Catalogue;
import io.ablate.activation.Variant;
import io.ablate.kernel.Kernel;
import io.ablate.latency.DjlPeer;
import io.ablate.latency.LatencyRow;
import io.ablate.latency.Timing;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * FFN blocks at the shapes of real models, single-threaded: per shape × token batch × variant ×
 * precision × implementation of the activation, the time of the up (and gate) projection, the
 * activation, the transfers between PyTorch and Java, the down projection and the whole block; the
 * products are PyTorch's float32 {@code matmul} through DJL, the activation is an Ablate kernel
 * ({@code simd}) or PyTorch's own ops ({@code djl}). Beside them, the activation step alone on the
 * block's own products, fused vs unfused and in place vs into a separate buffer, and the machine's
 * limits in the same run ({@link FfnLimits}); every figure carries its fraction of the relevant
 * limit. Before a variant is timed its block is checked against float64 ({@link FfnReference}) on a
 * small shape of the same kind.
 *
 * <p>Figures are medians over the timed repetitions after warm-up (a JIT warm-up of the kernel, then
 * untimed blocks), with the spread (max − min). Repetitions adapt to a time budget per case
 * between a minimum and a maximum.
 */
public final class FfnBench {
  /** What to run. */
  public record Settings(List<FfnShape> shapes, List<Integer> tokens, List<Integer> moeTokens,
      List<String> plainVariants, List<String> gatedVariants, List<String> precisions,
      int warmups, int minReps, int maxReps, double secondsPerCase, int matmulN,
      long jitWarmMillis) {

    /** The full run: the issue's shapes, decode (1) and prefill (512), three variants per kind,
     *  bf16, fp8_e4m3 and int8 for the model's own activation. */
    public static Settings full() {
      return new Settings(FfnShape.defaults(), List.of(1, 512), List.of(1, 512),
          List.of("gelu_tanh", "gelu", "relu"), List.of("swiglu", "geglu", "reglu"),
          List.of("bf16", "fp8_e4m3", "int8"), 1, 3, 15, 3.0, 4096, 300);
    }

    /** About 20 s: decode (1) and a prefill of 16 tokens (the MoE layer: decode only), the model's
     *  own activation at fp32 and bf16, fewer repetitions, a 2048² product. */
    public static Settings quick() {
      return new Settings(FfnShape.defaults(), List.of(1, 16), List.of(1),
          List.of("gelu_tanh"), List.of("swiglu"), List.of("bf16"), 1, 3, 7, 0.6, 2048, 150);
    }

    public Settings withShapes(List<FfnShape> s, List<Integer> t) {
      return new Settings(s, t, t, plainVariants, gatedVariants, precisions, warmups, minReps,
          maxReps, secondsPerCase, matmulN, jitWarmMillis);
    }

    public Settings withTokens(List<Integer> t) {
      return withShapes(shapes, t);
    }
  }

  /**
   * One measured figure: the seconds of each timed repetition of a stage that covers {@code elems}
   * activation outputs, moves at least {@code bytes} and computes {@code flops}; its limit follows
   * from {@code limits} (the run's final ones, see {@link FfnLimits}) and, for a whole block, the
   * stages' work in {@code cost}.
   */
  public record Result(String scope, FfnShape shape, int tokens, String variant, String precision,
      String impl, String stage, String mode, long elems, double bytes, double bytesWriteAllocate,
      double flops, double[] seconds, Cost cost, FfnLimits limits) {
    public double p50() {
      return Timing.Stats.of(seconds).p50();
    }

    public double spread() {
      return Arrays.stream(seconds).max().orElse(0) - Arrays.stream(seconds).min().orElse(0);
    }

    /** The shortest time the limits allow for this stage. */
    public double minSeconds() {
      switch (stage) {
        case "matmul":
          return flops / limits.matmulFlopsPerSec();
        case "copy":
          return bytes / limits.dramCopyBytesPerSec();
        case "up":
        case "down":
        case "route":
          return limits.minSeconds(flops, bytes);
        case "block":
          return limits.minSeconds(cost.upFlops(), cost.upBytes())
              + cost.actBytes() / limits.copyBytesPerSec(cost.actBytes())
              + limits.minSeconds(cost.downFlops(), cost.downBytes())
              + (cost.routeBytes() > 0 ? limits.minSeconds(cost.routeFlops(), cost.routeBytes())
                  : 0);
        default: // act, xfer, the fusion modes
          return bytes / limits.copyBytesPerSec(bytes);
      }
    }

    /** What {@link #ofLimit} is a fraction of: {@code matmul}, {@code copy} or {@code roofline}. */
    public String limit() {
      switch (stage) {
        case "matmul":
          return "matmul";
        case "up":
        case "down":
        case "route":
          return limits.binding(flops, bytes);
        case "block":
          return "roofline";
        default:
          return "copy";
      }
    }

    /** The fraction of the limit reached: the time the limits allow over the median. */
    public double ofLimit() {
      return minSeconds() / p50();
    }

    Result withLimits(FfnLimits l) {
      return new Result(scope, shape, tokens, variant, precision, impl, stage, mode, elems, bytes,
          bytesWriteAllocate, flops, stage.equals("copy") ? new double[] {bytes
              / l.dramCopyBytesPerSec()} : stage.equals("matmul") ? l.matmulSamples() : seconds,
          cost, l);
    }

    public LatencyRow toLatencyRow(String host, String device) {
      double copy = stage.equals("matmul") ? Double.NaN : limits.copyBytesPerSec(
          stage.equals("block") ? cost.upBytes() : bytes);
      return LatencyRow.stage(scope, variant, precision, impl, elems, host, device, seconds, bytes,
          flops, minSeconds(), copy, new LatencyRow.Detail(shape == null ? null
              : shape.label(), tokens, stage, mode, Double.NaN, limits.matmulFlopsPerSec(),
              limit()));
    }
  }

  /** Everything one run produced. */
  public record Report(List<Result> results, List<FfnReference.Check> checks, FfnLimits limits,
      double dramCopyBytesPerSec, String engine, boolean engineBuffersAliased) {
    /** Whether every reference check passed. */
    public boolean checksPassed() {
      return checks.stream().allMatch(FfnReference.Check::passed);
    }
  }

  private static final long SEED = 20250611L;

  private FfnBench() {}

  /** Runs every shape of {@code s}; progress to {@code log}. */
  public static Report run(Settings s, PrintStream log) {
    DjlPeer peer = DjlPeer.open();
    log.println("FFN blocks: " + peer.engineInfo() + "; Ablate kernels single-threaded");
    List<Result> results = new ArrayList<>();
    List<FfnReference.Check> checks = new ArrayList<>();
    try (NDManager manager = peer.newManager()) {
      boolean aliased = EngineBuffers.aliases(manager);
      FfnLimits limits = FfnLimits.measure(manager, s.matmulN(), 1, Math.max(3, s.minReps()));
      log.printf(Locale.ROOT, "Limits at the start: copy %.1f GB/s (64 MiB arrays), %s%n",
          limits.dramCopyBytesPerSec() / 1e9, limits);
      double cube = 2.0 * Math.pow(s.matmulN(), 3);
      results.add(new Result(LatencyRow.LIMIT, null, 0, "matmul", "fp32", "djl", "matmul", null,
          (long) s.matmulN() * s.matmulN(), 12.0 * s.matmulN() * s.matmulN(), Double.NaN, cube,
          limits.matmulSamples(), null, limits));
      long n = FfnLimits.DRAM_COPY_FLOATS;
      results.add(new Result(LatencyRow.LIMIT, null, 0, "copy", "fp32", "memcpy", "copy", null, n,
          8.0 * n, Double.NaN, 0, new double[] {8.0 * n / limits.dramCopyBytesPerSec()}, null,
          limits));
      Map<String, FfnReference.Check> checked = new LinkedHashMap<>();
      for (FfnShape shape : s.shapes()) {
        long shapeStart = System.nanoTime();
        log.printf(Locale.ROOT, "%s: %.2f GB of float32 weights%s%n", shape,
            shape.weightBytes() / 1e9, shape.moe() ? " (experts allocated when first routed to)"
                : "");
        try (FfnBlock block = FfnBlock.random(manager, shape, SEED + shape.hashCode())) {
          for (int tokens : shape.moe() ? s.moeTokens() : s.tokens()) {
            runShape(s, block, tokens, limits, manager, checked, results, log);
          }
          if (shape.moe()) {
            log.printf(Locale.ROOT, "  %d of %d experts allocated%n", block.allocatedExperts(),
                shape.experts());
          }
          log.printf(Locale.ROOT, "  %s: %.1f s%n", shape.name(),
              (System.nanoTime() - shapeStart) / 1e9);
        }
      }
      checks.addAll(checked.values());
      FfnLimits last = limits.again(manager);
      log.printf(Locale.ROOT, "Limits at the end: copy %.1f GB/s (64 MiB arrays), %s; kept: the "
          + "higher of each%n", last.dramCopyBytesPerSec() / 1e9, last);
      List<Result> fin = results.stream().map(r -> r.withLimits(last)).toList();
      return new Report(fin, checks, last, last.dramCopyBytesPerSec(), peer.engineInfo(), aliased);
    } finally {
      peer.close();
    }
  }

  /** The variants timed on a shape: each at fp32, the first also at each reduced precision. */
  static List<Variant> variants(Settings s, FfnShape shape) {
    List<String> names = shape.gated() ? s.gatedVariants() : s.plainVariants();
    List<Variant> out = new ArrayList<>();
    for (String n : names) {
      out.add(Catalogue.variant(n));
    }
    for (String p : s.precisions()) {
      out.add(Catalogue.variant(names.get(0) + "@" + p));
    }
    return out;
  }

  /** The small shape a variant's block is checked on: same kind (gated, MoE) as {@code shape}. */
  static FfnShape checkShape(FfnShape shape) {
    return new FfnShape("check", 64, 256, shape.gated(), shape.moe() ? 4 : 1,
        shape.moe() ? 2 : 1);
  }

  private static void runShape(Settings s, FfnBlock block, int tokens, FfnLimits limits,
      NDManager manager, Map<String, FfnReference.Check> checked, List<Result> results,
      PrintStream log) {
    FfnShape shape = block.shape();
    float[] x = FfnBlock.gaussian(SEED + tokens, tokens * shape.hidden(), 1);
    int used = block.expertsUsed(x, tokens);
    Cost cost = Cost.of(shape, tokens, used);
    boolean first = true;
    for (Variant v : variants(s, shape)) {
      for (FfnAct act : acts(v)) {
        FfnShape small = checkShape(shape);
        String key = small.dims() + "|" + v.name() + "|" + act.impl();
        if (!checked.containsKey(key)) {
          FfnReference.Check c = FfnReference.check(manager, small, 4, act, SEED);
          checked.put(key, c);
          log.println("  check " + c);
        }
        List<Result> rs = timeBlock(s, block, x, tokens, act, cost, limits);
        results.addAll(rs);
        log.println("  " + blockLine(rs));
      }
      if (first) {
        results.addAll(fusion(s, block, x, tokens, v, limits, log));
        first = false;
      }
    }
  }

  /**
   * The minimum work of a block's stages: activation outputs, FLOPs and bytes read + written
   * (float32), with {@code used} experts reading their weights.
   */
  record Cost(long elems, double upFlops, double upBytes, double actBytes, double xferBytes,
      double routeFlops, double routeBytes, double downFlops, double downBytes) {
    static Cost of(FfnShape s, int tokens, int used) {
      long rows = (long) tokens * s.topK();
      double h = s.hidden();
      double i = s.intermediate();
      int in = s.gated() ? 2 : 1;
      long elems = rows * s.intermediate();
      return new Cost(elems, 2 * rows * h * i * in, 4 * (used * h * i * in + rows * h + rows * i * in),
          elems * (s.gated() ? 12.0 : 8.0), elems * (s.gated() ? 24.0 : 16.0),
          s.moe() ? 2.0 * tokens * h * s.experts() : 0, s.moe() ? 16 * rows * h : 0,
          2 * rows * i * h, 4 * (used * i * h + rows * i + rows * h));
    }
  }

  private static List<Result> timeBlock(Settings s, FfnBlock block, float[] x, int tokens,
      FfnAct act, Cost c, FfnLimits limits) {
    act.warmJit(s.jitWarmMillis());
    FfnStage.Clock clock = new FfnStage.Clock();
    // Warm-up: at least the given blocks, and at least a fifth of the case's time budget, so that
    // small blocks run often enough for the JIT (kernel, DJL's Java side) to settle.
    long warmStart = System.nanoTime();
    for (int w = 0; w < s.warmups() || System.nanoTime() - warmStart < s.secondsPerCase() * 2e8;
        w++) {
      block.forward(x, tokens, act, clock).close();
    }
    List<long[]> samples = new ArrayList<>();
    double spent = 0;
    while (samples.size() < s.maxReps()
        && (samples.size() < s.minReps() || spent < s.secondsPerCase())) {
      clock.reset();
      block.forward(x, tokens, act, clock).close();
      long[] ns = new long[FfnStage.values().length];
      for (FfnStage st : FfnStage.values()) {
        ns[st.ordinal()] = clock.get(st);
      }
      samples.add(ns);
      spent += clock.get(FfnStage.BLOCK) / 1e9;
    }
    FfnShape shape = block.shape();
    Variant v = act.variant();
    String mode = act.impl().equals("djl") ? "torch_ops" : shape.gated() ? "fused_inplace"
        : "inplace";
    List<Result> out = new ArrayList<>();
    for (FfnStage st : FfnStage.values()) {
      if ((st == FfnStage.ROUTE && !shape.moe())
          || (st == FfnStage.XFER && act.impl().equals("djl"))) {
        continue;
      }
      double[] sec = samples.stream().mapToDouble(ns -> ns[st.ordinal()] / 1e9).toArray();
      double bytes;
      double flops;
      switch (st) {
        case UP -> {
          bytes = c.upBytes();
          flops = c.upFlops();
        }
        case DOWN -> {
          bytes = c.downBytes();
          flops = c.downFlops();
        }
        case ROUTE -> {
          bytes = c.routeBytes();
          flops = c.routeFlops();
        }
        case ACT -> {
          bytes = c.actBytes();
          flops = 0;
        }
        case XFER -> {
          bytes = c.xferBytes();
          flops = 0;
        }
        default -> {
          bytes = c.upBytes() + c.actBytes() + c.downBytes() + c.routeBytes();
          flops = c.upFlops() + c.downFlops() + c.routeFlops();
        }
      }
      out.add(new Result(LatencyRow.FFN, shape, tokens, v.name(), v.precision().baseName(),
          act.impl(), st.label(), st == FfnStage.ACT ? mode : null, c.elems(), bytes, Double.NaN,
          flops, sec, c, limits));
    }
    return out;
  }

  /** One line per timed case: the stages' medians, the activation's share, the block's fraction. */
  static String blockLine(List<Result> rs) {
    StringBuilder sb = new StringBuilder();
    Result block = rs.get(rs.size() - 1);
    sb.append(String.format(Locale.ROOT, "%s tokens=%d %s %s:", block.shape().name(),
        block.tokens(), block.variant(), block.impl()));
    for (Result r : rs) {
      sb.append(String.format(Locale.ROOT, " %s %.3f ms", r.stage(), r.p50() * 1e3));
    }
    double act = rs.stream().filter(r -> r.stage().equals("act")).mapToDouble(Result::p50).sum();
    sb.append(String.format(Locale.ROOT, " (spread %.3f ms, %d reps); act %.1f%% of block; "
        + "block %.0f%% of roofline (start limits)", block.spread() * 1e3, block.seconds().length,
        100 * act / block.p50(), 100 * block.ofLimit()));
    return sb.toString();
  }

  /**
   * The activation step alone on the block's own products (the first expert that tokens reach),
   * by Ablate's SIMD kernel: gated {@code fused} (act(gate)·up in one pass, into a separate
   * buffer), {@code fused_inplace} (over up), {@code unfused} (act(gate) into a buffer, then the
   * multiply into another), {@code unfused_inplace} (act over gate, the product over up);
   * elementwise {@code separate} and {@code inplace}. Inputs are restored (untimed) before every
   * pass, so every mode starts from the same cache state. Bytes: reads + writes of each pass; with
   * write-allocate, a store to a line not already read also reads it first.
   */
  private static List<Result> fusion(Settings s, FfnBlock block, float[] x, int tokens, Variant v,
      FfnLimits limits, PrintStream log) {
    FfnShape shape = block.shape();
    float[][] p = block.products(x, tokens);
    float[] gate0 = p[0];
    float[] up0 = p[1];
    int n = up0.length;
    Kernel k = v.kernel(Variant.Impl.SIMD);
    Kernel mul = Catalogue.variant("bilinear").kernel(Variant.Impl.SIMD);
    float[] g = new float[n];
    float[] u = new float[n];
    float[] buf = new float[n];
    float[] out = new float[n];
    Map<String, Runnable> modes = new LinkedHashMap<>();
    Map<String, double[]> bytes = new LinkedHashMap<>(); // {minimum, with write-allocate}
    if (shape.gated()) {
      modes.put("fused", () -> k.applyGated(g, 0, u, 0, out, 0, n));
      bytes.put("fused", new double[] {12.0 * n, 16.0 * n});
      modes.put("fused_inplace", () -> k.applyGated(g, 0, u, 0, u, 0, n));
      bytes.put("fused_inplace", new double[] {12.0 * n, 12.0 * n});
      modes.put("unfused", () -> {
        k.apply(g, 0, buf, 0, n);
        mul.applyGated(buf, 0, u, 0, out, 0, n);
      });
      bytes.put("unfused", new double[] {20.0 * n, 28.0 * n});
      modes.put("unfused_inplace", () -> {
        k.apply(g, 0, g, 0, n);
        mul.applyGated(g, 0, u, 0, u, 0, n);
      });
      bytes.put("unfused_inplace", new double[] {20.0 * n, 20.0 * n});
    } else {
      modes.put("separate", () -> k.apply(u, 0, out, 0, n));
      bytes.put("separate", new double[] {8.0 * n, 12.0 * n});
      modes.put("inplace", () -> k.apply(u, 0, u, 0, n));
      bytes.put("inplace", new double[] {8.0 * n, 8.0 * n});
    }
    Runnable restore = () -> {
      System.arraycopy(up0, 0, u, 0, n);
      if (gate0 != null) {
        System.arraycopy(gate0, 0, g, 0, n);
      }
    };
    restore.run();
    int c = Math.min(Timing.JIT_CHUNK, n);
    Timing.warmJit(() -> {
      if (shape.gated()) {
        k.applyGated(g, 0, u, 0, out, 0, c);
        k.apply(g, 0, buf, 0, c);
        mul.applyGated(buf, 0, u, 0, out, 0, c);
      } else {
        k.apply(u, 0, out, 0, c);
      }
    }, s.jitWarmMillis());
    int reps = (int) Math.max(s.minReps(), Math.min(51, 2e8 / Math.max(1, n)));
    List<Result> out2 = new ArrayList<>();
    double fused = Double.NaN;
    StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
        "  fusion %s tokens=%d %s (%d el):", shape.name(), tokens, v.name(), n));
    for (Map.Entry<String, Runnable> e : modes.entrySet()) {
      double[] sec = new double[reps];
      for (int w = 0; w < 2; w++) {
        restore.run();
        e.getValue().run();
      }
      for (int r = 0; r < reps; r++) {
        restore.run();
        long t0 = System.nanoTime();
        e.getValue().run();
        sec[r] = (System.nanoTime() - t0) / 1e9;
      }
      double[] b = bytes.get(e.getKey());
      Result r = new Result(LatencyRow.FFN_FUSION, shape, tokens, v.name(),
          v.precision().baseName(), k.impl(), "act", e.getKey(), n, b[0], b[1], 0, sec, null,
          limits);
      out2.add(r);
      if (Double.isNaN(fused)) {
        fused = r.p50();
      }
      line.append(String.format(Locale.ROOT, " %s %.3f ms (%.2fx)", e.getKey(), r.p50() * 1e3,
          r.p50() / fused));
    }
    log.println(line);
    return out2;
  }

  /** The Ablate kernel and the PyTorch form of a variant (the latter if PyTorch has one). */
  static List<FfnAct> acts(Variant v) {
    List<FfnAct> acts = new ArrayList<>();
    acts.add(FfnAct.kernel(v, Variant.Impl.SIMD));
    Optional<FfnAct> torch = FfnAct.djl(v);
    torch.ifPresent(acts::add);
    return acts;
  }
}

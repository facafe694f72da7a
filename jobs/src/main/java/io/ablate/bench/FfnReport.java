package io.ablate.bench;

import io.ablate.latency.LatencyRow;
import io.ablate.latency.MemoryBandwidth;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The FFN benchmark as a part of {@code ablate bench}: runs {@link FfnBench}, then turns its report
 * into latency rows, the performance documentation's Markdown (blocks, stages against the limits, fused vs unfused, the
 * reference checks) and summary lines.
 */
public final class FfnReport implements BenchPart {
  private final FfnBench.Settings settings;

  public FfnReport(FfnBench.Settings settings) {
    this.settings = settings;
  }

  @Override
  public String name() {
    return "ffn";
  }

  @Override
  public void run(BenchSuite.Context ctx) {
    FfnBench.Report r = FfnBench.run(settings, ctx.out());
    List<LatencyRow> rows = new ArrayList<>();
    for (FfnBench.Result res : r.results()) {
      rows.add(res.toLatencyRow(ctx.host(), ctx.device()));
    }
    ctx.addRows(rows);
    ctx.addMarkdown(markdown(r, ctx.command(), ctx.machine()));
    summarise(r, ctx);
    if (!r.checksPassed()) {
      throw new IllegalStateException("an FFN block failed its float64 reference check: "
          + r.checks().stream().filter(c -> !c.passed()).toList());
    }
  }

  private static String ms(double seconds) {
    double m = seconds * 1e3;
    return String.format(Locale.ROOT, m >= 100 ? "%.0f" : m >= 10 ? "%.1f" : m >= 1 ? "%.2f"
        : "%.3f", m);
  }

  private static String pct(double f) {
    return String.format(Locale.ROOT, f >= 0.1 ? "%.0f%%" : "%.1f%%", 100 * f);
  }

  /** Results of one timed case (shape, tokens, variant, impl), by stage. */
  private static Map<String, Map<String, FfnBench.Result>> cases(List<FfnBench.Result> results) {
    Map<String, Map<String, FfnBench.Result>> byCase = new LinkedHashMap<>();
    for (FfnBench.Result r : results) {
      if (r.scope().equals(LatencyRow.FFN)) {
        byCase.computeIfAbsent(r.shape().label() + "|" + r.tokens() + "|" + r.variant() + "|"
            + r.impl(), k -> new LinkedHashMap<>()).put(r.stage(), r);
      }
    }
    return byCase;
  }

  static String markdown(FfnBench.Report r, String command, String machine) {
    StringBuilder sb = new StringBuilder();
    FfnLimits lim = r.limits();
    sb.append("FFN blocks at model shapes, one thread. Command: `").append(command).append("` (")
        .append(LocalDate.now()).append(")  \nMachine: ").append(machine).append("  \n")
        .append("Engine: ").append(r.engine()).append("  \n");
    sb.append(String.format(Locale.ROOT, "Limits in the same run: memory copy %.1f GB/s "
        + "(64 MiB arrays, the fastest of %s, bytes read + written; smaller working sets are held "
        + "to a copy of their own size), matrix product %.1f GFLOP/s (PyTorch `matmul` of two "
        + "%d×%d float32 matrices, median, spread %.1f GFLOP/s); each measured at the start and "
        + "the end of the run, the higher kept.%n%n",
        r.dramCopyBytesPerSec() / 1e9, MemoryBandwidth.forms(), lim.matmulFlopsPerSec() / 1e9,
        lim.matmulN(), lim.matmulN(), spreadFlops(lim)));
    sb.append("| model | shape | tokens | variant | act by | up(+gate) ms | route ms | act ms | "
        + "xfer ms | down ms | block ms (spread) | act share | act+xfer share | block of roofline "
        + "|\n|---|---|--:|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
    for (Map<String, FfnBench.Result> c : cases(r.results()).values()) {
      FfnBench.Result b = c.get("block");
      FfnBench.Result act = c.get("act");
      FfnBench.Result xfer = c.get("xfer");
      FfnBench.Result route = c.get("route");
      double actShare = act.p50() / b.p50();
      double xferShare = xfer == null ? 0 : xfer.p50() / b.p50();
      sb.append("| ").append(b.shape().name()).append(" | ").append(b.shape().dims())
          .append(" | ").append(b.tokens()).append(" | ").append(b.variant()).append(" | ")
          .append(b.impl().equals("djl") ? "PyTorch" : "Ablate " + b.impl()).append(" | ")
          .append(ms(c.get("up").p50())).append(" | ")
          .append(route == null ? "–" : ms(route.p50())).append(" | ")
          .append(ms(act.p50())).append(" | ")
          .append(xfer == null ? "–" : ms(xfer.p50())).append(" | ")
          .append(ms(c.get("down").p50())).append(" | ")
          .append(ms(b.p50())).append(" (").append(ms(b.spread())).append(") | ")
          .append(pct(actShare)).append(" | ")
          .append(xfer == null ? "–" : pct(actShare + xferShare)).append(" | ")
          .append(pct(b.ofLimit())).append(" |\n");
    }
    sb.append("\nMedians over the timed blocks after warm-up; spread = slowest − fastest. Products: "
        + "PyTorch float32 `matmul` through DJL. `act by Ablate simd`: the products are copied "
        + "out of PyTorch (xfer), the kernel computes act(gate)·up in one pass over the up array, "
        + "the result is copied back into the up product's tensor (xfer); `act by PyTorch`: "
        + "PyTorch's eager ops (one op per step, each allocating its output). Reduced precisions "
        + "(`@bf16`, ...) round the activation's inputs and outputs (Ablate kernels only; products "
        + "stay float32). A block's roofline is the sum over its stages of the time the binding "
        + "limit allows (products: FLOPs at the matmul rate or weight bytes at the copy bandwidth, "
        + "whichever is slower; activation: its bytes at the copy bandwidth); xfer is overhead "
        + "outside it.\n");
    if (r.results().stream().anyMatch(x -> x.shape() != null && x.shape().moe())) {
      sb.append("Mixture of experts: a router (H×E) picks the top-k experts per token; each expert "
          + "runs on its tokens and the outputs are summed with softmax weights (route: logits, "
          + "top-k, gather and weighted scatter, in Java). Experts' weights are allocated when "
          + "first routed to: a decode step touches 2 of 8 (1.4 GB of 5.6 GB read per token).\n");
    }
    sb.append("\nStages against the limits (the model's own activation by Ablate's kernel):\n\n");
    sb.append("| model | tokens | stage | ms (spread) | GFLOP/s | GB/s | limit | of limit |\n"
        + "|---|--:|---|--:|--:|--:|---|--:|\n");
    List<String> seen = new ArrayList<>();
    for (Map<String, FfnBench.Result> c : cases(r.results()).values()) {
      FfnBench.Result b = c.get("block");
      String key = b.shape().label() + "|" + b.tokens();
      if (seen.contains(key) || !b.impl().equals("simd")) {
        continue;
      }
      seen.add(key);
      for (FfnBench.Result s : c.values()) {
        double sec = s.p50();
        sb.append("| ").append(s.shape().name()).append(" | ").append(s.tokens()).append(" | ")
            .append(s.stage()).append(" | ").append(ms(sec)).append(" (").append(ms(s.spread()))
            .append(") | ").append(s.flops() > 0 ? String.format(Locale.ROOT, "%.1f",
                s.flops() / sec / 1e9) : "–").append(" | ")
            .append(String.format(Locale.ROOT, "%.1f", s.bytes() / sec / 1e9)).append(" | ")
            .append(s.limit()).append(" | ").append(pct(s.ofLimit())).append(" |\n");
      }
    }
    sb.append("\nFused vs unfused activation step, on the block's own products (Ablate SIMD "
        + "kernel; inputs restored before each pass):\n\n");
    sb.append("| model | tokens | variant | mode | MB moved | with write-allocate | ms (spread) | "
        + "GB/s | of copy | vs first |\n|---|--:|---|---|--:|--:|--:|--:|--:|--:|\n");
    double first = Double.NaN;
    String group = null;
    for (FfnBench.Result f : r.results()) {
      if (!f.scope().equals(LatencyRow.FFN_FUSION)) {
        continue;
      }
      String g = f.shape().label() + "|" + f.tokens();
      if (!g.equals(group)) {
        group = g;
        first = f.p50();
      }
      sb.append("| ").append(f.shape().name()).append(" | ").append(f.tokens()).append(" | ")
          .append(f.variant()).append(" | ").append(f.mode()).append(" | ")
          .append(String.format(Locale.ROOT, "%.2f", f.bytes() / 1e6)).append(" | ")
          .append(String.format(Locale.ROOT, "%.2f", f.bytesWriteAllocate() / 1e6)).append(" | ")
          .append(ms(f.p50())).append(" (").append(ms(f.spread())).append(") | ")
          .append(String.format(Locale.ROOT, "%.1f", f.bytes() / f.p50() / 1e9)).append(" | ")
          .append(pct(f.ofLimit())).append(" | ")
          .append(String.format(Locale.ROOT, "%.2f×", f.p50() / first)).append(" |\n");
    }
    sb.append("\nBytes: reads + writes of float32 arrays (fused: gate and up read, one output "
        + "written; unfused: the activation's pass and the multiply's); with write-allocate a store "
        + "to a line not read before costs a read too, which in-place forms avoid. `of copy`: "
        + "against the copy bandwidth at the same working-set size.\n");
    sb.append("\nReference checks (each variant's block against float64 on a small shape of the "
        + "same kind, 4 tokens; the bound is derived from float32 accumulation, see "
        + "`FfnReference`):\n\n| shape | variant | act by | max abs err | of max abs y | "
        + "worst err / bound | bound, of max abs y | |\n|---|---|---|--:|--:|--:|--:|---|\n");
    for (FfnReference.Check c : r.checks()) {
      sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %.2e | %.2e | %.3f | %.2e | %s |%n",
          c.shape(), c.variant(), c.impl(), c.maxAbsErr(), c.maxRelErr(), c.worstErrOverBound(),
          c.maxBoundRel(), c.passed() ? "ok" : "FAILED"));
    }
    return sb.toString();
  }

  private static double spreadFlops(FfnLimits lim) {
    double lo = Double.MAX_VALUE;
    double hi = 0;
    double flops = 2.0 * Math.pow(lim.matmulN(), 3);
    for (double s : lim.matmulSamples()) {
      lo = Math.min(lo, flops / s);
      hi = Math.max(hi, flops / s);
    }
    return (hi - lo) / 1e9;
  }

  private static void summarise(FfnBench.Report r, BenchSuite.Context ctx) {
    ctx.addSummary(new BenchSuite.Line("limits", "memory copy (64 MiB)",
        r.dramCopyBytesPerSec() / 1e9, Double.NaN, "GB/s", Double.NaN, ""));
    ctx.addSummary(new BenchSuite.Line("limits", "matmul " + r.limits().matmulN() + "²",
        r.limits().matmulFlopsPerSec() / 1e9, spreadFlops(r.limits()), "GFLOP/s", Double.NaN,
        ""));
    for (Map<String, FfnBench.Result> c : cases(r.results()).values()) {
      FfnBench.Result b = c.get("block");
      if (!Objects.equals(b.precision(), "fp32")) {
        continue;
      }
      ctx.addSummary(new BenchSuite.Line("ffn", String.format(Locale.ROOT,
          "%s t=%d %s (%s), act %s of block", b.shape().name(), b.tokens(), b.variant(),
          b.impl().equals("djl") ? "PyTorch" : "Ablate", pct(c.get("act").p50() / b.p50())),
          b.p50() * 1e3, b.spread() * 1e3, "ms", b.ofLimit(), "roofline"));
    }
    long failed = r.checks().stream().filter(c -> !c.passed()).count();
    ctx.addSummary(new BenchSuite.Line("ffn", "float64 reference checks passed", 
        r.checks().size() - failed, Double.NaN, "of " + r.checks().size(), Double.NaN, ""));
  }
}

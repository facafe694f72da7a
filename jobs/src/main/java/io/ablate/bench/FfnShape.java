package io.ablate.bench;

import io.ablate.AblateException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shape of one FFN block: hidden size H, intermediate size I, whether it is gated
 * ({@code down(act(x·W_gate) · x·W_up)}, else {@code down(act(x·W_up))}), and for a
 * mixture of experts the number of experts and how many each token is routed to.
 *
 * <p>Spelled {@code HxI[:gated][:moe=E/K]}, optionally after a name and {@code =}, e.g.
 * {@code 4096x11008:gated} or {@code mixtral=4096x14336:gated:moe=8/2}.
 *
 * @param name a label (a model's name, or the spec itself)
 * @param hidden H, the model width
 * @param intermediate I, the FFN's inner width
 * @param gated whether there is a gate projection
 * @param experts experts in the layer (1: a dense FFN)
 * @param topK experts each token is routed to (1 for a dense FFN)
 */
public record FfnShape(String name, int hidden, int intermediate, boolean gated, int experts,
    int topK) {

  private static final Pattern SPEC = Pattern.compile(
      "(?:([A-Za-z0-9_.-]+)=)?(\\d+)x(\\d+)((?::gated)?)(?::moe=(\\d+)/(\\d+))?");

  public FfnShape {
    if (hidden < 1 || intermediate < 1 || experts < 1 || topK < 1 || topK > experts) {
      throw AblateException.badInput("FFN shape %s: need H, I >= 1 and 1 <= top-k <= experts", name);
    }
  }

  /** GPT-2 small: 768 → 3072, GELU (tanh form). */
  public static final FfnShape GPT2_SMALL = new FfnShape("gpt2-small", 768, 3072, false, 1, 1);
  /** GPT-2 XL: 1600 → 6400, GELU (tanh form). */
  public static final FfnShape GPT2_XL = new FfnShape("gpt2-xl", 1600, 6400, false, 1, 1);
  /** LLaMA-7B: 4096 → 11008, SwiGLU. */
  public static final FfnShape LLAMA_7B = new FfnShape("llama-7b", 4096, 11008, true, 1, 1);
  /** A Mixtral-style MoE layer: 8 experts of 4096 → 14336 SwiGLU, each token routed to 2. */
  public static final FfnShape MOE_8X2 = new FfnShape("moe-8x2", 4096, 14336, true, 8, 2);

  /** The shapes of the issue, in order. */
  public static List<FfnShape> defaults() {
    return List.of(GPT2_SMALL, GPT2_XL, LLAMA_7B, MOE_8X2);
  }

  /** One shape from its spelling; bad input names the spec. */
  public static FfnShape parse(String spec) {
    Matcher m = SPEC.matcher(spec.trim());
    if (!m.matches()) {
      throw AblateException.badInput("--shapes %s: expected HxI[:gated][:moe=E/K], e.g. "
          + "4096x11008:gated or 4096x14336:gated:moe=8/2", spec);
    }
    try {
      int h = Integer.parseInt(m.group(2));
      int i = Integer.parseInt(m.group(3));
      boolean gated = !m.group(4).isEmpty();
      int e = m.group(5) == null ? 1 : Integer.parseInt(m.group(5));
      int k = m.group(6) == null ? 1 : Integer.parseInt(m.group(6));
      String canonical = h + "x" + i + (gated ? ":gated" : "") + (e > 1 || k > 1
          ? ":moe=" + e + "/" + k : "");
      return new FfnShape(m.group(1) == null ? canonical : m.group(1), h, i, gated, e, k);
    } catch (NumberFormatException ex) {
      throw AblateException.badInput("--shapes %s: a size does not fit an int", spec);
    }
  }

  /** A comma-separated list of shapes. */
  public static List<FfnShape> parseList(String specs) {
    List<FfnShape> out = new ArrayList<>();
    for (String s : specs.split(",")) {
      if (!s.isBlank()) {
        out.add(parse(s));
      }
    }
    if (out.isEmpty()) {
      throw AblateException.badInput("--shapes '%s': no shape given", specs);
    }
    return out;
  }

  public boolean moe() {
    return experts > 1;
  }

  /** The dimensions as written in a spec, e.g. {@code 4096x14336:gated:moe=8/2}. */
  public String dims() {
    return hidden + "x" + intermediate + (gated ? ":gated" : "") + (moe() || topK > 1
        ? ":moe=" + experts + "/" + topK : "");
  }

  /** Name and dimensions, as the {@code shape} column of the latency table holds them. */
  public String label() {
    return name.equals(dims()) ? dims() : name + " " + dims();
  }

  /** Weights of one expert's projections: 2 (up, down) or 3 (with the gate). */
  public int matrices() {
    return gated ? 3 : 2;
  }

  /** Float32 bytes of all weights of the layer (every expert, not counting a router). */
  public long weightBytes() {
    return 4L * hidden * intermediate * matrices() * experts;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%s (%s)", name, dims());
  }
}

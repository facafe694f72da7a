package io.ablate.bench;

/**
 * The stages of an FFN block as the benchmark times them, in the order a block runs them; the
 * {@code stage} column of the latency table holds {@link #label()}.
 */
public enum FfnStage {
  /** The up projection and, in a gated block, the gate projection: x·W_up, x·W_gate. */
  UP("up"),
  /** The router of a mixture of experts: logits, top-k, gathering each expert's tokens, and
   *  scattering the weighted expert outputs back. */
  ROUTE("route"),
  /** The activation: act(up), or act(gate)·up. */
  ACT("act"),
  /** Moving the products between the engine's tensors and Java arrays (Ablate kernels only). */
  XFER("xfer"),
  /** The down projection: h·W_down. */
  DOWN("down"),
  /** The whole block, end to end. */
  BLOCK("block");

  private final String label;

  FfnStage(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  /** Nanoseconds spent per stage during one block pass; stages add to it as they run. */
  static final class Clock {
    private final long[] ns = new long[values().length];

    void add(FfnStage s, long nanos) {
      ns[s.ordinal()] += nanos;
    }

    long get(FfnStage s) {
      return ns[s.ordinal()];
    }

    void reset() {
      java.util.Arrays.fill(ns, 0);
    }
  }
}

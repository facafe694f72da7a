package io.ablate.bench;

import ai.djl.ndarray.NDArray;
import io.ablate.activation.GatedActivation;
import io.ablate.activation.Variant;
import io.ablate.kernel.Kernel;
import io.ablate.latency.DjlPeer;
import io.ablate.latency.Timing;
import io.ablate.precision.Precision;
import java.util.Optional;

/**
 * The middle step of an FFN block, between the two products on the engine: {@code act(up)}, or
 * {@code act(gate)·up} in a gated block, computed by PyTorch ({@link #djl}) or by an Ablate kernel
 * ({@link #kernel}).
 */
abstract class FfnAct {
  private final Variant variant;

  FfnAct(Variant variant) {
    this.variant = variant;
  }

  Variant variant() {
    return variant;
  }

  /** Gets an Ablate kernel compiled by C2 before it is timed (see {@link Timing#warmJit}). */
  void warmJit(long millis) {}

  /** {@code simd} (or {@code scalar} without the vector module) or {@code djl}. */
  abstract String impl();

  /**
   * The block's hidden activations from the products {@code gate} (null unless gated) and
   * {@code up}, both {@code [tokens, I]}; adds its time to {@code clock}. May return {@code up}
   * itself (written in place); the caller closes what it passed and what it got.
   */
  abstract NDArray apply(NDArray gate, NDArray up, FfnStage.Clock clock);

  /**
   * PyTorch's own ops for the variant (fp32 only): one op where DJL has it, else composed; a gated
   * variant is its gate function's ops, then a multiply in place. Empty when PyTorch has no form.
   */
  static Optional<FfnAct> djl(Variant v) {
    if (!(v.precision() instanceof Precision.Float32)) {
      return Optional.empty();
    }
    Variant f = v.gated()
        ? new Variant(((GatedActivation) v.activation()).gate(), v.params(), v.precision()) : v;
    return DjlPeer.op(f).map(op -> new FfnAct(v) {
      @Override
      String impl() {
        return "djl";
      }

      @Override
      NDArray apply(NDArray gate, NDArray up, FfnStage.Clock clock) {
        long t0 = System.nanoTime();
        NDArray h = op.fn().apply(v.gated() ? gate : up);
        if (v.gated()) {
          h.muli(up);
        }
        clock.add(FfnStage.ACT, System.nanoTime() - t0);
        return h;
      }
    });
  }

  /**
   * An Ablate kernel of the variant ({@code impl}: SIMD, or scalar), run on Java arrays: the
   * products are copied out of the engine (xfer), the kernel writes {@code act(gate)·up} over the up
   * array in one pass (act, fused and in place), and the result is copied back into the up
   * projection's own tensor (xfer), which becomes the down projection's input. Arrays are reused
   * from call to call.
   */
  static FfnAct kernel(Variant v, Variant.Impl impl) {
    Kernel k = v.kernel(impl);
    return new FfnAct(v) {
      private float[] g = new float[0];
      private float[] u = new float[0];

      @Override
      String impl() {
        return k.impl();
      }

      @Override
      void warmJit(long millis) {
        int c = Timing.JIT_CHUNK;
        float[] a = FfnBlock.gaussian(1, c, 1);
        float[] b = FfnBlock.gaussian(2, c, 1);
        float[] o = new float[c];
        Timing.warmJit(v.gated() ? () -> k.applyGated(a, 0, b, 0, o, 0, c)
            : () -> k.apply(a, 0, o, 0, c), millis);
      }

      @Override
      NDArray apply(NDArray gate, NDArray up, FfnStage.Clock clock) {
        int n = Math.toIntExact(up.size());
        if (u.length < n) {
          u = new float[n];
          g = v.gated() ? new float[n] : g;
        }
        long t0 = System.nanoTime();
        EngineBuffers.read(up, u, n);
        if (v.gated()) {
          EngineBuffers.read(gate, g, n);
        }
        long t1 = System.nanoTime();
        if (v.gated()) {
          k.applyGated(g, 0, u, 0, u, 0, n);
        } else {
          k.apply(u, 0, u, 0, n);
        }
        long t2 = System.nanoTime();
        EngineBuffers.write(u, n, up);
        long t3 = System.nanoTime();
        clock.add(FfnStage.XFER, (t1 - t0) + (t3 - t2));
        clock.add(FfnStage.ACT, t2 - t1);
        return up;
      }
    };
  }
}

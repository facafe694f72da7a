package io.ablate.model;

import ai.djl.ndarray.NDArray;
import io.ablate.activation.Variant;
import io.ablate.kernel.Kernel;

/**
 * The FFN activations of a {@link VariantConfig}, computed by the activation catalogue's float32
 * kernels, the definitions the ablation job uses: the FFN intermediate is copied out of the engine,
 * each token's vector goes through its layer's kernel (one call per token, so an int8 variant
 * calibrates per token and a token's result never depends on the rest of the batch) and is copied
 * back. An optional {@link Hook} sees each token's input exactly as the kernel receives it.
 */
public final class CatalogueFfn implements Ffn {
  /** Receives the FFN activation input of one token of one layer (gated: gate and up). */
  @FunctionalInterface
  public interface Hook {
    /**
     * @param row the token's row in the batch, {@code b · T + t}
     * @param up the up projection, or null for an elementwise FFN
     */
    void accept(int layer, int row, float[] gate, float[] up, int off, int len);
  }

  private final VariantConfig config;
  private final Kernel[] kernels;
  private final Hook hook;

  public CatalogueFfn(VariantConfig config, Hook hook) {
    this.config = config;
    this.kernels = new Kernel[config.perLayer().length];
    for (int l = 0; l < kernels.length; l++) {
      kernels[l] = config.layer(l).kernel();
    }
    this.hook = hook;
  }

  public CatalogueFfn(VariantConfig config) {
    this(config, null);
  }

  @Override
  public Variant activation(int layer) {
    return config.layer(layer);
  }

  @Override
  public NDArray elementwise(int layer, NDArray h) {
    float[] buf = h.toFloatArray();
    int n = (int) h.getShape().tail();
    Kernel k = kernels[layer];
    for (int off = 0, row = 0; off < buf.length; off += n, row++) {
      if (hook != null) {
        hook.accept(layer, row, buf, null, off, n);
      }
      k.apply(buf, off, buf, off, n);
    }
    return DjlModel.owned(h.getManager(), buf, h.getShape());
  }

  @Override
  public NDArray gated(int layer, NDArray gate, NDArray up) {
    float[] g = gate.toFloatArray();
    float[] u = up.toFloatArray();
    float[] out = new float[g.length];
    int n = (int) gate.getShape().tail();
    Kernel k = kernels[layer];
    for (int off = 0, row = 0; off < g.length; off += n, row++) {
      if (hook != null) {
        hook.accept(layer, row, g, u, off, n);
      }
      k.applyGated(g, off, u, off, out, off, n);
    }
    return DjlModel.owned(gate.getManager(), out, gate.getShape());
  }
}

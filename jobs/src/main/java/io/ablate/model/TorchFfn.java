package io.ablate.model;

import ai.djl.ndarray.NDArray;
import io.ablate.activation.Variant;

/**
 * The model's own activation, differentiable, for training only (evaluation and capture use
 * {@link CatalogueFfn}): the catalogue's definition of each layer's own variant as PyTorch
 * operations ({@link TorchExpr}).
 */
public final class TorchFfn implements Ffn {
  private final Variant[] own;
  private final TorchExpr[] activations;

  public TorchFfn(ModelConfig config) {
    this.own = config.layerActivations();
    this.activations = new TorchExpr[own.length];
    for (int l = 0; l < own.length; l++) {
      activations[l] = TorchExpr.of(own[l]);
    }
  }

  @Override
  public Variant activation(int layer) {
    return own[layer];
  }

  @Override
  public NDArray elementwise(int layer, NDArray h) {
    return activations[layer].apply(h);
  }

  @Override
  public NDArray gated(int layer, NDArray gate, NDArray up) {
    return activations[layer].apply(gate, up);
  }
}

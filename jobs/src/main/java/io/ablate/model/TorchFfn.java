package io.ablate.model;

import ai.djl.ndarray.NDArray;

/**
 * The model's own activation, differentiable, for training only (evaluation and capture use
 * {@link CatalogueFfn}): the catalogue's definition of the model's baseline variant as PyTorch
 * operations ({@link TorchExpr}).
 */
public final class TorchFfn implements Ffn {
  private final TorchExpr activation;

  public TorchFfn(ModelConfig config) {
    this.activation = TorchExpr.of(config.baseline());
  }

  @Override
  public NDArray elementwise(int layer, NDArray h) {
    return activation.apply(h);
  }

  @Override
  public NDArray gated(int layer, NDArray gate, NDArray up) {
    return activation.apply(gate, up);
  }
}

package io.ablate.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;

/**
 * The model's own activation as PyTorch ops, differentiable, for training only (evaluation and
 * capture use {@link CatalogueFfn}): exact GELU, the tanh form, and SwiGLU. Constants are
 * PyTorch-owned tensors ({@link DjlModel#constant}), never Numbers.
 */
public final class TorchFfn implements Ffn {
  private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2 / Math.PI);
  private final String activation;

  public TorchFfn(ModelConfig config) {
    this.activation = config.activation();
    if (!activation.equals("gelu") && !activation.equals("gelu_tanh")
        && !activation.equals("swiglu")) {
      throw new IllegalArgumentException("training supports gelu, gelu_tanh, swiglu; not "
          + activation);
    }
  }

  @Override
  public NDArray elementwise(int layer, NDArray h) {
    if (activation.equals("gelu")) {
      return Activation.gelu(h);
    }
    NDManager m = h.getManager();
    NDArray inner = h.pow(DjlModel.constant(m, 3f)).mul(DjlModel.constant(m, 0.044715f)).add(h)
        .mul(DjlModel.constant(m, SQRT_2_OVER_PI));
    return inner.tanh().add(DjlModel.constant(m, 1f)).mul(h).mul(DjlModel.constant(m, 0.5f));
  }

  @Override
  public NDArray gated(int layer, NDArray gate, NDArray up) {
    return Activation.sigmoid(gate).mul(gate).mul(up);
  }
}

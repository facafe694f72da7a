package io.ablate.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.ablate.activation.Variant;
import java.util.Map;

/** How the DJL forward pass computes each layer's FFN activation. */
public interface Ffn {
  /** {@code act(h)} of an elementwise FFN, {@code h} of shape {@code [..., intermediate]}. */
  NDArray elementwise(int layer, NDArray h);

  /** {@code act(gate) · up} of a gated FFN. */
  NDArray gated(int layer, NDArray gate, NDArray up);

  /** The activation layer {@code layer} computes now (learned parameters at their values). */
  Variant activation(int layer);

  /**
   * The activation's own trainable parameters, created in {@code manager} when a training starts
   * (by name; none unless the activation learns: {@link LearnableFfn}).
   */
  default Map<String, NDArray> parameters(NDManager manager) {
    return Map.of();
  }
}

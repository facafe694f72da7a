package io.ablate.model;

import ai.djl.ndarray.NDArray;

/** How the DJL forward pass computes each layer's FFN activation. */
public interface Ffn {
  /** {@code act(h)} of an elementwise FFN, {@code h} of shape {@code [..., intermediate]}. */
  NDArray elementwise(int layer, NDArray h);

  /** {@code act(gate) · up} of a gated FFN. */
  NDArray gated(int layer, NDArray gate, NDArray up);
}

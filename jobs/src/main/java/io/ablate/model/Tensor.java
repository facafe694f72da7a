package io.ablate.model;

import java.util.Arrays;

/** A named float tensor, row-major, as read from (or written to) a safetensors file. */
public record Tensor(String name, int[] shape, float[] data) {
  public Tensor {
    long n = 1;
    for (int d : shape) {
      n *= d;
    }
    if (n != data.length) {
      throw new IllegalArgumentException(name + ": shape " + Arrays.toString(shape) + " holds " + n
          + " values, not " + data.length);
    }
  }

  /** The shape as {@code [a, b]}. */
  public String shapeText() {
    return Arrays.toString(shape);
  }

  public int dim(int i) {
    return shape[i];
  }
}

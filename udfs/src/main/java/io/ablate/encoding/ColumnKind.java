package io.ablate.encoding;

/**
 * The column types an activation applies to: a float or double per row, an {@code array<float>}
 * vector per row, or a {@code binary} vector per row (little-endian, see {@link Dtype}).
 */
public enum ColumnKind {
  FLOAT, DOUBLE, FLOAT_ARRAY, BINARY;

  public boolean isVector() {
    return this == FLOAT_ARRAY || this == BINARY;
  }
}

/**
 * How activation vectors are encoded in Spark columns: the column kinds the SQL functions take
 * ({@link io.ablate.encoding.ColumnKind}: float, double, {@code array<float>}, binary) and the
 * little-endian dtypes of binary vectors ({@link io.ablate.encoding.Dtype}: f32, bf16, f16), with
 * their exact conversions to and from float32.
 *
 * <p>Errors: an unknown dtype name, or a binary vector whose length is not a multiple of its
 * dtype's width, is bad input ({@link io.ablate.AblateException}) naming the value.
 */
package io.ablate.encoding;

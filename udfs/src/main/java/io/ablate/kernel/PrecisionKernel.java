package io.ablate.kernel;

import io.ablate.PerThread;
import io.ablate.kernel.simd.Int8Simd;
import io.ablate.kernel.simd.RoundSimd;
import io.ablate.precision.FloatFormat;
import io.ablate.precision.Int8Quantiser;
import io.ablate.precision.Precision;

/**
 * A kernel run at a reduced precision: inputs rounded (or int8 fake-quantised) into a scratch
 * array, the float32 kernel applied, the output rounded in place. Each call is one tensor for int8
 * calibration. The scratch arrays are per thread (grown as needed, never allocated per call), so
 * instances are thread-safe; the inner kernel must not be a PrecisionKernel (it would share them).
 */
public final class PrecisionKernel implements Kernel {
  private final Kernel inner;
  private final Precision precision;
  /** Rounds arrays to the reduced format (null for int8): the vector form when SIMD is available. */
  private final ArrayRounder rounder;
  /** Quantises arrays to int8 at a scale (null unless int8): the vector form when SIMD is available. */
  private final ArrayQuantiser quantiser;

  /** Per thread, the rounded inputs: gate (or the only input) and up. */
  private static final PerThread<float[][]> SCRATCH = new PerThread<>(() -> new float[2][0]);

  /** Per thread, the int8 vector form's scratch (values in double). */
  private static final PerThread<double[][]> DOUBLES = new PerThread<>(() -> new double[1][0]);

  /** {@link Int8Quantiser}'s calibration and array quantisation, in one form. */
  private interface ArrayQuantiser {
    double calibrate(float[] a, int off, int len, double percentile);

    void quantise(float[] in, int inOff, float[] out, int outOff, int len, double scale);
  }

  private static final class ScalarQuantiser implements ArrayQuantiser {
    @Override
    public double calibrate(float[] a, int off, int len, double percentile) {
      return Int8Quantiser.calibrate(a, off, len, percentile);
    }

    @Override
    public void quantise(float[] in, int inOff, float[] out, int outOff, int len, double scale) {
      Int8Quantiser.quantise(in, inOff, out, outOff, len, scale);
    }
  }

  /** Loaded only when the Vector API module is there. */
  private static final class VectorQuantiser implements ArrayQuantiser {
    @Override
    public double calibrate(float[] a, int off, int len, double percentile) {
      return Int8Simd.calibrate(a, off, len, percentile);
    }

    @Override
    public void quantise(float[] in, int inOff, float[] out, int outOff, int len, double scale) {
      Int8Simd.quantise(in, inOff, out, outOff, len, scale, doubles(len));
    }
  }

  /** {@link FloatFormat#round(float[], int, float[], int, int)}'s shape. */
  private interface ArrayRounder {
    void round(float[] in, int inOff, float[] out, int outOff, int len);
  }

  private PrecisionKernel(Kernel inner, Precision precision) {
    this.inner = inner;
    this.precision = precision;
    this.rounder = precision instanceof Precision.Reduced r ? rounder(r.format()) : null;
    this.quantiser = precision instanceof Precision.Int8 ? quantiser() : null;
  }

  private static ArrayQuantiser quantiser() {
    // The vector class is only loaded when its module is there.
    return Simd.available() ? new VectorQuantiser() : new ScalarQuantiser();
  }

  private static double[] doubles(int len) {
    double[][] s = DOUBLES.get();
    if (s[0].length < len) {
      s[0] = new double[len];
    }
    return s[0];
  }

  private static ArrayRounder rounder(FloatFormat f) {
    // The vector class is only loaded when its module is there.
    return Simd.available() ? new RoundSimd(f)::round : f::round;
  }

  /** {@code inner} itself for fp32 and fp64, else a wrapper. */
  public static Kernel wrap(Kernel inner, Precision precision) {
    if (inner instanceof PrecisionKernel) {
      throw new IllegalArgumentException("a precision kernel cannot wrap another");
    }
    if (precision instanceof Precision.Float32 || precision instanceof Precision.Float64) {
      return inner;
    }
    return new PrecisionKernel(inner, precision);
  }

  @Override
  public void apply(float[] in, int inOff, float[] out, int outOff, int len) {
    float[] x = scratch(0, len);
    toPrecision(in, inOff, x, 0, len);
    inner.apply(x, 0, out, outOff, len);
    toPrecision(out, outOff, out, outOff, len);
  }

  @Override
  public void applyGated(float[] gate, int gateOff, float[] up, int upOff, float[] out, int outOff,
      int len) {
    float[] g = scratch(0, len);
    float[] u = scratch(1, len);
    toPrecision(gate, gateOff, g, 0, len);
    toPrecision(up, upOff, u, 0, len);
    inner.applyGated(g, 0, u, 0, out, outOff, len);
    toPrecision(out, outOff, out, outOff, len);
  }

  private static float[] scratch(int which, int len) {
    float[][] s = SCRATCH.get();
    if (s[which].length < len) {
      s[which] = new float[len];
    }
    return s[which];
  }

  private void toPrecision(float[] in, int inOff, float[] out, int outOff, int len) {
    if (rounder != null) {
      rounder.round(in, inOff, out, outOff, len);
    } else {
      Precision.Int8 q = (Precision.Int8) precision;
      double scale = q.isStatic() ? q.scale() : quantiser.calibrate(in, inOff, len, q.percentile());
      quantiser.quantise(in, inOff, out, outOff, len, scale);
    }
  }

  @Override
  public String impl() {
    return inner.impl();
  }
}

package io.ablate.model;

import ai.djl.ndarray.NDArray;
import io.ablate.activation.Variant;
import java.util.ArrayList;
import java.util.List;

/**
 * An FFN activation that, on the steps it is asked to, also measures what each layer's activation
 * sees and gives: the statistics of a training's {@code training} table. The measurement reads
 * detached copies, so it adds nothing to the gradient.
 */
public final class ObservedFfn implements Ffn {
  /**
   * One layer's activation at one step, over every element of the batch.
   *
   * @param inMean mean of the activation's input (gated: of the gate)
   * @param inStd its standard deviation
   * @param inMaxAbs its largest magnitude
   * @param outMean mean of the activation's output (gated: act(gate)·up)
   * @param outStd its standard deviation
   * @param outZeroFrac the fraction of outputs exactly ±0
   * @param saturatedFrac the fraction of inputs where the activation is saturated ({@link
   *     Saturation})
   * @param activation the layer's activation at that step
   */
  public record LayerStats(int layer, double inMean, double inStd, double inMaxAbs,
      double outMean, double outStd, double outZeroFrac, double saturatedFrac,
      String activation) {}

  private final Ffn delegate;
  private boolean recording;
  private final List<LayerStats> stats = new ArrayList<>();

  public ObservedFfn(Ffn delegate) {
    this.delegate = delegate;
  }

  /** Whether the next forward pass measures its layers. */
  void record(boolean on) {
    recording = on;
    stats.clear();
  }

  /** The layers measured since {@link #record}, in layer order; then none. */
  List<LayerStats> take() {
    List<LayerStats> out = List.copyOf(stats);
    stats.clear();
    recording = false;
    return out;
  }

  @Override
  public java.util.Map<String, NDArray> parameters(ai.djl.ndarray.NDManager manager) {
    return delegate.parameters(manager);
  }

  @Override
  public Variant activation(int layer) {
    return delegate.activation(layer);
  }

  @Override
  public NDArray elementwise(int layer, NDArray h) {
    NDArray y = delegate.elementwise(layer, h);
    measure(layer, h, y);
    return y;
  }

  @Override
  public NDArray gated(int layer, NDArray gate, NDArray up) {
    NDArray y = delegate.gated(layer, gate, up);
    measure(layer, gate, y);
    return y;
  }

  private void measure(int layer, NDArray in, NDArray out) {
    if (!recording) {
      return;
    }
    float[] x = in.stopGradient().toFloatArray();
    float[] y = out.stopGradient().toFloatArray();
    double[] a = moments(x);
    double[] b = moments(y);
    long zeros = 0;
    for (float v : y) {
      zeros += v == 0 ? 1 : 0;
    }
    Variant v = delegate.activation(layer);
    stats.add(new LayerStats(layer, a[0], a[1], a[2], b[0], b[1], (double) zeros / y.length,
        new Saturation(v).fraction(x), v.name()));
  }

  /** Mean, standard deviation (two-pass, float64) and largest magnitude. */
  private static double[] moments(float[] v) {
    double sum = 0;
    double max = 0;
    for (float f : v) {
      sum += f;
      max = Math.max(max, Math.abs(f));
    }
    double mean = sum / v.length;
    double sq = 0;
    for (float f : v) {
      sq += (f - mean) * (f - mean);
    }
    return new double[] {mean, Math.sqrt(sq / v.length), max};
  }
}

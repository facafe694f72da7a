package io.ablate.latency;

import ai.rapids.cudf.ColumnVector;
import ai.rapids.cudf.ColumnView;
import ai.rapids.cudf.Cuda;
import ai.rapids.cudf.DType;
import io.ablate.activation.Variant;
import io.ablate.encoding.ColumnKind;
import io.ablate.encoding.Dtype;
import io.ablate.expr.Expr;
import io.ablate.expr.GpuExpansion;
import io.ablate.gpu.GpuActivation;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.LoggerFactory;

/**
 * The GPU form of a variant timed with cuDF: the batch copied to the device once, then the same
 * call the GPU UDFs make ({@link GpuActivation} on float32 columns: gate and up for gated variants)
 * followed by a device synchronisation, per pass. Only the call is timed; its result is freed
 * after the clock stops, as in the PyTorch peer. The roofline is the device's own memory-copy
 * bandwidth (a device-to-device column copy of the batch's size), measured once per JVM. Every cuDF reference is in
 * this class, which is only loaded once {@link GpuProbe} found an NVIDIA driver.
 */
final class GpuTimer {
  private static final Map<Integer, Double> COPY_BYTES_PER_SEC = new HashMap<>();

  private GpuTimer() {}

  static int deviceCount() {
    return Cuda.getDeviceCount();
  }

  static int currentDevice() {
    return Cuda.getDevice();
  }

  static String computeCapability() {
    return Cuda.getComputeCapabilityMajor() + "." + Cuda.getComputeCapabilityMinor();
  }

  /** Called under {@link KernelTimer}'s lock, once {@link GpuProbe} found a device. */
  static KernelTimer.Outcome time(Variant v, KernelTimer.Batch b, KernelTimer.Settings s) {
    Expr e = GpuExpansion.expand(v.expression().orElseThrow());
    int n = b.size();
    try (ColumnVector x = ColumnVector.fromFloats(b.x());
         ColumnVector up = b.gated() ? ColumnVector.fromFloats(b.up()) : null) {
      ColumnVector[] args = b.gated() ? new ColumnVector[] {x, up} : new ColumnVector[] {x};
      for (int w = 0; w < s.warmups(); w++) {
        GpuActivation.apply(e, ColumnKind.FLOAT, Dtype.F32, false, args).close();
      }
      Cuda.deviceSynchronize();
      double[] ns = new double[s.reps()];
      for (int r = 0; r < ns.length; r++) {
        long t0 = System.nanoTime();
        ColumnVector out = GpuActivation.apply(e, ColumnKind.FLOAT, Dtype.F32, false, args);
        Cuda.deviceSynchronize();
        long dt = System.nanoTime() - t0;
        out.close();
        ns[r] = (double) dt / n;
      }
      return KernelTimer.Outcome.timed(ns, GpuProbe.deviceName(), copyBytesPerSec(s.batchElems()));
    }
  }

  /**
   * Device memory-copy bandwidth for {@code n} floats, bytes read + written per second, measured
   * once per size.
   */
  private static double copyBytesPerSec(int n) {
    return COPY_BYTES_PER_SEC.computeIfAbsent(n, GpuTimer::measureCopy);
  }

  private static double measureCopy(int n) {
    float[] host = new float[n];
    double bps;
    try (ColumnVector src = ColumnVector.fromFloats(host);
         ColumnView view = new ColumnView(DType.FLOAT32, n, Optional.of(0L), src.getData(),
             null)) {
      double[] ns = new double[9];
      for (int r = -2; r < ns.length; r++) { // two untimed passes first
        long t0 = System.nanoTime();
        ColumnVector copy = view.copyToColumnVector(); // a device-to-device copy
        Cuda.deviceSynchronize();
        long dt = System.nanoTime() - t0;
        copy.close();
        if (r >= 0) {
          ns[r] = (double) dt / n;
        }
      }
      bps = 8e9 / Timing.Stats.of(ns).p50();
    }
    LoggerFactory.getLogger(GpuTimer.class).info("latency: gpu copy bandwidth {} GB/s at {} "
        + "floats", String.format(Locale.ROOT, "%.1f", bps / 1e9), n);
    return bps;
  }
}

package io.ablate.kernel;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ablate.activation.AccuracyBound;
import io.ablate.activation.Catalogue;
import io.ablate.activation.Variant;
import io.ablate.expr.BlockInterpreter;
import io.ablate.expr.GpuExpansion;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Every elementwise variant's float32 forms (scalar, SIMD, GPU expansion) against the float64
 * reference over float32 inputs taken by their bit patterns: every 4099th pattern by default (about
 * a million inputs per variant, all exponents and both signs), every one of the 2³² patterns but
 * the NaNs with {@code -Dablate.scan.every=1} (what a numerical library calls an exhaustive test:
 * minutes per variant, so not in the default build). Each form must be within its activation's
 * bound at every input; the maxima are printed per form: ulps where the reference is a normal
 * float32, subnormal steps where it is subnormal or zero.
 *
 * <p>The exhaustive figures in accuracy.md come from
 * {@code mvn -B -o surefire:test -Dtest=FloatScanTest -Dablate.scan.every=1
 * -Dablate.scan.variants=gelu,gelu_tanh,mish} in {@code udfs}.
 */
class FloatScanTest {
  /** Patterns between two scanned inputs: odd, so every low-bit pattern is visited in turn. */
  private static final long EVERY = Long.getLong("ablate.scan.every", 4099);
  private static final int CHUNK = 1 << 14;

  enum Form {
    SCALAR, SIMD, GPU
  }

  /** A form's worst errors over one stretch of inputs; merged in order, so the result is fixed. */
  static final class Worst {
    double ulps;
    float ulpsAt = Float.NaN;
    double steps;
    float stepsAt = Float.NaN;
    long failures;
    float failureAt = Float.NaN;
    long scanned;

    void add(float x, double reference, float actual, AccuracyBound bound) {
      scanned++;
      if (!bound.accepts(reference, actual)) {
        if (failures++ == 0) {
          failureAt = x;
        }
      }
      float rounded = (float) reference;
      if (Double.isNaN(reference) || Float.isInfinite(rounded) || Float.isNaN(actual)) {
        return;
      }
      double err = Math.abs(actual - reference);
      if (Math.abs(rounded) >= Float.MIN_NORMAL) {
        double u = err / Math.ulp(rounded);
        if (u > ulps) {
          ulps = u;
          ulpsAt = x;
        }
      } else {
        double s = err / Float.MIN_VALUE;
        if (s > steps) {
          steps = s;
          stepsAt = x;
        }
      }
    }

    void merge(Worst o) {
      if (o.ulps > ulps) {
        ulps = o.ulps;
        ulpsAt = o.ulpsAt;
      }
      if (o.steps > steps) {
        steps = o.steps;
        stepsAt = o.stepsAt;
      }
      if (failures == 0 && o.failures > 0) {
        failureAt = o.failureAt;
      }
      failures += o.failures;
      scanned += o.scanned;
    }
  }

  @Test
  void everyElementwiseFormIsWithinItsBoundAcrossTheFloat32Range() throws Exception {
    String only = System.getProperty("ablate.scan.variants");
    List<String> names = new ArrayList<>();
    for (String name : only == null ? Inputs.suiteVariants() : List.of(only.split(","))) {
      if (!Catalogue.variant(name).gated()) {
        names.add(name);
      }
    }
    int threads = Runtime.getRuntime().availableProcessors();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    StringBuilder failures = new StringBuilder();
    try {
      for (String name : names) {
        long start = System.nanoTime();
        // Stretches of the pattern space, scanned in parallel and merged in their order.
        int parts = threads * 8;
        long span = (1L << 32) / parts;
        List<Future<Worst[]>> futures = new ArrayList<>();
        for (int p = 0; p < parts; p++) {
          long lo = p * span;
          long hi = p == parts - 1 ? 1L << 32 : lo + span;
          futures.add(pool.submit(() -> scan(name, lo, hi)));
        }
        Worst[] total = {new Worst(), new Worst(), new Worst()};
        for (Future<Worst[]> f : futures) {
          Worst[] w = f.get();
          for (int i = 0; i < total.length; i++) {
            total[i].merge(w[i]);
          }
        }
        AccuracyBound bound = Catalogue.variant(name).activation().bound();
        for (Form form : Form.values()) {
          Worst w = total[form.ordinal()];
          System.out.printf(Locale.ROOT,
              "scan %-62s %-6s %,d inputs: max %.3f ulp (x = %s), subnormal results %.2f steps"
                  + " (x = %s) [%s, %.0f s]%n", name, form, w.scanned, w.ulps, w.ulpsAt, w.steps,
              w.stepsAt, bound, (System.nanoTime() - start) / 1e9);
          if (w.failures > 0) {
            failures.append(String.format(Locale.ROOT, "%n  %s %s: %d inputs outside %s, first"
                + " x = %s", name, form, w.failures, bound, w.failureAt));
          }
        }
      }
    } finally {
      pool.shutdownNow();
    }
    assertTrue(failures.length() == 0, "forms outside their bounds:" + failures);
  }

  /** Scans the patterns in [lo, hi) that are multiples of {@link #EVERY}, NaNs excluded. */
  private static Worst[] scan(String name, long lo, long hi) {
    Variant v = Catalogue.variant(name);
    AccuracyBound bound = v.activation().bound();
    Kernel scalar = v.kernel(Variant.Impl.SCALAR);
    Kernel simd = v.kernel(Variant.Impl.SIMD);
    BlockInterpreter.Block reference = BlockInterpreter.compile(v.definition());
    BlockInterpreter.Block gpu =
        BlockInterpreter.compile(GpuExpansion.expand(v.expression().orElseThrow()));
    Worst[] worst = {new Worst(), new Worst(), new Worst()};
    float[] x = new float[CHUNK];
    double[] xd = new double[CHUNK];
    double[] ref = new double[CHUNK];
    double[] gpuOut = new double[CHUNK];
    float[] scalarOut = new float[CHUNK];
    float[] simdOut = new float[CHUNK];
    double[][] args = {xd};
    long next = (lo + EVERY - 1) / EVERY * EVERY;
    while (next < hi) {
      int n = 0;
      for (; n < CHUNK && next < hi; next += EVERY) {
        float value = Float.intBitsToFloat((int) next);
        if (!Float.isNaN(value)) {
          x[n] = value;
          xd[n] = value;
          n++;
        }
      }
      reference.eval(args, ref, n);
      gpu.eval(args, gpuOut, n);
      scalar.apply(x, 0, scalarOut, 0, n);
      simd.apply(x, 0, simdOut, 0, n);
      for (int i = 0; i < n; i++) {
        worst[Form.SCALAR.ordinal()].add(x[i], ref[i], scalarOut[i], bound);
        worst[Form.SIMD.ordinal()].add(x[i], ref[i], simdOut[i], bound);
        worst[Form.GPU.ordinal()].add(x[i], ref[i], (float) gpuOut[i], bound);
      }
    }
    return worst;
  }
}

package io.ablate.kernel.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ablate.kernel.Inputs;
import java.util.Arrays;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/** The pieces of {@link VectorExp} against float64 references, over a grid, fresh draws and edges. */
class VectorExpTest {
  private static final Random RANDOM = new Random();

  @Test
  void expIsWithinOneUlpAndExactAtTheEdges() {
    // The worst arguments of the exhaustive scan below are part of every run.
    float[] x = concat(Inputs.grid(-104f, 89f, 1 << 20), Inputs.random(RANDOM, 300_000), Inputs.EDGES,
        new float[] {-5.858587f, 26.724003f});
    float[] out = apply(x, VectorExp::exp);
    double worst = maxUlp(x, out, Math::exp);
    System.out.printf("VectorExp.exp max %.3f ulp%n", worst);
    // An exhaustive scan of every float in [−104, 89] found 0.794 ulp at most (x = −5.858587).
    assertTrue(worst <= 0.8, "exp max error " + worst + " ulp");
    assertEquals(1f, exp(0f));
    assertEquals(1f, exp(-0f));
    assertEquals(Float.POSITIVE_INFINITY, exp(89f));
    assertEquals(Float.POSITIVE_INFINITY, exp(Float.POSITIVE_INFINITY));
    assertEquals(0f, exp(Float.NEGATIVE_INFINITY));
    assertEquals(0f, exp(-1e30f));
    assertTrue(Float.isNaN(exp(Float.NaN)));
    assertEquals(Float.MIN_VALUE, exp(-103.5f)); // e^−103.5 ≈ 1.2e-45: the smallest subnormal
  }

  @Test
  void leanAndNormalFormsAreWithinTheirScannedBound() {
    // expLean sums e^r with two roundings: an exhaustive scan of every float in [−104, 89] found
    // 1.0104 ulp at most (x = −5.8778844; 1.0077 at 26.728634, both part of every run). expNormal is
    // expLean where e^x is normal.
    float[] x = concat(Inputs.grid(-104f, 89f, 1 << 20), Inputs.random(RANDOM, 300_000), Inputs.EDGES,
        new float[] {-5.8778844f, 26.728634f, -71.0360336f});
    float[] lean = apply(x, VectorExp::expLean);
    double worst = maxUlp(x, lean, Math::exp);
    System.out.printf("VectorExp.expLean max %.4f ulp%n", worst);
    assertTrue(worst <= 1.0104, "expLean max error " + worst + " ulp");
    float[] normal = apply(x, VectorExp::expNormal);
    for (int i = 0; i < x.length; i++) {
      if (x[i] >= -87f && x[i] <= 88f) {
        assertEquals(Float.floatToRawIntBits(lean[i]), Float.floatToRawIntBits(normal[i]),
            "x = " + x[i]);
      }
    }
  }

  @Test
  void scaledFormIsTheExponentialTimesTwoToThe48() {
    // Where e^x is normal, exp(x)·2⁴⁸ is exact in float32: the same bits. Below, e^x·2⁴⁸ stays a
    // normal float and is rounded once (as exp is where it is normal), to [−120, −87].
    float[] x = concat(Inputs.grid(-120f, 55f, 1 << 20), uniform(300_000, -120, 55),
        new float[] {-5.858587f, -87f, -87.5f, -103.5f, -120f, 0f, -0f, 55f});
    float[] scaled = apply(x, VectorExp::expTimes2To48);
    float[] plain = apply(x, VectorExp::exp);
    double worst = 0;
    for (int i = 0; i < x.length; i++) {
      if (Math.abs(plain[i]) >= Float.MIN_NORMAL) {
        assertEquals(Float.floatToRawIntBits(plain[i] * 0x1p48f),
            Float.floatToRawIntBits(scaled[i]), "x = " + x[i]);
      } else {
        double exact = Math.exp(x[i]) * 0x1p48;
        worst = Math.max(worst, Math.abs(scaled[i] - exact) / Math.ulp((float) exact));
      }
    }
    assertTrue(worst <= 0.8, "expTimes2To48 below −87: " + worst + " ulp");
    float[] clamped = apply(new float[] {-1e30f, Float.NEGATIVE_INFINITY, Float.NaN},
        VectorExp::expTimes2To48);
    assertEquals(apply(new float[] {-120f}, VectorExp::expTimes2To48)[0], clamped[0]);
    assertEquals(clamped[0], clamped[1]);
    assertTrue(Float.isNaN(clamped[2]));
  }

  @Test
  void log1pIsAccurateOnTheUnitInterval() {
    float[] y = concat(Inputs.grid(0f, 1f, 1 << 20), uniform(300_000, 0, 1),
        new float[] {0f, Float.MIN_VALUE, 1e-30f, 1e-7f, 1f, Float.NaN});
    float[] out = Arrays.copyOf(y, (y.length + SimdKernel.L - 1) / SimdKernel.L * SimdKernel.L);
    VectorExp.log1pUnitInPlace(out, out.length);
    double worst = maxUlp(y, out, Math::log1p);
    System.out.printf("VectorExp.log1pUnit max %.3f ulp%n", worst);
    assertTrue(worst <= 1.0, "log1p max error " + worst + " ulp");
  }

  @Test
  void expm1SeriesIsAccurateBelowOneInMagnitude() {
    float lim = VectorExp.EXPM1_SERIES_LIMIT;
    float[] x = concat(Inputs.grid(-lim, lim, 1 << 20), uniform(300_000, -lim, lim),
        new float[] {0f, Float.MIN_VALUE, -Float.MIN_VALUE, 1e-30f, -1e-7f, Float.NaN});
    double worst = maxUlp(x, apply(x, VectorExp::expm1Series), Math::expm1);
    System.out.printf("VectorExp.expm1Series max %.3f ulp%n", worst);
    assertTrue(worst <= 1.5, "expm1 max error " + worst + " ulp");
  }

  private static float exp(float v) {
    return apply(new float[] {v}, VectorExp::exp)[0];
  }

  private static float[] apply(float[] in, UnaryOperator<FloatVector> f) {
    float[] out = new float[in.length];
    int l = SimdKernel.L;
    int i = 0;
    for (; i + l <= in.length; i += l) {
      f.apply(FloatVector.fromArray(SimdKernel.S, in, i)).intoArray(out, i);
    }
    var m = SimdKernel.S.indexInRange(i, in.length);
    f.apply(FloatVector.fromArray(SimdKernel.S, in, i, m)).intoArray(out, i, m);
    return out;
  }

  /** Largest error in float32 ulps of the float64 reference; NaN must map to NaN, infinities exactly. */
  private static double maxUlp(float[] x, float[] got, DoubleUnaryOperator reference) {
    double worst = 0;
    for (int i = 0; i < x.length; i++) {
      double ref = reference.applyAsDouble(x[i]);
      float refFloat = (float) ref;
      if (Double.isNaN(ref) || Float.isInfinite(refFloat) || refFloat == 0f) {
        assertEquals(refFloat, got[i], "at x=" + x[i]); // NaN, ±∞, and underflow to (signed) 0
        continue;
      }
      double err = Math.abs(got[i] - ref) / Math.ulp(refFloat);
      if (err > worst) {
        worst = err;
      }
    }
    return worst;
  }

  private static float[] uniform(int n, double lo, double hi) {
    float[] r = new float[n];
    for (int i = 0; i < n; i++) {
      r[i] = (float) (lo + (hi - lo) * RANDOM.nextDouble());
    }
    return r;
  }

  private static float[] concat(float[]... parts) {
    int n = 0;
    for (float[] p : parts) {
      n += p.length;
    }
    float[] out = new float[n];
    int at = 0;
    for (float[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }
}

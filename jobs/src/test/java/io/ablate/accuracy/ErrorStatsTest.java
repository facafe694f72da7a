package io.ablate.accuracy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ablate.AblateException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ErrorStatsTest {

  // ---------------------------------------------------------------- the independent oracle

  /** A straightforward computation of the contract with longs and BigDecimal sums. */
  private static final class Oracle {
    long n;
    long nanIn;
    long infIn;
    long nanOut;
    long special;
    long mismatch;
    long m;
    long zeros;
    long ulpExcluded;
    double maxAbs = -1;
    double maxRel = -1;
    double maxUlp = -1;
    BigDecimal sAbs = BigDecimal.ZERO;
    BigDecimal sErr2 = BigDecimal.ZERO;
    BigDecimal sRef2 = BigDecimal.ZERO;
    BigDecimal sOut2 = BigDecimal.ZERO;
    BigDecimal sRefOut = BigDecimal.ZERO;

    Oracle(float[] x, float[] y, double[] r) {
      for (int k = 0; k < x.length; k++) {
        n++;
        if (x[k] != x[k]) {
          nanIn++;
        } else if (Math.abs(x[k]) == Float.POSITIVE_INFINITY) {
          infIn++;
        } else if (y[k] != y[k]) {
          nanOut++;
        } else if (r[k] != r[k] || Math.abs(r[k]) == Double.POSITIVE_INFINITY) {
          special++;
          if (!(y[k] == r[k])) {
            mismatch++;
          }
        } else {
          m++;
          double out = y[k];
          double err = out - r[k];
          if (out == 0) {
            zeros++;
          }
          maxAbs = Math.max(maxAbs, Math.abs(err));
          if (Math.abs(r[k]) >= 1e-6) {
            maxRel = Math.max(maxRel, Math.abs(err) / Math.abs(r[k]));
          }
          float rf = (float) r[k];
          if (Math.abs(rf) >= Float.MIN_NORMAL && !Float.isInfinite(rf)) {
            maxUlp = Math.max(maxUlp, Math.abs(err) / Math.ulp(rf));
          } else {
            ulpExcluded++;
          }
          BigDecimal be = new BigDecimal(err);
          BigDecimal br = new BigDecimal(r[k]);
          BigDecimal bo = new BigDecimal(out);
          sAbs = sAbs.add(be.abs());
          sErr2 = sErr2.add(be.multiply(be));
          sRef2 = sRef2.add(br.multiply(br));
          sOut2 = sOut2.add(bo.multiply(bo));
          sRefOut = sRefOut.add(br.multiply(bo));
        }
      }
    }

    double maxAbsErr() {
      return mismatch > 0 ? Double.POSITIVE_INFINITY : m + special == 0 ? Double.NaN : Math.max(0, maxAbs);
    }

    double meanAbsErr() {
      return m == 0 ? Double.NaN : sAbs.doubleValue() / m;
    }

    double rmse() {
      return m == 0 ? Double.NaN : Math.sqrt(sErr2.doubleValue() / m);
    }

    double maxRelErr() {
      return maxRel < 0 ? Double.NaN : maxRel;
    }

    double maxUlp() {
      return maxUlp < 0 ? Double.NaN : maxUlp;
    }

    double cosSim() {
      if (m == 0) {
        return Double.NaN;
      }
      double rr = sRef2.doubleValue();
      double oo = sOut2.doubleValue();
      if (rr == 0 || oo == 0) {
        return rr == oo ? 1.0 : 0.0;
      }
      return sRefOut.doubleValue() / (Math.sqrt(rr) * Math.sqrt(oo));
    }

    double snrDb() {
      if (m == 0) {
        return Double.NaN;
      }
      double ee = sErr2.doubleValue();
      return ee == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(sRef2.doubleValue() / ee);
    }

    double sparsityOut() {
      return m == 0 ? Double.NaN : (double) zeros / m;
    }
  }

  // ---------------------------------------------------------------- data

  private record Data(float[] x, float[] y, double[] r) {
    int size() {
      return x.length;
    }
  }

  private static double silu(double x) {
    return x / (1 + Math.exp(-x));
  }

  /** Random activations with edge cases; no infinite output and no mismatching special element. */
  private static Data randomData(Random rnd, int len) {
    float[] x = new float[len];
    float[] y = new float[len];
    double[] r = new double[len];
    for (int k = 0; k < len; k++) {
      int kind = rnd.nextInt(40);
      float in = switch (kind) {
        case 0 -> Float.NaN;
        case 1 -> rnd.nextBoolean() ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY;
        case 2 -> rnd.nextBoolean() ? 0f : -0f;
        case 3 -> Float.intBitsToFloat(rnd.nextInt(0x007F_FFFF) | (rnd.nextBoolean() ? 0x8000_0000 : 0));
        case 4 -> (float) (rnd.nextGaussian() * 1e37);
        case 5 -> (float) (-Math.abs(rnd.nextGaussian()) * 200); // silu(x) underflows towards -0
        default -> (float) (rnd.nextGaussian() * 3);
      };
      double ref = silu(in);
      float out;
      int outKind = rnd.nextInt(50);
      if (outKind == 0) {
        out = Float.NaN;
      } else if (outKind == 1) {
        out = 0f; // a flushed output
      } else if (outKind < 10) {
        out = (float) ref; // exact to float
      } else {
        out = (float) (ref * (1 + rnd.nextGaussian() * 1e-3));
      }
      if (kind == 6 && rnd.nextInt(4) == 0) {
        ref = Double.POSITIVE_INFINITY; // an overflowing reference the output matches
        out = Float.POSITIVE_INFINITY;
      }
      x[k] = in;
      y[k] = out;
      r[k] = ref;
    }
    return new Data(x, y, r);
  }

  private static ErrorStats statsOf(Data d, int from, int to) {
    ErrorStats s = ErrorStats.empty();
    s.update(d.x(), from, d.y(), from, d.r(), from, to - from);
    return s;
  }

  private static double[] metrics(ErrorStats s) {
    return new double[] {s.n(), s.nanIn(), s.infIn(), s.nanOut(), s.special(), s.specialMismatch(),
        s.compared(), s.maxAbsErr(), s.meanAbsErr(), s.rmse(), s.maxRelErr(), s.maxUlp(), s.cosSim(),
        s.snrDb(), s.sparsityOut(), s.ulpExcluded()};
  }

  private static double[] metrics(Oracle o) {
    return new double[] {o.n, o.nanIn, o.infIn, o.nanOut, o.special, o.mismatch, o.m, o.maxAbsErr(),
        o.meanAbsErr(), o.rmse(), o.maxRelErr(), o.maxUlp(), o.cosSim(), o.snrDb(), o.sparsityOut(),
        o.ulpExcluded};
  }

  private static final String[] NAMES = {"n", "nan_in", "inf_in", "nan_out", "special", "mismatch",
      "m", "max_abs_err", "mean_abs_err", "rmse", "max_rel_err", "max_ulp", "cos_sim", "snr_db",
      "sparsity_out", "ulp_excluded"};

  private static void assertSameBits(double[] expected, double[] actual, String what) {
    for (int k = 0; k < expected.length; k++) {
      assertEquals(Double.doubleToLongBits(expected[k]), Double.doubleToLongBits(actual[k]),
          what + " " + NAMES[k] + ": expected " + expected[k] + " got " + actual[k]);
    }
  }

  /**
   * The accumulator against the exact oracle: counts, maxima and sparsity bit for bit; the metrics
   * derived from the compensated sums within the class's stated error: a few ulps for the sums of
   * non-negative terms (mean_abs_err, rmse; snr_db then within 10/ln10 of their relative errors), and
   * for cos_sim, whose Σry may cancel, 4 ulp(1) of Σ|ry|/sqrt(Σr²Σy²) ≤ 1 (Cauchy–Schwarz).
   */
  private static void assertMatchesOracle(double[] expected, double[] actual, String what) {
    for (int k = 0; k < expected.length; k++) {
      String name = NAMES[k];
      double e = expected[k];
      double a = actual[k];
      String msg = what + " " + name + ": expected " + e + " got " + a;
      if (!Double.isFinite(e) || !Double.isFinite(a)) {
        assertEquals(Double.doubleToLongBits(e), Double.doubleToLongBits(a), msg);
      } else if (name.equals("mean_abs_err") || name.equals("rmse")) {
        assertEquals(e, a, 4 * Math.ulp(e), msg);
      } else if (name.equals("snr_db")) {
        assertEquals(e, a, 1e-13, msg);
      } else if (name.equals("cos_sim")) {
        assertEquals(e, a, 4 * Math.ulp(1.0), msg);
      } else {
        assertEquals(Double.doubleToLongBits(e), Double.doubleToLongBits(a), msg);
      }
    }
  }

  private static Data of(float[] x, float[] y, double[] r) {
    return new Data(x, y, r);
  }

  // ---------------------------------------------------------------- tests

  @Test
  void emptyHasZeroCountsAndNaNMetrics() {
    ErrorStats s = ErrorStats.empty();
    assertTrue(s.isEmpty());
    double[] v = metrics(s);
    for (int k = 0; k < 7; k++) {
      assertEquals(0.0, v[k], NAMES[k]);
    }
    for (int k = 7; k < v.length - 1; k++) {
      assertTrue(Double.isNaN(v[k]), NAMES[k]);
    }
    assertEquals(0.0, v[v.length - 1], "ulp_excluded");
    ErrorStats back = ErrorStats.fromBytes(s.toBytes());
    assertTrue(back.isEmpty());
    assertSameBits(v, metrics(back), "round trip");
    assertSameBits(metrics(new Oracle(new float[0], new float[0], new double[0])), v, "oracle");
    // Merging empty changes nothing.
    Data d = randomData(new Random(1), 100);
    ErrorStats full = statsOf(d, 0, 100);
    byte[] before = full.toBytes();
    assertArrayEquals(before, full.merge(ErrorStats.empty()).toBytes());
    assertArrayEquals(before, ErrorStats.empty().merge(full).toBytes());
  }

  @Test
  void oneElement() {
    ErrorStats s = ErrorStats.empty();
    s.update(1f, 1.5f, 1.0);
    assertFalse(s.isEmpty());
    assertEquals(1, s.n());
    assertEquals(1, s.compared());
    assertEquals(0.5, s.maxAbsErr());
    assertEquals(0.5, s.meanAbsErr());
    assertEquals(0.5, s.rmse());
    assertEquals(0.5, s.maxRelErr());
    assertEquals(0.5 / Math.ulp(1f), s.maxUlp()); // 2^22 float ulps
    assertEquals(1.0, s.cosSim());
    assertEquals(10 * Math.log10(4), s.snrDb());
    assertEquals(0.0, s.sparsityOut());

    ErrorStats exact = ErrorStats.empty();
    exact.update(2f, 0f, 0.0);
    assertEquals(0.0, exact.maxAbsErr());
    assertEquals(Double.POSITIVE_INFINITY, exact.snrDb());
    assertEquals(1.0, exact.cosSim(), "both all-zero");
    assertEquals(1.0, exact.sparsityOut());
    assertTrue(Double.isNaN(exact.maxRelErr()), "reference below the floor");
    assertTrue(Double.isNaN(exact.maxUlp()), "a zero reference has no float32-normal ulp");
    assertEquals(1, exact.ulpExcluded());

    ErrorStats oneZero = ErrorStats.empty();
    oneZero.update(2f, 0f, 0.25);
    assertEquals(0.0, oneZero.cosSim(), "exactly one all-zero");
    assertEquals(0.0, oneZero.snrDb(), 1e-12);
  }

  /**
   * Data where every element is compared (finite input, output and reference), the usual case and
   * the one the Vector API path takes: outputs near the reference, exact, zero, or off by a lot;
   * references tiny, zero, below the relative-error floor, huge (beyond the float range).
   */
  private static Data regularData(Random rnd, int len) {
    float[] x = new float[len];
    float[] y = new float[len];
    double[] r = new double[len];
    for (int k = 0; k < len; k++) {
      float in = (float) (rnd.nextGaussian() * 3);
      double ref = switch (rnd.nextInt(60)) {
        case 0 -> 0.0;
        case 1 -> rnd.nextGaussian() * 1e-7;
        case 2 -> rnd.nextGaussian() * 1e-40;
        case 3 -> rnd.nextGaussian() * 1e39;
        // Either side of the edges of max_ulp's range (float32-normal references).
        case 4 -> Math.copySign(0x1p-126 + (rnd.nextInt(5) - 2) * 0x1p-150, rnd.nextGaussian());
        case 5 -> Math.copySign(0x1p128 + (rnd.nextInt(5) - 2) * 0x1p103, rnd.nextGaussian());
        default -> silu(in);
      };
      float out = switch (rnd.nextInt(30)) {
        case 0 -> 0f;
        case 1 -> (float) ref;
        case 2 -> (float) (ref + rnd.nextGaussian());
        default -> (float) (ref * (1 + rnd.nextGaussian() * 1e-3));
      };
      x[k] = in;
      y[k] = Float.isFinite(out) ? out : Float.MAX_VALUE;
      r[k] = ref;
    }
    return new Data(x, y, r);
  }

  @Test
  void vectorPathGivesTheScalarBits() {
    // The lanes are part of the contract: the Vector API path (taken by groups whose elements are
    // all compared) and the scalar path must agree bit for bit, for every length and mix.
    assertEquals(io.ablate.kernel.Simd.available() && GroupSumsSimd.USEFUL, ErrorStats.SIMD);
    Random rnd = new Random(11);
    for (int trial = 0; trial < 300; trial++) {
      int len = 1 + rnd.nextInt(trial < 200 ? 40 : 3000);
      Data d = trial % 3 == 0 ? randomData(rnd, len) : regularData(rnd, len);
      if (trial % 7 == 0) { // one irregular element in an otherwise regular group
        int k = rnd.nextInt(len);
        d.y()[k] = rnd.nextBoolean() ? Float.POSITIVE_INFINITY : Float.NaN;
      }
      ErrorStats vector = ErrorStats.empty();
      ErrorStats scalar = ErrorStats.empty();
      for (int group = 0; group < 3; group++) { // later groups start from non-empty maxima
        int from = rnd.nextInt(len);
        boolean finite = ErrorStats.allFinite(d.x(), from, len - from);
        vector.update(d.x(), from, d.y(), from, d.r(), from, len - from, finite, true);
        scalar.update(d.x(), from, d.y(), from, d.r(), from, len - from, finite, false);
      }
      assertArrayEquals(scalar.toBytes(), vector.toBytes(), "trial " + trial + ", length " + len);
    }
  }

  @Test
  void matchesOracleOnRegularData() {
    Random rnd = new Random(12);
    for (int trial = 0; trial < 40; trial++) {
      Data d = regularData(rnd, 1 + rnd.nextInt(trial < 30 ? 200 : 20_000));
      ErrorStats s = statsOf(d, 0, d.size());
      assertMatchesOracle(metrics(new Oracle(d.x(), d.y(), d.r())), metrics(s), "trial " + trial);
    }
  }

  @Test
  void matchesOracleOnRandomData() {
    Random rnd = new Random(2);
    for (int trial = 0; trial < 40; trial++) {
      Data d = randomData(rnd, 1 + rnd.nextInt(trial < 30 ? 200 : 20_000));
      ErrorStats s = statsOf(d, 0, d.size());
      Oracle o = new Oracle(d.x(), d.y(), d.r());
      assertMatchesOracle(metrics(o), metrics(s), "trial " + trial);
      ErrorStats perElement = ErrorStats.empty();
      for (int k = 0; k < d.size(); k++) {
        perElement.update(d.x()[k], d.y()[k], d.r()[k]);
      }
      assertMatchesOracle(metrics(o), metrics(perElement), "one element per group, trial " + trial);
    }
  }

  @Test
  void edgeCasesFollowTheContract() {
    float nan = Float.NaN;
    float inf = Float.POSITIVE_INFINITY;
    double dinf = Double.POSITIVE_INFINITY;
    Data d = of(
        new float[] {nan, inf, -inf, 1f, 2f, 3f, 4f, 5f, 6f, Float.MIN_VALUE, 0f},
        new float[] {1f, 1f, 1f, nan, nan, inf, inf, 1f, 0.5f, Float.MIN_VALUE, -0f},
        new double[] {1, 1, 1, 1, Double.NaN, dinf, Double.NaN, 1.25, 0.5, Double.MIN_VALUE, 0});
    ErrorStats s = statsOf(d, 0, d.size());
    assertEquals(11, s.n());
    assertEquals(1, s.nanIn());
    assertEquals(2, s.infIn());
    assertEquals(2, s.nanOut(), "NaN outputs, whatever the reference");
    assertEquals(2, s.special(), "+Inf = +Inf matches; +Inf vs NaN reference");
    assertEquals(1, s.specialMismatch());
    assertEquals(4, s.compared());
    assertEquals(Double.POSITIVE_INFINITY, s.maxAbsErr(), "a special mismatch");
    assertEquals(0.25, s.sparsityOut(), "±0 outputs among compared");
    assertMatchesOracle(metrics(new Oracle(d.x(), d.y(), d.r())), metrics(s), "oracle");
    // max_ulp: 0.25 error at reference 1.25 (ulp 2^-23).
    assertEquals(0.25 / Math.ulp(1.25f), s.maxUlp());
    // Only matching specials: max_abs_err is 0 and the sums are empty.
    ErrorStats onlySpecial = ErrorStats.empty();
    onlySpecial.update(100f, inf, dinf);
    assertEquals(0.0, onlySpecial.maxAbsErr());
    assertTrue(Double.isNaN(onlySpecial.rmse()));
  }

  @Test
  void infiniteOutputAgainstFiniteReferenceIsInfiniteError() {
    ErrorStats s = ErrorStats.empty();
    s.update(1f, 1f, 1.0);
    s.update(100f, Float.POSITIVE_INFINITY, 100.0);
    assertEquals(Double.POSITIVE_INFINITY, s.maxAbsErr());
    assertEquals(Double.POSITIVE_INFINITY, s.meanAbsErr());
    assertEquals(Double.POSITIVE_INFINITY, s.rmse());
    assertEquals(Double.NEGATIVE_INFINITY, s.snrDb());
    assertTrue(Double.isNaN(s.cosSim()));
    assertSameBits(metrics(s), metrics(ErrorStats.fromBytes(s.toBytes())), "round trip");
  }

  @Test
  void maxUlpTakesOnlyReferencesThatRoundToNormalFloats() {
    ErrorStats s = ErrorStats.empty();
    s.update(1f, Float.MAX_VALUE, 1e300); // beyond the float range
    s.update(-20f, 0f, -4e-44); // a subnormal reference: 1e1 ulps of 2^-149 for a flushed output
    s.update(-30f, 0f, 0x1p-126 - 0x1p-150); // rounds up to 2^-126: normal, 0.99... ulp of it
    s.update(-30f, 0f, 0x1p-126 - 0x1p-149); // the largest subnormal: excluded
    s.update(3f, 0f, 0.0); // zero
    assertEquals(4, s.ulpExcluded());
    assertEquals((0x1p-126 - 0x1p-150) / 0x1p-149, s.maxUlp());
    assertEquals(1e300 - Float.MAX_VALUE, s.maxAbsErr());
    ErrorStats none = ErrorStats.empty();
    none.update(1f, 0f, 1e-45);
    assertTrue(Double.isNaN(none.maxUlp()));
    assertEquals(1, none.ulpExcluded());
    assertEquals(1, none.compared());
    // The first reference whose float32 rounding overflows is out; the one below it is in.
    ErrorStats top = ErrorStats.empty();
    top.update(1f, Float.MAX_VALUE, 0x1p128 - 0x1p103);
    assertEquals(1, top.ulpExcluded());
    top.update(1f, Float.MAX_VALUE, 0x1p128 - 0x1p103 - 0x1p102); // rounds to Float.MAX_VALUE
    assertEquals(1, top.ulpExcluded());
    assertEquals(0x1p102 / 0x1p104, top.maxUlp());
  }

  @Test
  void offsetsAreHonouredAndChecked() {
    Data d = randomData(new Random(3), 500);
    float[] x = new float[600];
    float[] y = new float[700];
    double[] r = new double[800];
    System.arraycopy(d.x(), 0, x, 100, 500);
    System.arraycopy(d.y(), 0, y, 200, 500);
    System.arraycopy(d.r(), 0, r, 300, 500);
    ErrorStats s = ErrorStats.empty();
    s.update(x, 100, y, 200, r, 300, 500);
    assertArrayEquals(statsOf(d, 0, 500).toBytes(), s.toBytes());
    assertThrows(IndexOutOfBoundsException.class, () -> s.update(x, 101, y, 0, r, 0, 500));
    assertThrows(IndexOutOfBoundsException.class, () -> s.update(x, 0, y, 0, r, -1, 5));
  }

  /** Updates one group per {@code vector}-sized slice of [from, to), as the job does per vector. */
  private static ErrorStats statsOfVectors(Data d, int from, int to, int vector) {
    ErrorStats s = ErrorStats.empty();
    for (int k = from; k < to; k += vector) {
      s.update(d.x(), k, d.y(), k, d.r(), k, Math.min(vector, to - k));
    }
    return s;
  }

  @Test
  void partitioningAndMergeOrderInvariance() {
    Random rnd = new Random(4);
    int vector = 128;
    int vectors = 240;
    Data d = randomData(rnd, vector * vectors);
    ErrorStats whole = statsOfVectors(d, 0, d.size(), vector);
    byte[] wholeBytes = whole.toBytes();
    double[] wholeMetrics = metrics(whole);
    assertMatchesOracle(metrics(new Oracle(d.x(), d.y(), d.r())), wholeMetrics, "oracle");
    for (int groups : new int[] {1, 2, 7, 64}) {
      for (int rep = 0; rep < 3; rep++) {
        // Partitions of whole vectors, of random sizes, merged in a random tree after round trips.
        int[] cuts = new int[groups + 1];
        cuts[groups] = vectors;
        for (int g = 1; g < groups; g++) {
          cuts[g] = rnd.nextInt(vectors + 1);
        }
        Arrays.sort(cuts);
        List<ErrorStats> parts = new ArrayList<>();
        for (int g = 0; g < groups; g++) {
          parts.add(statsOfVectors(d, cuts[g] * vector, cuts[g + 1] * vector, vector));
        }
        Collections.shuffle(parts, rnd);
        while (parts.size() > 1) {
          ErrorStats a = parts.remove(rnd.nextInt(parts.size()));
          ErrorStats b = parts.remove(rnd.nextInt(parts.size()));
          parts.add(ErrorStats.fromBytes(a.toBytes()).merge(b));
        }
        ErrorStats merged = parts.get(0);
        assertArrayEquals(wholeBytes, merged.toBytes(), groups + " partitions");
        assertSameBits(wholeMetrics, metrics(merged), groups + " partitions");
      }
    }
    // Shuffled vectors (the order rows arrive in): the same bits too.
    List<Integer> order = new ArrayList<>();
    for (int v = 0; v < vectors; v++) {
      order.add(v);
    }
    Collections.shuffle(order, rnd);
    ErrorStats shuffled = ErrorStats.empty();
    for (int v : order) {
      shuffled.update(d.x(), v * vector, d.y(), v * vector, d.r(), v * vector, vector);
    }
    assertArrayEquals(wholeBytes, shuffled.toBytes(), "vector order");
  }

  @Test
  void roundTripKeepsStateAndAcceptsMore() {
    Random rnd = new Random(5);
    Data d = randomData(rnd, 2_000);
    ErrorStats s = statsOf(d, 0, 1_000);
    ErrorStats back = ErrorStats.fromBytes(s.toBytes());
    assertArrayEquals(s.toBytes(), back.toBytes());
    assertSameBits(metrics(s), metrics(back), "round trip");
    s.update(d.x(), 1_000, d.y(), 1_000, d.r(), 1_000, 1_000);
    back.update(d.x(), 1_000, d.y(), 1_000, d.r(), 1_000, 1_000);
    assertArrayEquals(s.toBytes(), back.toBytes());
    assertArrayEquals(statsOfVectors(d, 0, 2_000, 1_000).toBytes(), back.toBytes());
  }

  @Test
  void javaSerialisationKeepsState() throws Exception {
    ErrorStats s = statsOf(randomData(new Random(8), 300), 0, 300);
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
      out.writeObject(s);
    }
    try (java.io.ObjectInputStream in =
        new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
      assertArrayEquals(s.toBytes(), ((ErrorStats) in.readObject()).toBytes());
    }
  }

  @Test
  void allFiniteFindsEveryNonFiniteValueAndOnlyThose() {
    float[] finite = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE,
        -Float.MAX_VALUE, 1f, -3.5e-20f, 6.0e37f};
    assertTrue(ErrorStats.allFinite(finite, 0, finite.length));
    assertTrue(ErrorStats.allFinite(new float[0], 0, 0));
    Random rnd = new Random();
    long seed = rnd.nextLong();
    rnd.setSeed(seed);
    float[] a = new float[1000];
    for (int trial = 0; trial < 200; trial++) {
      boolean expected = true;
      for (int k = 0; k < a.length; k++) {
        // random bit patterns: every exponent, NaN payloads and infinities included
        a[k] = trial % 2 == 0 ? Float.intBitsToFloat(rnd.nextInt()) : (float) rnd.nextGaussian();
        expected &= Float.isFinite(a[k]);
      }
      int from = rnd.nextInt(a.length);
      boolean slice = true;
      for (int k = from; k < a.length; k++) {
        slice &= Float.isFinite(a[k]);
      }
      assertEquals(expected, ErrorStats.allFinite(a, 0, a.length), "seed " + seed);
      assertEquals(slice, ErrorStats.allFinite(a, from, a.length - from), "seed " + seed);
    }
    // One non-finite value at each position of a longer array (vector body and tail alike).
    float[] longer = new float[100];
    for (int k = 0; k < longer.length; k++) {
      longer[k] = finite[k % finite.length];
    }
    assertTrue(ErrorStats.allFinite(longer, 0, longer.length));
    for (int at = 0; at < longer.length; at++) {
      float[] one = longer.clone();
      one[at] = at % 2 == 0 ? Float.NaN : Float.NEGATIVE_INFINITY;
      assertFalse(ErrorStats.allFinite(one, 0, one.length), "at " + at);
      assertEquals(at < 7, ErrorStats.allFinite(one, 7, one.length - 7), "from 7, at " + at);
    }
    for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
        Float.intBitsToFloat(0xFF80_0001)}) {
      float[] one = finite.clone();
      one[3] = bad;
      assertFalse(ErrorStats.allFinite(one, 0, one.length), Float.toString(bad));
      assertTrue(ErrorStats.allFinite(one, 4, one.length - 4), "outside the range");
    }
  }

  @Test
  void malformedBytesAreRejected() {
    byte[] good = statsOf(randomData(new Random(6), 50), 0, 50).toBytes();
    assertThrows(AblateException.class, () -> ErrorStats.fromBytes(new byte[0]));
    assertThrows(AblateException.class, () -> ErrorStats.fromBytes(Arrays.copyOf(good, good.length - 1)));
    assertThrows(AblateException.class, () -> ErrorStats.fromBytes(Arrays.copyOf(good, good.length + 2)));
    byte[] badVersion = good.clone();
    badVersion[0] = 7;
    assertThrows(AblateException.class, () -> ErrorStats.fromBytes(badVersion));
  }

  @Test
  void updateThroughput() {
    Data d = randomData(new Random(7), 1 << 16);
    ErrorStats s = ErrorStats.empty();
    double best = 0;
    for (int round = 0; round < 6; round++) {
      long t0 = System.nanoTime();
      for (int rep = 0; rep < 20; rep++) {
        s.update(d.x(), 0, d.y(), 0, d.r(), 0, d.size());
      }
      best = Math.max(best, 20.0 * d.size() / (System.nanoTime() - t0) * 1e3);
    }
    System.out.printf("ErrorStats.update throughput: best %.1f M elements/s%n", best);
    assertEquals(120L * d.size(), s.n());
  }
}

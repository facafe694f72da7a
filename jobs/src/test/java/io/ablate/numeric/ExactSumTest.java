package io.ablate.numeric;

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

class ExactSumTest {

  /** The oracle: BigDecimal's exact sum, rounded by Double.parseDouble (correctly rounded). */
  private static double oracle(double... xs) {
    return exactOf(xs).doubleValue();
  }

  private static BigDecimal exactOf(double... xs) {
    BigDecimal s = BigDecimal.ZERO;
    for (double x : xs) {
      s = s.add(new BigDecimal(x));
    }
    return s;
  }

  private static ExactSum sumOf(double... xs) {
    ExactSum s = ExactSum.empty();
    for (double x : xs) {
      s.add(x);
    }
    return s;
  }

  private static void assertBits(double expected, double actual, String what) {
    assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(actual),
        what + ": expected " + expected + " got " + actual);
  }

  /** Random doubles over the whole exponent range, both signs, subnormals included. */
  private static double wide(Random rnd) {
    switch (rnd.nextInt(8)) {
      case 0:
        return Double.longBitsToDouble(rnd.nextLong() & 0x800F_FFFF_FFFF_FFFFL); // subnormal
      case 1:
        return (rnd.nextBoolean() ? 1 : -1) * rnd.nextDouble() * Double.MAX_VALUE;
      default:
        double d;
        do {
          d = Double.longBitsToDouble(rnd.nextLong());
        } while (!Double.isFinite(d));
        return d;
    }
  }

  /** Doubles over a narrower range with cancellation. */
  private static double narrow(Random rnd) {
    return rnd.nextGaussian() * Math.scalb(1.0, rnd.nextInt(120) - 60);
  }

  @Test
  void emptyIsPositiveZero() {
    ExactSum s = ExactSum.empty();
    assertBits(0.0, s.value(), "empty");
    assertTrue(s.isZero());
    assertTrue(s.isFinite());
    assertEquals(0, s.toBigDecimal().signum());
    ExactSum back = ExactSum.fromBytes(s.toBytes());
    assertBits(0.0, back.value(), "round trip");
    assertEquals(4, s.toBytes().length);
    assertBits(0.0, sumOf(-0.0, -0.0).value(), "sum of negative zeros");
  }

  @Test
  void oneValueIsItself() {
    Random rnd = new Random(1);
    double[] edge = {Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL, -Double.MIN_NORMAL,
        Double.MIN_NORMAL - Double.MIN_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE, 1.0, -1.0, 0.1,
        Math.nextUp(1.0), 3.0e-310, Math.scalb(1.0, 1023)};
    for (double x : edge) {
      assertBits(x, sumOf(x).value(), "edge " + x);
      assertBits(x, ExactSum.fromBytes(sumOf(x).toBytes()).value(), "round trip " + x);
    }
    for (int k = 0; k < 100_000; k++) {
      double x = wide(rnd);
      if (x == 0) {
        continue;
      }
      assertBits(x, sumOf(x).value(), "random");
    }
  }

  @Test
  void manyMatchBigDecimal() {
    Random rnd = new Random(2);
    for (int trial = 0; trial < 300; trial++) {
      int len = 1 + rnd.nextInt(trial < 200 ? 50 : 3000);
      double[] xs = new double[len];
      for (int k = 0; k < len; k++) {
        xs[k] = switch (trial % 3) {
          case 0 -> wide(rnd);
          case 1 -> narrow(rnd);
          default -> Double.longBitsToDouble(rnd.nextLong() & 0x801F_FFFF_FFFF_FFFFL); // tiny
        };
      }
      ExactSum s = sumOf(xs);
      assertEquals(0, exactOf(xs).compareTo(s.toBigDecimal()), "exact, trial " + trial);
      assertBits(oracle(xs), s.value(), "rounded, trial " + trial);
    }
  }

  @Test
  void cancellationAndOverflow() {
    assertBits(1.0, sumOf(1e300, 1.0, -1e300).value(), "1e300 + 1 - 1e300");
    assertBits(Double.MIN_VALUE, sumOf(1e308, Double.MIN_VALUE, -1e308).value(), "subnormal survives");
    double max = Double.MAX_VALUE;
    assertBits(max, sumOf(max, max, max, -max, -max).value(), "intermediate overflow");
    assertBits(Double.POSITIVE_INFINITY, sumOf(max, max).value(), "rounds to +Inf");
    assertBits(Double.NEGATIVE_INFINITY, sumOf(-max, -max).value(), "rounds to -Inf");
    // Just below the overflow threshold (MAX + half an ulp rounds to Inf, ties to even).
    double halfUlp = Math.ulp(max) / 2;
    assertBits(Double.POSITIVE_INFINITY, sumOf(max, halfUlp).value(), "tie at overflow");
    assertBits(max, sumOf(max, halfUlp, -Double.MIN_VALUE).value(), "just below tie");
    // Ties to even at 1: 1 + 2^-53 is a tie and rounds down, + 2^-53 + tiny rounds up.
    assertBits(1.0, sumOf(1.0, Math.scalb(1.0, -53)).value(), "tie to even");
    assertBits(Math.nextUp(1.0), sumOf(1.0, Math.scalb(1.0, -53), Double.MIN_VALUE).value(), "sticky");
    assertBits(1.0 + 2 * Math.ulp(1.0),
        sumOf(Math.nextUp(1.0), Math.scalb(1.0, -53)).value(), "tie to even, odd");
    assertBits(-1.0, sumOf(1e300, -1.0, -1e300).value(), "negative result");
  }

  @Test
  void normalisationOverManyAdds() {
    // More than NORMALISE_EVERY additions of extreme values, and of tiny ones.
    int count = 3 * ExactSum.NORMALISE_EVERY + 17;
    ExactSum big = ExactSum.empty();
    ExactSum tiny = ExactSum.empty();
    ExactSum mixed = ExactSum.empty();
    for (int k = 0; k < count; k++) {
      big.add(Double.MAX_VALUE);
      tiny.add(-Double.MIN_VALUE);
      mixed.add((k & 1) == 0 ? Double.MAX_VALUE : -Double.MIN_NORMAL);
    }
    BigDecimal c = BigDecimal.valueOf(count);
    assertEquals(0, new BigDecimal(Double.MAX_VALUE).multiply(c).compareTo(big.toBigDecimal()));
    assertEquals(0, new BigDecimal(-Double.MIN_VALUE).multiply(c).compareTo(tiny.toBigDecimal()));
    assertBits(-Double.MIN_VALUE * count, tiny.value(), "tiny"); // exact: count < 2^53
    big.add(-Double.MAX_VALUE * 1); // still exact after the top chunk took carries
    assertEquals(0, new BigDecimal(Double.MAX_VALUE).multiply(c.subtract(BigDecimal.ONE))
        .compareTo(big.toBigDecimal()));
    BigDecimal expectMixed = new BigDecimal(Double.MAX_VALUE).multiply(BigDecimal.valueOf((count + 1) / 2))
        .subtract(new BigDecimal(Double.MIN_NORMAL).multiply(BigDecimal.valueOf(count / 2)));
    assertEquals(0, expectMixed.compareTo(mixed.toBigDecimal()));
    ExactSum back = ExactSum.fromBytes(big.toBytes());
    assertEquals(0, big.toBigDecimal().compareTo(back.toBigDecimal()));
    // Many merges push the pending count past the threshold too.
    ExactSum merged = ExactSum.empty();
    ExactSum one = sumOf(-Double.MAX_VALUE, 3.0);
    for (int k = 0; k < 3000; k++) {
      merged.merge(one);
    }
    assertEquals(0, exactOf(-Double.MAX_VALUE, 3.0).multiply(BigDecimal.valueOf(3000))
        .compareTo(merged.toBigDecimal()));
  }

  @Test
  void addProductIsExact() {
    Random rnd = new Random(3);
    ExactSum s = ExactSum.empty();
    BigDecimal exact = BigDecimal.ZERO;
    for (int k = 0; k < 20_000; k++) {
      double a = narrow(rnd) * 1e10;
      double b = narrow(rnd);
      s.addProduct(a, b);
      exact = exact.add(new BigDecimal(a).multiply(new BigDecimal(b)));
    }
    assertEquals(0, exact.compareTo(s.toBigDecimal()));
    assertBits(Double.POSITIVE_INFINITY, productSum(1e200, 1e200), "overflow");
    assertBits(-6.0, productSum(-2.0, 3.0), "small");
  }

  private static double productSum(double a, double b) {
    ExactSum s = ExactSum.empty();
    s.addProduct(a, b);
    return s.value();
  }

  @Test
  void mergeOrderAndGroupingInvariance() {
    Random rnd = new Random(4);
    int len = 20_000;
    double[] xs = new double[len];
    for (int k = 0; k < len; k++) {
      xs[k] = rnd.nextInt(3) == 0 ? wide(rnd) : narrow(rnd);
    }
    byte[] reference = sumOf(xs).toBytes();
    double refValue = oracle(xs);
    for (int groups : new int[] {1, 2, 7, 50}) {
      for (int rep = 0; rep < 3; rep++) {
        List<Double> shuffled = new ArrayList<>();
        for (double x : xs) {
          shuffled.add(x);
        }
        Collections.shuffle(shuffled, rnd);
        List<ExactSum> parts = new ArrayList<>();
        for (int g = 0; g < groups; g++) {
          parts.add(ExactSum.empty());
        }
        for (double x : shuffled) {
          parts.get(rnd.nextInt(groups)).add(x);
        }
        Collections.shuffle(parts, rnd);
        // Merge as a random tree, through a serialisation round trip.
        while (parts.size() > 1) {
          ExactSum a = parts.remove(rnd.nextInt(parts.size()));
          ExactSum b = parts.remove(rnd.nextInt(parts.size()));
          parts.add(ExactSum.fromBytes(a.toBytes()).merge(b));
        }
        ExactSum total = parts.get(0);
        assertArrayEquals(reference, total.toBytes(), "groups " + groups);
        assertBits(refValue, total.value(), "groups " + groups);
      }
    }
  }

  @Test
  void roundTripKeepsStateAndAcceptsMore() {
    Random rnd = new Random(5);
    for (int trial = 0; trial < 200; trial++) {
      double[] xs = new double[1 + rnd.nextInt(100)];
      for (int k = 0; k < xs.length; k++) {
        xs[k] = trial % 2 == 0 ? wide(rnd) : narrow(rnd);
      }
      ExactSum s = sumOf(xs);
      byte[] bytes = s.toBytes();
      ExactSum back = ExactSum.fromBytes(bytes);
      assertArrayEquals(bytes, back.toBytes());
      assertEquals(0, s.toBigDecimal().compareTo(back.toBigDecimal()));
      double extra = wide(rnd);
      back.add(extra);
      s.add(extra);
      assertArrayEquals(s.toBytes(), back.toBytes());
    }
    // Compact: a small value uses a few chunks only.
    assertTrue(sumOf(1.0, -3.5).toBytes().length <= 4 + 3 * 4, "compact");
    assertEquals(sumOf(-1.0).toBytes().length, sumOf(1.0).toBytes().length, "sign-magnitude");
  }

  @Test
  void nonFiniteValuesAreCounted() {
    assertTrue(Double.isNaN(sumOf(1.0, Double.NaN).value()));
    assertBits(Double.POSITIVE_INFINITY, sumOf(1.0, Double.POSITIVE_INFINITY, -5.0).value(), "+Inf");
    assertBits(Double.NEGATIVE_INFINITY, sumOf(Double.NEGATIVE_INFINITY, 1e308).value(), "-Inf");
    assertTrue(Double.isNaN(sumOf(Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY).value()));
    ExactSum inf = sumOf(Double.POSITIVE_INFINITY, 2.0);
    assertFalse(inf.isFinite());
    assertFalse(inf.isZero());
    ExactSum back = ExactSum.fromBytes(inf.toBytes());
    assertBits(Double.POSITIVE_INFINITY, back.value(), "round trip");
    back.merge(sumOf(Double.NEGATIVE_INFINITY));
    assertTrue(Double.isNaN(back.value()));
    assertThrows(AblateException.class, inf::toBigDecimal);
  }

  @Test
  void malformedBytesAreRejected() {
    byte[] good = sumOf(1.0, 1e100).toBytes();
    assertThrows(AblateException.class, () -> ExactSum.fromBytes(new byte[0]));
    assertThrows(AblateException.class, () -> ExactSum.fromBytes(Arrays.copyOf(good, good.length - 1)));
    assertThrows(AblateException.class, () -> ExactSum.fromBytes(Arrays.copyOf(good, good.length + 1)));
    byte[] badVersion = good.clone();
    badVersion[0] = 9;
    assertThrows(AblateException.class, () -> ExactSum.fromBytes(badVersion));
    byte[] badRange = good.clone();
    badRange[3] = (byte) 99;
    assertThrows(AblateException.class, () -> ExactSum.fromBytes(badRange));
  }

  @Test
  void addThroughput() {
    Random rnd = new Random(6);
    double[] xs = new double[1 << 16];
    for (int k = 0; k < xs.length; k++) {
      xs[k] = rnd.nextGaussian() * Math.scalb(1.0, rnd.nextInt(64) - 32);
    }
    ExactSum s = ExactSum.empty();
    long adds = 0;
    double best = 0;
    for (int round = 0; round < 8; round++) {
      long t0 = System.nanoTime();
      for (int rep = 0; rep < 200; rep++) {
        for (double x : xs) {
          s.add(x);
        }
      }
      long ns = System.nanoTime() - t0;
      adds += 200L * xs.length;
      best = Math.max(best, 200.0 * xs.length / ns * 1e3);
    }
    System.out.printf("ExactSum.add throughput: best %.1f M adds/s over %d adds (value %s)%n",
        best, adds, s.value());
    assertTrue(Double.isFinite(s.value()));
  }
}

package io.ablate.activation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ablate.expr.Interpreter;
import io.ablate.kernel.Inputs;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * The float64 reference of every catalogue activation (its expression tree, as the jobs evaluate
 * it) against {@link ExactValues}, an independent arbitrary-precision evaluation, at the points of
 * the committed table {@value #RESOURCE}: about a thousand per activation, from the bulk, both
 * tails down to where the value underflows, the neighbourhood of 0 down to the smallest doubles
 * and magnitudes up to {@link Double#MAX_VALUE}.
 *
 * <p>The bound: where the exact value is a normal double, the relative error is at most
 * {@value #REL} times the amplification of the inputs' rounding (1 where no exponential amplifies
 * it; see {@link #amplification}); where it is below the normal doubles (|y| &lt; 2<sup>−1022</sup>,
 * some 10<sup>270</sup> below the smallest float32), the absolute error is at most
 * 2<sup>−1022</sup>·max(1, |up|): there the reference may lose all relative accuracy or flush to
 * ±0 (e^−k overflows in 1/(1 + e^−k) before the quotient underflows); where the exact value
 * overflows, the reference is the infinity of its sign.
 *
 * <p>The table is written by {@code cd udfs && mvn -B -o surefire:test
 * -Dtest=ReferenceExactnessTest -Dablate.exact.write=true} (it takes a few minutes: apfloat
 * evaluates every point to {@value ExactValues#DIGITS} digits); the points are drawn from a fixed
 * seed, so the command rewrites the same file.
 */
class ReferenceExactnessTest {
  static final String RESOURCE = "/io/ablate/activation/exact-values.csv.gz";
  /** Relative bound, per unit of {@link #amplification}. */
  static final double REL = 1e-14;

  static List<String> variants() {
    return Inputs.suiteVariants();
  }

  /**
   * How much a relative rounding of the definition's inputs and constants (x, β, 1.702, x/√2, ...)
   * is amplified at x: a function of the form e^(−t) has relative condition |t| in t, so rounding
   * t by 2<sup>−53</sup> moves the value by |t|·2<sup>−53</sup> relative; no float64 evaluation
   * that starts by rounding t can do better. 1 + |t| for the exponent t of the small factor.
   */
  static double amplification(String variant, double x) {
    Variant v = Catalogue.variant(variant);
    String f = v.gated() ? ((GatedActivation) v.activation()).gate().name() : v.activation().name();
    double t = switch (f) {
      case "gelu" -> x * x; // erfc(a) ≈ e^(−a²)/(a√π), a = −x/√2: condition 2a² = x²
      case "gelu_tanh" -> Math.abs(2 * Math.sqrt(2 / Math.PI) * (x + 0.134145 * x * x * x));
      case "gelu_sigmoid" -> 1.702 * Math.abs(x);
      case "swish" -> v.params().get("beta") * Math.abs(x);
      case "sigmoid", "silu", "mish", "elu" -> Math.abs(x);
      case "softplus" -> v.params().get("beta") * Math.abs(x);
      default -> 0;
    };
    return 1 + t;
  }

  /**
   * Where the bound is claimed: everywhere, except for {@code rational}, whose reference evaluates
   * its polynomials directly: beyond |x|<sup>degree</sup> ≈ 10<sup>300</sup> they overflow (NaN
   * from ∞/∞). Its domain, |x| ≤ 10<sup>300/degree</sup>, holds every float32 input (degree ≤ 8).
   */
  static boolean inDomain(Variant v, double x) {
    if (!v.activation().name().equals("rational")) {
      return true;
    }
    int degree = Math.max(v.params().list("p").length - 1, v.params().list("q").length + 1);
    return Math.abs(x) <= Math.pow(10, 300.0 / degree);
  }

  /** The points of one variant: fixed seed, so the table is reproducible. */
  static List<double[]> points(String variant, boolean gated) {
    SplittableRandom rnd = new SplittableRandom(variant.hashCode());
    List<Double> xs = new ArrayList<>(List.of(0.0, -0.0, Double.MIN_VALUE, -Double.MIN_VALUE,
        Double.MIN_NORMAL, -Double.MIN_NORMAL, Double.MAX_VALUE, -Double.MAX_VALUE, 1.0, -1.0,
        -12.8, -9.4, -38.0, -26.0, (double) -12.8f, (double) -9.4f, (double) -38f, -88.7, 88.7,
        -745.0, -700.0, 3.0, -3.0));
    for (int i = 0; i < 300; i++) { // the bulk
      xs.add(rnd.nextDouble(-10, 10));
    }
    for (int i = 0; i < 350; i++) { // the left tail, log-uniform in [1, 1000]
      xs.add(-Math.pow(10, rnd.nextDouble(0, 3)));
    }
    for (int i = 0; i < 100; i++) { // the right side
      xs.add(Math.pow(10, rnd.nextDouble(0, 3)));
    }
    for (int i = 0; i < 150; i++) { // near 0, down to the subnormals
      xs.add(Math.copySign(Math.pow(10, rnd.nextDouble(-323, 0)), rnd.nextBoolean() ? 1 : -1));
    }
    for (int i = 0; i < 80; i++) { // huge magnitudes
      xs.add(Math.copySign(Math.pow(10, rnd.nextDouble(3, 308)), rnd.nextBoolean() ? 1 : -1));
    }
    List<double[]> out = new ArrayList<>();
    for (double x : xs) {
      double up = gated ? rnd.nextDouble(-4, 4) : 1;
      out.add(new double[] {x, up});
    }
    return out;
  }

  record Point(String variant, double x, double up, BigDecimal exact) {}

  /** The table from {@code written} if this run wrote it, else from the class path. */
  static List<Point> read(Path written) throws IOException {
    List<Point> points = new ArrayList<>();
    try (InputStream in = written != null ? Files.newInputStream(written)
        : ReferenceExactnessTest.class.getResourceAsStream(RESOURCE)) {
      assertTrue(in != null, RESOURCE + " is missing: write it (see the class comment)");
      BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(in),
          StandardCharsets.UTF_8));
      String line = r.readLine(); // header
      while ((line = r.readLine()) != null) {
        // variant;x;up;exact (a rational's parameters hold commas)
        String[] f = line.split(";");
        points.add(new Point(f[0], Double.parseDouble(f[1]), Double.parseDouble(f[2]),
            new BigDecimal(f[3])));
      }
    }
    return points;
  }

  static void write(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    try (OutputStream os = new GZIPOutputStream(Files.newOutputStream(file));
         Writer w = new java.io.OutputStreamWriter(os, StandardCharsets.UTF_8);
         PrintWriter p = new PrintWriter(w)) {
      p.print("variant;x;up;exact\n");
      for (String variant : variants()) {
        boolean gated = Catalogue.variant(variant).gated();
        for (double[] pt : points(variant, gated)) {
          BigDecimal e = ExactValues.value(variant, pt[0], pt[1]);
          p.print(variant + ";" + pt[0] + ";" + pt[1] + ";"
              + e.round(new MathContext(21)).toString() + "\n");
        }
      }
    }
  }

  @Test
  void referenceIsWithinItsStatedBoundOfTheExactValue() throws IOException {
    Path written = null;
    if (Boolean.getBoolean("ablate.exact.write")) {
      written = Path.of("src/test/resources" + RESOURCE);
      write(written);
    }
    List<Point> points = read(written);
    Map<String, Interpreter.Compiled> compiled = new LinkedHashMap<>();
    Map<String, double[]> worst = new LinkedHashMap<>();
    Map<String, Integer> count = new LinkedHashMap<>();
    List<String> failures = new ArrayList<>();
    for (Point pt : points) {
      Variant v = Catalogue.variant(pt.variant());
      if (!inDomain(v, pt.x())) {
        continue;
      }
      Interpreter.Compiled f = compiled.computeIfAbsent(pt.variant(),
          k -> Interpreter.compile(v.definition()));
      double ref = v.gated() ? f.eval(new double[] {pt.x(), pt.up()}) : f.eval(new double[] {pt.x()});
      count.merge(pt.variant(), 1, Integer::sum);
      double rounded = pt.exact().doubleValue();
      String at = String.format(Locale.ROOT, "%s at x=%s up=%s: reference %s, exact %s",
          pt.variant(), pt.x(), pt.up(), ref, pt.exact());
      if (Double.isInfinite(rounded)) {
        if (ref != rounded) {
          failures.add(at + " (overflow)");
        }
        continue;
      }
      if (!Double.isFinite(ref)) {
        failures.add(at);
        continue;
      }
      BigDecimal err = new BigDecimal(ref).subtract(pt.exact()).abs();
      if (Math.abs(rounded) >= Double.MIN_NORMAL) {
        double rel = err.divide(pt.exact().abs(), MathContext.DECIMAL64).doubleValue();
        double bound = REL * amplification(pt.variant(), pt.x());
        double[] w = worst.computeIfAbsent(pt.variant(), k -> new double[] {-1, 0, -1});
        if (rel > w[0]) {
          w[0] = rel;
          w[1] = pt.x();
        }
        w[2] = Math.max(w[2], rel / bound * REL);
        if (!(rel <= bound)) {
          failures.add(at + String.format(Locale.ROOT, " (relative %.3g > %.3g)", rel, bound));
        }
      } else if (!(err.doubleValue() <= Double.MIN_NORMAL * Math.max(1, Math.abs(pt.up())))) {
        failures.add(at + " (absolute " + err.doubleValue() + " in the subnormal range)");
      }
    }
    worst.forEach((k, w) -> System.out.printf(Locale.ROOT,
        "%-26s max relative %.3g at x=%s; max relative / amplification %.3g%n", k, w[0], w[1],
        w[2]));
    for (String variant : variants()) {
      assertTrue(count.getOrDefault(variant, 0) >= 900, variant + ": " + count.get(variant));
    }
    assertEquals(List.of(), failures.subList(0, Math.min(20, failures.size())),
        failures.size() + " failures");
  }
}

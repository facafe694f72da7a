package io.ablate.activation;

import java.math.BigDecimal;
import java.math.MathContext;
import org.apfloat.Apfloat;
import org.apfloat.ApfloatMath;

/**
 * The catalogue's activations in arbitrary precision (apfloat), written from their mathematical
 * definitions, independently of the expression trees: the reference the float64 reference is
 * checked against. Every function is evaluated with enough digits that its result keeps at least
 * {@value #DIGITS} correct significant digits, cancellation included (1 + tanh z for z &lt; 0,
 * 1 + e^x in ln(1 + e^x) for x &lt; 0, e^x − 1 near 0 take extra digits as they need them).
 * Beyond |argument| {@value #FAR} the correction terms are below 10<sup>−800</sup> relative
 * (e.g. e<sup>−2000</sup>): there the limit is the exact value to far more than double precision
 * (x itself, 0 or a constant), and it is returned directly.
 */
final class ExactValues {
  /** Correct significant digits of every result. */
  static final int DIGITS = 40;
  /** Arguments of exp beyond which the limit is exact to far below a double's precision. */
  static final double FAR = 2000;
  private static final long WORK = DIGITS + 20;

  private ExactValues() {}

  /**
   * The value of {@code variant} (a catalogue name with parameters, as the accuracy suite spells
   * it) at the double {@code x} (gated variants: the gate) times {@code up} (gated variants only),
   * to {@value #DIGITS} significant digits, as a decimal.
   */
  static BigDecimal value(String variant, double x, double up) {
    Variant v = Catalogue.variant(variant);
    Apfloat g = elementwise(v.gated() ? ((GatedActivation) v.activation()).gate().name() : v
        .activation().name(), v.params(), x);
    if (v.gated()) {
      g = g.multiply(exact(up, WORK));
    }
    return new BigDecimal(g.toString(true)).round(new MathContext(DIGITS));
  }

  private static Apfloat elementwise(String name, Params p, double x) {
    Apfloat ax = exact(x, WORK);
    switch (name) {
      case "identity":
        return ax;
      case "relu":
        return x > 0 ? ax : zero();
      case "relu2":
        return x > 0 ? ax.multiply(ax) : zero();
      case "leaky_relu":
        return x >= 0 ? ax : ax.multiply(exact(p.get("alpha"), WORK));
      case "hard_swish":
        return x <= -3 ? zero() : x >= 3 ? ax
            : ax.multiply(ax.add(new Apfloat(3, WORK))).divide(new Apfloat(6, WORK));
      case "rational":
        return rational(p, ax);
      case "sigmoid":
        return sigmoid(x, 1);
      case "silu":
        return timesSigmoid(x, 1);
      case "swish":
        return timesSigmoid(x, p.get("beta"));
      case "gelu_sigmoid":
        return timesSigmoid(x, 1.702);
      case "gelu":
        return gelu(x);
      case "gelu_tanh":
        return geluTanh(x);
      case "mish":
        return mish(x);
      case "softplus":
        return softplus(x, p.get("beta"));
      case "elu":
        return elu(x, p.get("alpha"));
      default:
        throw new IllegalArgumentException("no exact form for " + name);
    }
  }

  /** A double exactly (a BigDecimal of a double is exact), with {@code digits} of precision. */
  private static Apfloat exact(double d, long digits) {
    return new Apfloat(new BigDecimal(d), Math.max(digits, 20));
  }

  /** A decimal constant as written in a definition (1.702, 0.044715), exactly. */
  private static Apfloat decimal(String d, long digits) {
    return new Apfloat(new BigDecimal(d), digits);
  }

  private static Apfloat zero() {
    return new Apfloat(0);
  }

  /** Digits lost in 1 + e^t (t &lt; 0) or in 1 + tanh: about |t|/ln 10. */
  private static long extraFor(double t) {
    return t < 0 ? (long) Math.ceil(-t / Math.log(10)) + 5 : 0;
  }

  /** 1 / (1 + e^−(kx)), k a decimal or a double parameter. */
  private static Apfloat sigmoid(double x, double k) {
    double t = k * x;
    if (t > FAR) {
      return new Apfloat(1);
    }
    if (t < -FAR) {
      return zero();
    }
    Apfloat at = kTimes(x, k, WORK);
    Apfloat one = new Apfloat(1, WORK);
    return one.divide(one.add(ApfloatMath.exp(at.negate())));
  }

  /** k·x exactly (k = 1.702 is the decimal constant of its definition). */
  private static Apfloat kTimes(double x, double k, long digits) {
    Apfloat kk = k == 1.702 ? decimal("1.702", digits) : exact(k, digits);
    return kk.multiply(exact(x, digits));
  }

  /**
   * The value of a function that is x·(1 − tiny) for t &gt; {@value #FAR} and tiny for t &lt;
   * −{@value #FAR} (x·σ(t), softplus, mish): x or 0 there, exact to far below a double's
   * precision; null in between.
   */
  private static Apfloat farLimit(double t, double x) {
    return t > FAR ? exact(x, WORK) : t < -FAR ? zero() : null;
  }

  /** x · σ(kx). */
  private static Apfloat timesSigmoid(double x, double k) {
    Apfloat far = farLimit(k * x, x);
    return far != null ? far : exact(x, WORK).multiply(sigmoid(x, k));
  }

  /** ½·x·erfc(−x/√2). */
  private static Apfloat gelu(double x) {
    if (x > 100) { // erfc(−70.7) = 2 − 1e−2200
      return exact(x, WORK);
    }
    if (x < -100) {
      return zero();
    }
    Apfloat ax = exact(x, WORK);
    Apfloat sqrt2 = ApfloatMath.sqrt(new Apfloat(2, WORK));
    Apfloat half = new Apfloat(1, WORK).divide(new Apfloat(2, WORK));
    return half.multiply(ax).multiply(ApfloatMath.erfc(ax.negate().divide(sqrt2)));
  }

  /** ½·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), as defined (1 + tanh with the digits it needs). */
  private static Apfloat geluTanh(double x) {
    double z = Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x);
    if (z > FAR / 2) {
      return exact(x, WORK);
    }
    if (z < -FAR / 2) {
      return zero();
    }
    long digits = WORK + extraFor(2 * z);
    Apfloat ax = exact(x, digits);
    Apfloat pi = ApfloatMath.pi(digits);
    Apfloat two = new Apfloat(2, digits);
    Apfloat c = ApfloatMath.sqrt(two.divide(pi));
    Apfloat inner = ax.add(decimal("0.044715", digits).multiply(ax).multiply(ax).multiply(ax));
    Apfloat one = new Apfloat(1, digits);
    return ax.multiply(one.add(ApfloatMath.tanh(c.multiply(inner)))).divide(two);
  }

  /** x·tanh(ln(1 + e^x)). */
  private static Apfloat mish(double x) {
    Apfloat far = farLimit(x, x);
    return far != null ? far : exact(x, WORK).multiply(ApfloatMath.tanh(softplusOf(x, 1)));
  }

  /** ln(1 + e^(βx)) / β. */
  private static Apfloat softplus(double x, double beta) {
    Apfloat far = farLimit(beta * x, x);
    return far != null ? far : softplusOf(x, beta).divide(exact(beta, WORK));
  }

  /** ln(1 + e^(βx)), with the digits that 1 + e^(βx) loses for βx &lt; 0. */
  private static Apfloat softplusOf(double x, double beta) {
    long digits = WORK + extraFor(beta * x);
    Apfloat one = new Apfloat(1, digits);
    return ApfloatMath.log(one.add(ApfloatMath.exp(exact(beta, digits).multiply(exact(x, digits)))));
  }

  /** x for x &gt; 0, α·(e^x − 1) else (e^x − 1 with the digits it needs near 0). */
  private static Apfloat elu(double x, double alpha) {
    if (x > 0) {
      return exact(x, WORK);
    }
    Apfloat a = exact(alpha, WORK);
    if (x < -FAR) {
      return a.negate();
    }
    if (x == 0) {
      return zero();
    }
    long digits = WORK + (long) Math.ceil(Math.max(0, -Math.log10(-x))) + 5;
    Apfloat one = new Apfloat(1, digits);
    return exact(alpha, digits).multiply(ApfloatMath.exp(exact(x, digits)).subtract(one));
  }

  /** (p0 + p1·x + …) / (1 + |x·(q1 + q2·x + …)|), exactly (polynomials in exact arithmetic). */
  private static Apfloat rational(Params p, Apfloat ax) {
    BigDecimal x = new BigDecimal(ax.toString(true));
    double[] pc = p.list("p");
    double[] qc = p.list("q");
    BigDecimal num = BigDecimal.ZERO;
    for (int k = pc.length - 1; k >= 0; k--) {
      num = num.multiply(x).add(new BigDecimal(pc[k]));
    }
    BigDecimal den = BigDecimal.ZERO;
    for (int k = qc.length - 1; k >= 0; k--) {
      den = den.multiply(x).add(new BigDecimal(qc[k]));
    }
    den = BigDecimal.ONE.add(x.multiply(den).abs());
    return new Apfloat(num.divide(den, new MathContext((int) WORK)), WORK);
  }
}

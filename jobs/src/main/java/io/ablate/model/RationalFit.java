package io.ablate.model;

import io.ablate.activation.Catalogue;
import io.ablate.activation.Params;
import io.ablate.expr.Interpreter;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresBuilder;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresOptimizer;
import org.apache.commons.math3.fitting.leastsquares.LevenbergMarquardtOptimizer;
import org.apache.commons.math3.fitting.leastsquares.MultivariateJacobianFunction;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;
import org.apache.commons.math3.util.Pair;

/**
 * The rational activation that learnable rational activations start from: the safe Padé form
 * P(x) / (1 + |q1·x + … + q4·x⁴|) with P of degree 5 (the degrees of Padé Activation Units),
 * fitted to GELU by least squares on 601 evenly spaced points of [−6, 6]: a linear least-squares
 * solution with the denominator taken without its absolute value, refined by Levenberg–Marquardt
 * on the safe form itself. PAU fits on [−3, 3]; there the fit is closer (max error 9e-4) but leaves
 * GELU fast outside it (−2.3 at x = 6), where an FFN's inputs do go; on [−6, 6] the largest error is
 * 3.7e-3 and it stays within 0.014 of GELU out to ±10. Deterministic: the same coefficients in every
 * JVM.
 */
public final class RationalFit {
  static final int NUMERATOR = 6;
  static final int DENOMINATOR = 4;
  private static final int POINTS = 601;
  private static final double RANGE = 6;

  private static final double[] COEFFICIENTS = fit();
  /** The fitted rational as a catalogue spec. */
  public static final String GELU_SPEC = "rational(p=" + geluCoefficients("p") + ",q="
      + geluCoefficients("q") + ")";

  private RationalFit() {}

  /** {@code p} (p0..p5) or {@code q} (q1..q4) of the fit, as a spec list {@code [a,b,...]}. */
  static String geluCoefficients(String name) {
    int from = name.equals("p") ? 0 : NUMERATOR;
    int to = name.equals("p") ? NUMERATOR : NUMERATOR + DENOMINATOR;
    StringBuilder sb = new StringBuilder("[");
    for (int i = from; i < to; i++) {
      // float32's shortest decimal: a training holds the coefficients in float32
      sb.append(i == from ? "" : ",").append(Params.format(Double.parseDouble(
          Float.toString((float) COEFFICIENTS[i]))));
    }
    return sb.append(']').toString();
  }

  private static double[] fit() {
    Interpreter.Compiled gelu = Interpreter.compile(Catalogue.variant("gelu").definition());
    double[] x = new double[POINTS];
    double[] y = new double[POINTS];
    for (int i = 0; i < POINTS; i++) {
      x[i] = -RANGE + 2 * RANGE * i / (POINTS - 1);
      y[i] = gelu.eval(x[i]);
    }
    // P(x) − y·(q1·x + … + q4·x⁴) = y: linear in the coefficients
    RealMatrix a = new Array2DRowRealMatrix(POINTS, NUMERATOR + DENOMINATOR);
    for (int i = 0; i < POINTS; i++) {
      for (int k = 0; k < NUMERATOR; k++) {
        a.setEntry(i, k, power(x[i], k));
      }
      for (int j = 1; j <= DENOMINATOR; j++) {
        a.setEntry(i, NUMERATOR + j - 1, -y[i] * power(x[i], j));
      }
    }
    RealVector start = new QRDecomposition(a).getSolver().solve(new ArrayRealVector(y));
    MultivariateJacobianFunction model = c -> value(c, x);
    LeastSquaresOptimizer.Optimum best = new LevenbergMarquardtOptimizer().optimize(
        new LeastSquaresBuilder().model(model).target(y).start(start).maxEvaluations(10_000)
            .maxIterations(10_000).build());
    return best.getPoint().toArray();
  }

  /** The safe form's values at {@code x} and their derivatives by the coefficients. */
  private static Pair<RealVector, RealMatrix> value(RealVector c, double[] x) {
    RealVector v = new ArrayRealVector(x.length);
    RealMatrix j = new Array2DRowRealMatrix(x.length, c.getDimension());
    for (int i = 0; i < x.length; i++) {
      double p = 0;
      for (int k = NUMERATOR - 1; k >= 0; k--) {
        p = p * x[i] + c.getEntry(k);
      }
      double s = 0;
      for (int k = DENOMINATOR; k >= 1; k--) {
        s = (s + c.getEntry(NUMERATOR + k - 1)) * x[i];
      }
      double d = 1 + Math.abs(s);
      v.setEntry(i, p / d);
      for (int k = 0; k < NUMERATOR; k++) {
        j.setEntry(i, k, power(x[i], k) / d);
      }
      for (int k = 1; k <= DENOMINATOR; k++) {
        j.setEntry(i, NUMERATOR + k - 1, -p * Math.signum(s) * power(x[i], k) / (d * d));
      }
    }
    return new Pair<>(v, j);
  }

  /** x^k by multiplication: exact the same bits in every JVM, which Math.pow does not promise. */
  private static double power(double x, int k) {
    double p = 1;
    for (int i = 0; i < k; i++) {
      p *= x;
    }
    return p;
  }
}

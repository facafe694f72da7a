package io.ablate.expr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ablate.activation.Activation;
import io.ablate.activation.Catalogue;
import io.ablate.activation.Variant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The block evaluator is the per-element {@link Interpreter} over arrays: the same bits for every
 * catalogue definition, every precision's whole-variant expression and every GPU expansion, on
 * fresh random inputs and the edge cases, in blocks of varying size (buffers grow and are reused).
 */
class BlockInterpreterTest {
  private static final double[] EDGES = {0.0, -0.0, Double.POSITIVE_INFINITY,
      Double.NEGATIVE_INFINITY, Double.NaN, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL,
      Float.MAX_VALUE, -Float.MAX_VALUE, 1e-40, -1e-40, 1.0, -1.0, 0.5, -0.5, 3.0, -3.0, 10.0, -10.0,
      30.0, -30.0, 90.0, -90.0, 1e20, -1e20};

  private static List<Expr> expressions() {
    List<Expr> out = new ArrayList<>();
    for (Activation a : Catalogue.all()) {
      for (String precision : new String[] {"", "@bf16", "@fp8_e4m3", "@int8(scale=0.05)"}) {
        String name = a.name().equals("rational")
            ? "rational(p=[0.0218,0.5,1.5957,1.1915,0.5,0.0218],q=[2.383,0,1,0])" : a.name();
        Variant v = Catalogue.variant(name + precision);
        v.expression().ifPresent(e -> {
          out.add(e);
          out.add(GpuExpansion.expand(e));
        });
      }
    }
    return out;
  }

  @Test
  void sameBitsAsTheInterpreter() {
    SplittableRandom rnd = new SplittableRandom(7);
    List<Expr> all = expressions();
    assertEquals(true, all.size() > 60, "expressions: " + all.size());
    for (Expr e : all) {
      Interpreter.Compiled scalar = Interpreter.compile(e);
      BlockInterpreter.Block block = BlockInterpreter.compile(e);
      for (int n : new int[] {EDGES.length * EDGES.length, 1, 300, 5000, 17}) {
        double[][] in = {new double[n], new double[n]};
        for (int k = 0; k < n; k++) {
          if (n == EDGES.length * EDGES.length) {
            in[0][k] = EDGES[k % EDGES.length];
            in[1][k] = EDGES[k / EDGES.length];
          } else {
            in[0][k] = (float) (rnd.nextBoolean() ? rnd.nextGaussian() * 4 : rnd.nextDouble(-100, 100));
            in[1][k] = (float) (rnd.nextGaussian() * 4);
          }
        }
        double[] out = new double[n];
        block.eval(in, out, n);
        for (int k = 0; k < n; k++) {
          double expected = scalar.eval(new double[] {in[0][k], in[1][k]});
          assertEquals(Double.doubleToLongBits(expected), Double.doubleToLongBits(out[k]),
              () -> e + " at (" + in[0][0] + ", …)");
        }
      }
    }
  }

  @Test
  void everyComparisonSelectsAsTheInterpreter() {
    // Every pair of edge values (NaN, ±0, ±Inf among them), in blocks long enough for the vector
    // form and with a remainder, for each comparison: the same bits as the scalar interpreter.
    int n = EDGES.length * EDGES.length;
    double[][] in = {new double[n], new double[n]};
    for (int k = 0; k < n; k++) {
      in[0][k] = EDGES[k % EDGES.length];
      in[1][k] = EDGES[k / EDGES.length];
    }
    for (Expr.Cmp cmp : Expr.Cmp.values()) {
      for (Expr e : List.of(
          new Expr.Select(cmp, new Expr.Var(0), new Expr.Var(1), new Expr.Const(1.5),
              new Expr.Const(-2.5)),
          new Expr.Select(cmp, new Expr.Var(0), new Expr.Var(1), new Expr.Var(1), new Expr.Var(0)),
          new Expr.Select(cmp, new Expr.Var(0), new Expr.Const(Double.NEGATIVE_INFINITY),
              new Expr.Const(-0.0), new Expr.Var(1)))) {
        Interpreter.Compiled scalar = Interpreter.compile(e);
        BlockInterpreter.Block block = BlockInterpreter.compile(e);
        for (int len : new int[] {n, n - 3, 5}) {
          double[] out = new double[len];
          block.eval(in, out, len);
          for (int k = 0; k < len; k++) {
            double expected = scalar.eval(new double[] {in[0][k], in[1][k]});
            int at = k;
            assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(out[k]),
                () -> e + " at (" + in[0][at] + ", " + in[1][at] + ")");
          }
        }
      }
    }
  }

  @Test
  void outputMayBeAnInput() {
    // The root writes straight into the caller's array unless that array is an input: erfc reads
    // its argument again after writing, so erfc(x) written over x would change the values.
    SplittableRandom rnd = new SplittableRandom(11);
    List<Expr> roots = new ArrayList<>(List.of(Expr.erfc(Expr.x())));
    for (String name : new String[] {"gelu", "silu", "swiglu"}) {
      roots.add(Catalogue.variant(name).definition());
    }
    for (Expr e : roots) {
      String name = e.toString();
      Interpreter.Compiled scalar = Interpreter.compile(e);
      BlockInterpreter.Block block = BlockInterpreter.compile(e);
      int n = 1000;
      double[][] in = {new double[n], new double[n]};
      for (int k = 0; k < n; k++) {
        in[0][k] = (float) (rnd.nextGaussian() * 4);
        in[1][k] = (float) (rnd.nextGaussian() * 4);
      }
      double[] expected = new double[n];
      for (int k = 0; k < n; k++) {
        expected[k] = scalar.eval(new double[] {in[0][k], in[1][k]});
      }
      block.eval(in, in[0], n);
      for (int k = 0; k < n; k++) {
        assertEquals(Double.doubleToLongBits(expected[k]), Double.doubleToLongBits(in[0][k]),
            name + " at " + k);
      }
    }
  }

  @Test
  void tooFewInputsIsAnError() {
    BlockInterpreter.Block gated = BlockInterpreter.compile(Catalogue.variant("swiglu").definition());
    assertEquals(2, gated.arity());
    assertThrows(IllegalArgumentException.class,
        () -> gated.eval(new double[][] {new double[4]}, new double[4], 4));
  }
}

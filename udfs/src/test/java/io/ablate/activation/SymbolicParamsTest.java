package io.ablate.activation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ablate.expr.BlockInterpreter;
import io.ablate.expr.Expr;
import io.ablate.expr.GpuExpansion;
import io.ablate.expr.Interpreter;
import io.ablate.kernel.Inputs;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Parameters read with {@code Params.expr}: constants in a variant's definition (which therefore
 * evaluates as before, bit for bit), {@link Expr.Param} nodes in its symbolic definition, one per
 * number and per list item; the forms that evaluate numbers refuse a parameter without a value.
 */
class SymbolicParamsTest {
  static final String RATIONAL = "rational(p=[0.0218,0.5,1.5957,1.1915,0.5,0.0218],q=[2.383,0,1,0])";

  static List<String> variants() {
    List<String> v = new ArrayList<>();
    for (Activation a : Catalogue.all()) {
      if (!a.name().equals("rational")) {
        v.add(a.name());
      }
    }
    v.addAll(List.of("swish(beta=1.5)", "leaky_relu(alpha=0.2)", "softplus(beta=2)",
        "elu(alpha=0.5)", RATIONAL, "gelu@bf16", "swish(beta=1.5)@fp8_e4m3", "swiglu@fp16",
        RATIONAL + "@int8(scale=0.05)"));
    return v;
  }

  @ParameterizedTest
  @MethodSource("variants")
  void symbolicDefinitionHasOneParamPerValueAndOtherwiseTheSameFunction(String name) {
    Variant v = Catalogue.variant(name);
    Expr concrete = v.expression().orElseThrow();
    Expr symbolic = v.symbolicExpression().orElseThrow();
    assertEquals(Set.of(), params(concrete), "no parameter left symbolic in " + name);

    Set<Expr.Param> expected = new HashSet<>();
    for (String p : v.params().names()) {
      double[] values = v.params().list(p);
      for (int i = 0; i < values.length; i++) {
        expected.add(new Expr.Param(p, i));
      }
    }
    assertEquals(expected, params(symbolic), name);

    // The symbolic tree with each parameter replaced by its value is the concrete function.
    Interpreter.Compiled want = Interpreter.compile(concrete);
    Interpreter.Compiled got = Interpreter.compile(bind(symbolic, v.params()));
    SplittableRandom rnd = new SplittableRandom(7);
    List<Double> xs = new ArrayList<>();
    for (float e : Inputs.EDGES) {
      xs.add((double) e);
    }
    for (int i = 0; i < 200; i++) {
      xs.add(rnd.nextDouble(-8, 8));
    }
    for (double x : xs) {
      double[] in = v.gated() ? new double[] {x, rnd.nextDouble(-3, 3)} : new double[] {x};
      assertEquals(Double.doubleToRawLongBits(want.eval(in)), Double.doubleToRawLongBits(got.eval(in)),
          name + " at " + x);
    }
  }

  @Test
  void formsThatEvaluateNumbersRefuseAParameterWithoutAValue() {
    Expr symbolic = Catalogue.variant("swish(beta=1.5)").symbolicDefinition();
    for (Runnable form : List.<Runnable>of(() -> Interpreter.compile(symbolic),
        () -> BlockInterpreter.compile(symbolic), () -> GpuExpansion.expand(symbolic))) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, form::run);
      assertTrue(e.getMessage().contains("parameter beta[0] has no value"), e.getMessage());
    }
  }

  @Test
  void symbolicParamsKeepTheirValuesAndAreNotTheConcreteOnes() {
    Params p = Catalogue.variant(RATIONAL).params();
    Params s = p.symbolic();
    assertTrue(s.isSymbolic());
    assertEquals(p.text(), s.text());
    assertEquals(new Expr.Param("q", 3), s.expr("q", 3));
    assertEquals(Expr.c(1.1915), p.expr("p", 3));
    assertNotEquals(p, s);
    assertThrows(IllegalArgumentException.class, () -> p.expr("q", 4));
    assertThrows(IllegalArgumentException.class, () -> p.expr("beta"));
  }

  private static Set<Expr.Param> params(Expr e) {
    Set<Expr.Param> out = new HashSet<>();
    walk(e, out);
    return out;
  }

  private static void walk(Expr e, Set<Expr.Param> out) {
    if (e instanceof Expr.Param p) {
      out.add(p);
    } else if (e instanceof Expr.Unary u) {
      walk(u.arg(), out);
    } else if (e instanceof Expr.Binary b) {
      walk(b.left(), out);
      walk(b.right(), out);
    } else if (e instanceof Expr.Select s) {
      for (Expr c : List.of(s.left(), s.right(), s.ifTrue(), s.ifFalse())) {
        walk(c, out);
      }
    } else if (e instanceof Expr.Round r) {
      walk(r.arg(), out);
    } else if (e instanceof Expr.Let l) {
      walk(l.value(), out);
      walk(l.body(), out);
    }
  }

  /** {@code e} with every parameter replaced by its value in {@code p}. */
  private static Expr bind(Expr e, Params p) {
    if (e instanceof Expr.Param q) {
      return Expr.c(p.list(q.name())[q.item()]);
    } else if (e instanceof Expr.Unary u) {
      return new Expr.Unary(u.fn(), bind(u.arg(), p));
    } else if (e instanceof Expr.Binary b) {
      return new Expr.Binary(b.fn(), bind(b.left(), p), bind(b.right(), p));
    } else if (e instanceof Expr.Select s) {
      return new Expr.Select(s.cmp(), bind(s.left(), p), bind(s.right(), p), bind(s.ifTrue(), p),
          bind(s.ifFalse(), p));
    } else if (e instanceof Expr.Round r) {
      return new Expr.Round(r.format(), bind(r.arg(), p));
    } else if (e instanceof Expr.Let l) {
      return new Expr.Let(l.id(), bind(l.value(), p), bind(l.body(), p));
    }
    return e;
  }
}

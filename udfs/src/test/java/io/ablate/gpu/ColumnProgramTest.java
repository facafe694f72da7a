package io.ablate.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ablate.activation.Catalogue;
import io.ablate.activation.Variant;
import io.ablate.encoding.ColumnKind;
import io.ablate.encoding.Dtype;
import io.ablate.expr.Expr;
import io.ablate.expr.Interpreter;
import io.ablate.spark.GpuForms;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The GPU lowering's program, on the CPU: for every variant with a GPU form (precision variants
 * too), its steps run over double arrays in the GPU's order, each intermediate dropped after its
 * last use, give the interpreter's bits of the same expanded expression on fresh random inputs and
 * edge cases; every intermediate is closed exactly once; and the peak of live columns is below
 * what keeping every intermediate to the end held.
 */
class ColumnProgramTest {
  private static final double[] EDGES = {0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY,
      Double.NEGATIVE_INFINITY, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, 1e-300,
      Float.MAX_VALUE, -Float.MAX_VALUE, 3e38, 1e10, -1e10, 88.7, -88.7, 1, -1, 0.5, -3.2};

  private static List<Variant> variants() {
    List<Variant> out = new ArrayList<>();
    Catalogue.all().forEach(a -> out.add(Catalogue.variant(a.name().equals("rational")
        ? "rational(p=[0.02,0.5,1.6,1.2,0.5,0.02],q=[2.4,0,1,0])" : a.name())));
    out.addAll(Catalogue.variants("gelu@bf16;gelu@fp16;gelu@fp8_e4m3;gelu@fp8_e5m2;"
        + "gelu@int8(scale=0.05);silu@bf16;swiglu@bf16;geglu@fp8_e4m3"));
    return out.stream().filter(v -> v.expression().isPresent()).toList();
  }

  @Test
  void programsGiveTheInterpreterBitsAndCloseEveryIntermediateOnce() {
    SplittableRandom r = new SplittableRandom(System.nanoTime());
    int n = 4000;
    List<Variant> variants = variants();
    assertTrue(variants.size() > 15, "variants: " + variants.size());
    for (Variant v : variants) {
      Expr e = new GpuForms(v, ColumnKind.FLOAT_ARRAY, Dtype.F32, false).expression();
      int inputs = v.gated() ? 2 : 1;
      ColumnProgram p = ColumnProgram.of(e, inputs);
      double[][] in = new double[inputs][n];
      for (int i = 0; i < n; i++) {
        for (int k = 0; k < inputs; k++) {
          in[k][i] = i < EDGES.length * EDGES.length
              ? EDGES[k == 0 ? i % EDGES.length : i / EDGES.length % EDGES.length]
              : (float) (r.nextGaussian() * (r.nextInt(4) == 0 ? 100 : 3));
        }
      }
      double[] got = p.evaluate(in);
      Interpreter.Compiled reference = Interpreter.compile(e);
      for (int i = 0; i < n; i++) {
        double[] x = new double[inputs];
        for (int k = 0; k < inputs; k++) {
          x[k] = in[k][i];
        }
        double want = reference.eval(x);
        int at = i;
        assertTrue(Double.doubleToLongBits(want) == Double.doubleToLongBits(got[i])
            || (Double.isNaN(want) && Double.isNaN(got[i])),
            () -> v.name() + " at " + java.util.Arrays.toString(x) + ": " + got[at] + " vs "
                + want);
      }
      // Every intermediate but the result is closed exactly once, after it was written.
      Set<Integer> closed = new HashSet<>();
      for (int s = 0; s < p.steps().size(); s++) {
        for (int id : p.deadAfter(s)) {
          assertTrue(id < p.column(s) || id == p.column(s), v.name());
          assertTrue(closed.add(id), v.name() + ": closed twice: " + id);
        }
      }
      for (int s = 0; s < p.steps().size(); s++) {
        int id = p.column(s);
        boolean read = false;
        for (ColumnProgram.Step later : p.steps()) {
          read |= ColumnProgram.reads(later).contains(id);
        }
        assertEquals(read && id != p.result(), closed.contains(id), v.name() + " column " + id);
      }
      // The peak is below the sum of all intermediates (what the lowering held before).
      ColumnProgram.Cost cost = p.cost(4);
      long all = 4L * inputs;
      for (ColumnProgram.Step s : p.steps()) {
        all += ColumnProgram.isBool(s) ? 1 : 8;
        all += s instanceof ColumnProgram.Exp2 ? 8 * CudfLowering.EXP2_KERNELS : 0;
      }
      assertTrue(cost.peakBytes() <= all, v.name() + ": " + cost + " vs " + all);
      if (p.steps().size() > 4) {
        assertTrue(cost.peakBytes() < all, v.name() + ": " + cost + " vs " + all);
      }
      assertTrue(cost.kernels() >= p.steps().size(), v.name());
    }
  }
}

package io.ablate.selfcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ablate.accuracy.AccuracyPass;
import io.ablate.accuracy.AccuracyPlan;
import io.ablate.profile.Profile;
import io.ablate.profile.ProfilePass;
import io.ablate.profile.ProfilePlan;
import io.ablate.activation.Catalogue;
import io.ablate.activation.Variant;
import io.ablate.dataset.ActivationDataset;
import io.ablate.expr.Interpreter;
import io.ablate.spark.ActivationFunctions;
import io.ablate.spark.GpuForms;
import io.ablate.testing.LocalSpark;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The GPU self-check's CPU side, which must be right before it runs on a GPU: the cases hold the
 * shapes it promises, the comparison accepts what it should and rejects what it should, every
 * variant's GPU expression evaluated on the CPU passes the comparison against the CPU form on every
 * case, and the plan check finds the CPU pass and the plan's CPU forms equal and a changed metric
 * unequal.
 */
class GpuCheckLogicTest {
  @TempDir
  Path dir;

  @Test
  void casesHoldTheShapesTheyPromise() {
    for (Cases.Shape shape : Cases.Shape.values()) {
      Cases.Case c = Cases.of(shape, 200, 7);
      assertEquals(200, c.rows());
      assertTrue(c.first().contains(null), shape + ": null rows");
      assertEquals(shape.pair(), !c.second().isEmpty());
      if (shape.pair()) {
        boolean oneSideOnly = false;
        for (int i = 0; i < 200; i++) {
          oneSideOnly |= (c.first().get(i) == null) != (c.second().get(i) == null);
        }
        assertTrue(oneSideOnly, shape + ": rows null on one side only");
      }
      if (shape.kind == io.ablate.encoding.ColumnKind.FLOAT_ARRAY && !shape.pair()) {
        List<Integer> lengths = new ArrayList<>();
        boolean nullElement = false;
        for (Object row : c.first()) {
          if (row != null) {
            List<?> l = (List<?>) row;
            lengths.add(l.size());
            nullElement |= l.contains(null);
            assertTrue(!shape.packed || l.size() % 2 == 0, "packed rows are [gate | up]");
          }
        }
        assertTrue(lengths.contains(0) && lengths.stream().distinct().count() >= 4,
            shape + ": ragged, with empty rows " + lengths);
        assertTrue(nullElement, shape + ": null elements");
      }
      if (shape.kind == io.ablate.encoding.ColumnKind.BINARY) {
        for (Object row : c.first()) {
          if (row != null) {
            assertEquals(0, ((byte[]) row).length % shape.dtype.width());
          }
        }
      }
    }
    List<Float> scalars = new ArrayList<>();
    Cases.of(Cases.Shape.FLOAT, 300, 1).first().forEach(v -> scalars.add((Float) v));
    assertTrue(scalars.contains(Float.NaN) && scalars.contains(Float.POSITIVE_INFINITY)
        && scalars.contains(Float.MIN_VALUE) && scalars.contains(-Float.MAX_VALUE));
  }

  @Test
  void theComparisonAcceptsAndRejectsWhatItShould() {
    Variant relu = Catalogue.variant("relu");
    Variant gelu = Catalogue.variant("gelu");
    List<Object> base = Arrays.asList(1f, null, Float.NaN, -0f);
    assertTrue(Compare.rows(relu, null, base, base).ok());
    assertFalse(Compare.rows(relu, null, base, base.subList(0, 3)).ok());
    assertFalse(Compare.rows(relu, null, base, Arrays.asList(1f, 2f, Float.NaN,
        -0f)).ok(), "a null row must stay null");
    assertFalse(Compare.rows(relu, null, base, Arrays.asList(1f, null, 3f, -0f))
        .ok(), "NaN only matches NaN");
    float up = Math.nextUp(1f);
    assertFalse(Compare.rows(relu, null, List.of(1f), List.of(up)).ok(),
        "an exact variant: the same bits only");
    assertTrue(Compare.rows(gelu, null, List.of(1f), List.of(up)).ok(),
        "gelu: within twice its bound");
    assertFalse(Compare.rows(gelu, null, List.of(1f), List.of(1.001f)).ok());
    assertTrue(Compare.rows(Catalogue.variant("gelu@bf16"), null, List.of(1f),
        List.of(1.0078125f)).ok(), "one bf16 step");
    assertFalse(Compare.rows(Catalogue.variant("gelu@bf16"), null, List.of(1f),
        List.of(1.03125f)).ok(), "four bf16 steps");
    List<Object> vec = List.of(List.of(1f, 2f));
    assertFalse(Compare.rows(relu, null, vec, List.of(List.of(1f))).ok());
  }

  /**
   * The GPU forms' arithmetic, evaluated on the CPU by the interpreter, against the CPU forms on
   * every case of every variant: what the device check will compare, minus cuDF.
   */
  @Test
  void everyGpuExpressionMatchesItsCpuFormOnEveryCase() {
    for (Variant v : GpuCheck.variants()) {
      for (Cases.Shape shape : List.of(Cases.Shape.FLOAT, Cases.Shape.ARRAY,
          Cases.Shape.ARRAY_PACKED)) {
        if ((shape == Cases.Shape.ARRAY_PACKED) != v.gated()) {
          continue;
        }
        GpuForms forms = new GpuForms(v, shape.kind, shape.dtype, shape.packed);
        Interpreter.Compiled gpu = Interpreter.compile(forms.expression());
        Cases.Case c = Cases.of(shape, 120, 11);
        List<Object> expected = new ArrayList<>();
        List<Object> actual = new ArrayList<>();
        for (Object row : c.first()) {
          expected.add(forms.cpu(row instanceof List<?> l
              ? CollectionConverters.asScala(l).toSeq() : row, null));
          actual.add(interpret(gpu, row, v.gated()));
        }
        Compare.Result r = Compare.rows(v, c, expected, actual);
        assertTrue(r.ok(), v.name() + " " + shape + ": " + r.problem());
      }
    }
  }

  private static Object interpret(Interpreter.Compiled f, Object row, boolean gated) {
    if (row == null) {
      return null;
    }
    if (row instanceof Float x) {
      return (float) f.eval(x);
    }
    List<?> l = (List<?>) row;
    int n = gated ? l.size() / 2 : l.size();
    List<Float> out = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      Float a = (Float) l.get(k);
      Float b = gated ? (Float) l.get(n + k) : null;
      out.add(a == null || (gated && b == null) ? null
          : (float) (gated ? f.eval(new double[] {a, b}) : f.eval(a)));
    }
    return out;
  }

  @Test
  void thePlanCheckFindsEqualPassesEqualAndAChangedMetricChanged() {
    SparkSession spark = LocalSpark.builder("gpu-check-logic").getOrCreate();
    try {
      ActivationFunctions.register(spark);
      String path = dir.resolve("acts").toString();
      new io.ablate.dataset.Generator(new io.ablate.dataset.Generator.Spec(40, 32, 2, "m", "c", 5,
          true, io.ablate.encoding.Dtype.BF16, 0, 1, 0.25, List.of(),
          List.of("ffn.pre", "ffn.gate_up"), 2)).generate(spark).write().parquet(path);
      ActivationDataset data = ActivationDataset.open(spark, path,
          ActivationDataset.OnBadFile.FAIL);
      List<Variant> variants = Catalogue.variants(PlanCheck.VARIANTS);
      List<AccuracyPass.Result> cpu = new AccuracyPass(variants, Catalogue.variant("gelu"),
          Catalogue.variant("swiglu")).run(data);
      List<AccuracyPass.Result> plan = new AccuracyPlan(variants, Catalogue.variant("gelu"),
          Catalogue.variant("swiglu")).run(data, "plan");
      assertEquals(List.of(), PlanCheck.compare(cpu, plan));
      AccuracyPass.Result first = plan.get(0);
      first.stats().update(1f, 2f, 1.0); // one more element: counts and sums move
      List<String> problems = PlanCheck.compare(cpu, plan);
      assertFalse(problems.isEmpty());
      assertTrue(problems.get(0).contains("counts"), problems.toString());
      assertEquals(List.of("rows: CPU " + cpu.size() + ", GPU 0"),
          PlanCheck.compare(cpu, List.of()));
      // Profiles: the plan (here on its CPU forms) agrees with the pass; a moved moment, count
      // or sketch is found.
      List<Profile> pass = new ProfilePass(variants, 256).run(data);
      List<Profile> profiles = new ProfilePlan(variants, 256).run(data);
      assertEquals(List.of(), PlanCheck.compareProfiles(pass, profiles, profiles));
      Profile p = profiles.get(1);
      List<Profile> moved = new java.util.ArrayList<>(profiles);
      moved.set(1, new Profile(p.model(), p.checkpoint(), p.layer(), p.site(), p.variant(),
          p.n(), p.mean(), p.m2() * (1 + 1e-9), p.m3(), p.m4(), p.min(), p.max(), p.zeros() + 1,
          p.nans(), p.infs(), p.outliers(), new byte[] {1}, p.sketchK()));
      List<String> found = PlanCheck.compareProfiles(pass, moved, profiles);
      assertEquals(4, found.size(), found.toString());
      assertTrue(found.get(0).contains("counts or extremes") && found.get(1).contains("moment")
          && found.get(2).contains("skewness") && found.get(3).contains("sketch"),
          found.toString());
    } finally {
      spark.stop();
    }
  }
}

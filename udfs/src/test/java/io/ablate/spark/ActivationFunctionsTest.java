package io.ablate.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ablate.activation.AccuracyBound;
import io.ablate.activation.Catalogue;
import io.ablate.activation.Variant;
import io.ablate.encoding.Dtype;
import io.ablate.expr.Interpreter;
import io.ablate.testing.LocalSpark;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The SQL functions on every column kind, in both forms (the CPU expression, and the ScalaUDF that
 * the RAPIDS plugin would run on the GPU, here on its CPU path): the same values as the variant's
 * kernel, within the bound of the reference, nulls kept, and clear errors on malformed vectors.
 */
class ActivationFunctionsTest {
  private static SparkSession spark;
  private static final long SEED = new Random().nextLong();
  private static final int ROWS = 64;
  private static final int DIM = 37; // not a multiple of the SIMD width: tails are exercised

  @BeforeAll
  static void start() {
    spark = LocalSpark.builder("activation-functions").getOrCreate();
    ActivationFunctions.register(spark);
    Random rnd = new Random(SEED);
    StructType schema = new StructType()
        .add("id", DataTypes.IntegerType)
        .add("x", DataTypes.FloatType)
        .add("d", DataTypes.DoubleType)
        .add("v", DataTypes.createArrayType(DataTypes.FloatType, true))
        .add("b", DataTypes.BinaryType)
        .add("bb", DataTypes.BinaryType)
        .add("gu", DataTypes.createArrayType(DataTypes.FloatType, true))
        .add("g", DataTypes.createArrayType(DataTypes.FloatType, true))
        .add("u", DataTypes.createArrayType(DataTypes.FloatType, true));
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      float[] v = vector(rnd, DIM, i);
      float[] g = vector(rnd, DIM, i + 1);
      float[] u = vector(rnd, DIM, i + 2);
      float[] gu = new float[2 * DIM];
      System.arraycopy(g, 0, gu, 0, DIM);
      System.arraycopy(u, 0, gu, DIM, DIM);
      boolean nullRow = i == 5;
      rows.add(RowFactory.create(i, nullRow ? null : v[0], nullRow ? null : (double) v[1],
          nullRow ? null : boxed(v), nullRow ? null : Dtype.F32.encode(v, 0, DIM),
          nullRow ? null : Dtype.BF16.encode(v, 0, DIM), boxed(gu), boxed(g), boxed(u)));
    }
    spark.createDataFrame(rows, schema).repartition(3).createOrReplaceTempView("t");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static float[] vector(Random rnd, int n, int row) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (rnd.nextGaussian() * 3);
    }
    if (row % 7 == 0) { // edge values in some rows
      v[0] = Float.NaN;
      v[1] = Float.NEGATIVE_INFINITY;
      v[2] = Float.POSITIVE_INFINITY;
      v[3] = -0f;
      v[4] = Float.MIN_VALUE;
      v[5] = 1e30f;
    }
    return v;
  }

  static Float[] boxed(float[] v) {
    Float[] b = new Float[v.length];
    for (int i = 0; i < v.length; i++) {
      b[i] = v[i];
    }
    return b;
  }

  static float[] floats(Row r, int i) {
    List<Float> l = r.getList(i);
    float[] f = new float[l.size()];
    for (int k = 0; k < f.length; k++) {
      f[k] = l.get(k);
    }
    return f;
  }

  static float[] apply(String variant, float[] x) {
    float[] out = new float[x.length];
    Catalogue.variant(variant).kernel().apply(x, 0, out, 0, x.length);
    return out;
  }

  static float[] applyGated(String variant, float[] g, float[] u) {
    float[] out = new float[g.length];
    Catalogue.variant(variant).kernel().applyGated(g, 0, u, 0, out, 0, g.length);
    return out;
  }

  private static List<Row> query(String form, String sql) {
    spark.conf().set(ActivationFunctions.FORM_CONF, form);
    try {
      return spark.sql(sql).collectAsList();
    } finally {
      spark.conf().unset(ActivationFunctions.FORM_CONF);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"cpu", "gpu"})
  void everyColumnKindGivesTheKernelsValues(String form) {
    List<Row> rows = query(form, "SELECT id, x, d, v, b, bb, gu, g, u, gelu_tanh(x), gelu_tanh(d), "
        + "gelu_tanh(v), gelu_tanh(b), gelu_tanh(bb, 'bf16'), swiglu(gu), swiglu(g, u), "
        + "act('silu@bf16', v), act('swish(beta=1.5)', x), act('geglu@fp8_e4m3', g, u) "
        + "FROM t ORDER BY id");
    assertEquals(ROWS, rows.size());
    for (Row r : rows) {
      if (r.getInt(0) == 5) {
        for (int c = 9; c <= 13; c++) {
          assertTrue(r.isNullAt(c), "null in gives null out, column " + c);
        }
        continue;
      }
      float[] v = floats(r, 3);
      float[] g = floats(r, 7);
      float[] u = floats(r, 8);
      assertEquals(apply("gelu_tanh", new float[] {r.getFloat(1)})[0], r.getFloat(9));
      assertEquals((double) apply("gelu_tanh", new float[] {(float) r.getDouble(2)})[0], r.getDouble(10));
      assertArrayEquals(apply("gelu_tanh", v), floats(r, 11));
      assertArrayEquals(apply("gelu_tanh", v), Dtype.F32.decode((byte[]) r.get(12)));
      float[] fromBf16 = Dtype.BF16.decode((byte[]) r.get(5));
      assertArrayEquals(Dtype.BF16.decode(Dtype.BF16.encode(apply("gelu_tanh", fromBf16), 0, DIM)),
          Dtype.BF16.decode((byte[]) r.get(13)));
      assertArrayEquals(applyGated("swiglu", g, u), floats(r, 14));
      assertArrayEquals(applyGated("swiglu", g, u), floats(r, 15));
      assertArrayEquals(apply("silu@bf16", v), floats(r, 16));
      assertEquals(apply("swish(beta=1.5)", new float[] {r.getFloat(1)})[0], r.getFloat(17));
      assertArrayEquals(applyGated("geglu@fp8_e4m3", g, u), floats(r, 18));
      // And independently: the array results are within gelu_tanh's bound of the float64 reference.
      Variant gt = Catalogue.variant("gelu_tanh");
      Interpreter.Compiled ref = Interpreter.compile(gt.definition());
      float[] got = floats(r, 11);
      for (int i = 0; i < DIM; i++) {
        assertTrue(gt.activation().bound().accepts(ref.eval(v[i]), got[i]),
            "gelu_tanh(" + v[i] + ") = " + got[i] + " seed " + SEED);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"cpu", "gpu"})
  void nullElementsStayNull(String form) {
    List<Row> rows = query(form, "SELECT relu(array(CAST(-1 AS FLOAT), NULL, CAST(2 AS FLOAT))), "
        + "swiglu(array(CAST(1 AS FLOAT), NULL, CAST(2 AS FLOAT), CAST(3 AS FLOAT)))");
    List<Object> relu = rows.get(0).getList(0);
    assertEquals(0f, relu.get(0));
    assertNull(relu.get(1));
    assertEquals(2f, relu.get(2));
    List<Object> sw = rows.get(0).getList(1);
    assertEquals(applyGated("swiglu", new float[] {1}, new float[] {2})[0], sw.get(0));
    assertNull(sw.get(1));
  }

  @Test
  void theFormFollowsThePluginConfiguration() {
    List<String> cpu = expressionClasses("SELECT gelu(v) FROM t");
    assertTrue(cpu.contains("ActivationExpression") && !cpu.contains("ScalaUDF"), cpu.toString());
    spark.conf().set(ActivationFunctions.FORM_CONF, "gpu");
    try {
      assertTrue(expressionClasses("SELECT gelu(v) FROM t").contains("ScalaUDF"));
      // f16 binary vectors have a GPU form too (half conversion from integer operations).
      List<String> f16 = expressionClasses("SELECT gelu(bb, 'f16') FROM t");
      assertTrue(f16.contains("ScalaUDF"), f16.toString());
      // Dynamically calibrated int8 has none: it stays a CPU expression.
      List<String> int8 = expressionClasses("SELECT act('gelu@int8', v) FROM t");
      assertTrue(int8.contains("ActivationExpression") && !int8.contains("ScalaUDF"),
          int8.toString());
    } finally {
      spark.conf().unset(ActivationFunctions.FORM_CONF);
    }
  }

  private static List<String> expressionClasses(String sql) {
    List<String> names = new ArrayList<>();
    scala.jdk.javaapi.CollectionConverters.asJava(
        spark.sql(sql).queryExecution().analyzed().expressions()).forEach(e -> collect(e, names));
    return names;
  }

  private static void collect(org.apache.spark.sql.catalyst.expressions.Expression e, List<String> names) {
    names.add(e.getClass().getSimpleName());
    scala.jdk.javaapi.CollectionConverters.asJava(e.children()).forEach(c -> collect(c, names));
  }

  @ParameterizedTest
  @ValueSource(strings = {"cpu", "gpu"})
  void malformedVectorsFailWithTheLengths(String form) {
    assertError(form, "SELECT swiglu(CAST(array(1, 2, 3) AS ARRAY<FLOAT>)) FROM t", "odd length 3");
    assertError(form, "SELECT swiglu(CAST(array(1, 2) AS ARRAY<FLOAT>), "
        + "CAST(array(1) AS ARRAY<FLOAT>)) FROM t", "gate has 2 values but up has 1");
    assertError(form, "SELECT gelu(CAST('abcde' AS BINARY)) FROM t", "5 bytes is not a multiple of 4");
    assertError(form, "SELECT gelu(CAST('abc' AS BINARY), 'bf16') FROM t",
        "3 bytes is not a multiple of 2");
  }

  @Test
  void badCallsAreRejectedAtAnalysisWithWhatIsValid() {
    assertError("cpu", "SELECT act('gelu_fast', x) FROM t", "valid: bilinear");
    assertError("cpu", "SELECT act('swish(beta=-1)', x) FROM t", "beta=-1");
    assertError("cpu", "SELECT gelu(id) FROM t", "valid: float, double, array<float>, binary");
    assertError("cpu", "SELECT swiglu(x) FROM t", "two arguments (gate, up)");
    assertError("cpu", "SELECT gelu(b, 'f64') FROM t", "valid: f32, bf16, f16");
    assertError("cpu", "SELECT act('gelu@int8', x) FROM t", "@int8(scale=0.05)");
    assertError("cpu", "SELECT act(x, x) FROM t", "variant name literal");
  }

  private static void assertError(String form, String sql, String expected) {
    Exception e = assertThrows(Exception.class, () -> query(form, sql));
    StringBuilder all = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      all.append(t.getMessage()).append('\n');
    }
    assertTrue(all.toString().contains(expected), "expected '" + expected + "' in: " + all);
  }
}

package io.ablate.activation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ablate.AblateException;
import io.ablate.precision.FloatFormat;
import io.ablate.precision.Precision;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Variant names: parsing ({@link VariantSpec}), resolution against the catalogue ({@link Catalogue}),
 * the canonical name ({@link Variant#name()}) and the errors a user sees for a bad name. Every error
 * is a {@code BAD_INPUT} (exit code 2) whose message names the offending value and what is valid.
 */
class VariantSpecTest {
  /** The catalogue of the issue, plus the gates of glu (sigmoid) and bilinear (identity). */
  static final Set<String> CATALOGUE = Set.of("relu", "leaky_relu", "relu2", "gelu", "gelu_tanh",
      "gelu_sigmoid", "silu", "swish", "mish", "softplus", "elu", "hard_swish", "glu", "reglu",
      "geglu", "geglu_tanh", "swiglu", "bilinear", "rational", "sigmoid", "identity");

  /** The gated ones, with the elementwise activation each applies to its gate. */
  static final Map<String, String> GATED = Map.of("glu", "sigmoid", "reglu", "relu", "geglu", "gelu",
      "geglu_tanh", "gelu_tanh", "swiglu", "silu", "bilinear", "identity");

  static final List<String> PRECISIONS =
      List.of("fp64", "fp32", "bf16", "fp16", "fp8_e4m3", "fp8_e5m2", "int8");

  // ---------------------------------------------------------------- parsing

  @Test
  void parsesAPlainName() {
    VariantSpec s = VariantSpec.parse("gelu");
    assertEquals("gelu", s.name());
    assertTrue(s.params().isEmpty());
    assertEquals("fp32", s.precision());
    assertTrue(s.precisionParams().isEmpty());

    Variant v = Catalogue.variant("gelu");
    assertEquals("gelu", v.activation().name());
    assertSame(Precision.FP32, v.precision());
    assertTrue(v.params().isEmpty());
    assertEquals("gelu", v.name());
    assertFalse(v.gated());
    assertEquals(1, v.arity());
  }

  @Test
  void parsesAPrecision() {
    VariantSpec s = VariantSpec.parse("gelu_tanh@bf16");
    assertEquals("gelu_tanh", s.name());
    assertEquals("bf16", s.precision());
    assertTrue(s.params().isEmpty());

    Variant v = Catalogue.variant("gelu_tanh@bf16");
    assertEquals("gelu_tanh", v.activation().name());
    assertEquals(new Precision.Reduced(FloatFormat.BF16), v.precision());
    assertEquals("gelu_tanh@bf16", v.name());
    assertEquals("gelu_tanh", v.functionName());
  }

  @Test
  void parsesParametersAndPrecision() {
    VariantSpec s = VariantSpec.parse("swish(beta=1.5)@bf16");
    assertEquals("swish", s.name());
    assertEquals(Map.of("beta", "1.5"), s.params());
    assertEquals("bf16", s.precision());

    Variant v = Catalogue.variant("swish(beta=1.5)@bf16");
    assertEquals(1.5, v.params().get("beta"));
    assertEquals(new Precision.Reduced(FloatFormat.BF16), v.precision());
    assertEquals("swish(beta=1.5)@bf16", v.name());
    assertEquals("swish(beta=1.5)", v.functionName());
  }

  @Test
  void parsesANonDefaultParameter() {
    Variant v = Catalogue.variant("leaky_relu(alpha=0.2)");
    assertEquals(0.2, v.params().get("alpha"));
    assertSame(Precision.FP32, v.precision());
    assertEquals("leaky_relu(alpha=0.2)", v.name());
  }

  @Test
  void parsesListParameters() {
    VariantSpec s = VariantSpec.parse("rational(p=[0,1,0.5],q=[0.2])");
    assertEquals("rational", s.name());
    assertEquals(Map.of("p", "[0,1,0.5]", "q", "[0.2]"), s.params());

    Variant v = Catalogue.variant("rational(p=[0,1,0.5],q=[0.2])");
    assertArrayEquals(new double[] {0, 1, 0.5}, v.params().list("p"));
    assertArrayEquals(new double[] {0.2}, v.params().list("q"));
    assertEquals("rational(p=[0,1,0.5],q=[0.2])", v.name());
    // The list handed out is a copy: the variant stays immutable.
    v.params().list("p")[0] = 42;
    assertEquals(0, v.params().list("p")[0]);
  }

  @Test
  void parsesInt8WithAPercentile() {
    VariantSpec s = VariantSpec.parse("silu@int8(calib=p99.9)");
    assertEquals("silu", s.name());
    assertEquals("int8", s.precision());
    assertEquals(Map.of("calib", "p99.9"), s.precisionParams());

    Variant v = Catalogue.variant("silu@int8(calib=p99.9)");
    Precision.Int8 q = assertInstanceOf(Precision.Int8.class, v.precision());
    assertEquals(99.9, q.percentile());
    assertTrue(Double.isNaN(q.scale()));
    assertFalse(q.isStatic());
    assertEquals("int8", q.baseName());
    assertEquals("silu@int8(calib=p99.9)", v.name());
    assertTrue(v.expression().isEmpty(), "dynamic int8 has no closed-form expression");
  }

  @Test
  void parsesInt8AbsmaxAsTheDefault() {
    Variant plain = Catalogue.variant("silu@int8");
    Variant absmax = Catalogue.variant("silu@int8(calib=absmax)");
    Precision.Int8 q = assertInstanceOf(Precision.Int8.class, plain.precision());
    assertTrue(Double.isNaN(q.percentile()));
    assertTrue(Double.isNaN(q.scale()));
    assertEquals(plain.precision(), absmax.precision());
    assertEquals("silu@int8", plain.name());
    assertEquals("silu@int8", absmax.name());
  }

  @Test
  void parsesInt8WithAStaticScale() {
    Variant v = Catalogue.variant("gelu@int8(scale=0.05)");
    Precision.Int8 q = assertInstanceOf(Precision.Int8.class, v.precision());
    assertEquals(0.05, q.scale());
    assertTrue(q.isStatic());
    assertEquals("gelu@int8(scale=0.05)", v.name());
    assertTrue(v.expression().isPresent(), "static int8 has a closed-form expression");
  }

  @Test
  void parsesFp8() {
    assertEquals(new Precision.Reduced(FloatFormat.FP8_E4M3), Catalogue.variant("gelu@fp8_e4m3").precision());
    assertEquals(new Precision.Reduced(FloatFormat.FP8_E5M2), Catalogue.variant("gelu@fp8_e5m2").precision());
    assertEquals(new Precision.Reduced(FloatFormat.FP16), Catalogue.variant("gelu@fp16").precision());
    assertSame(Precision.FP64, Catalogue.variant("gelu@fp64").precision());
    assertEquals("gelu@fp8_e4m3", Catalogue.variant("gelu@fp8_e4m3").name());
  }

  @Test
  void fp32IsTheDefaultAndIsLeftOutOfTheName() {
    Variant v = Catalogue.variant("gelu@fp32");
    assertSame(Precision.FP32, v.precision());
    assertEquals("gelu", v.name());
    assertEquals("gelu@fp64", Catalogue.variant("gelu@fp64").name());
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "  swish(beta=1.5)@bf16  ",
    "swish ( beta = 1.5 ) @ bf16",
    "\tswish(beta=1.5 )@ bf16\n",
    "SWISH(BETA=1.5)@BF16",
    "Swish(Beta=1.5)@Bf16",
    "swish(beta=1.50)@bf16",
    "swish(beta=15e-1)@bf16",
  })
  void toleratesWhitespaceAndCase(String text) {
    Variant v = Catalogue.variant(text);
    assertEquals("swish(beta=1.5)@bf16", v.name(), text);
    assertEquals(1.5, v.params().get("beta"));
  }

  @Test
  void toleratesWhitespaceInsideLists() {
    Variant v = Catalogue.variant(" rational( p = [ 0 , 1 , 0.5 ] , q = [ 0.2 ] ) ");
    assertEquals("rational(p=[0,1,0.5],q=[0.2])", v.name());
    assertArrayEquals(new double[] {0, 1, 0.5}, v.params().list("p"));
  }

  @Test
  void toleratesCaseInPrecisionNamesAndParameterKeys() {
    assertEquals("gelu_tanh@bf16", Catalogue.variant("GELU_TANH@BF16").name());
    assertEquals("gelu@fp8_e4m3", Catalogue.variant("Gelu@FP8_E4M3").name());
    assertEquals("silu@int8(calib=p99)", Catalogue.variant("SILU@INT8(CALIB=p99)").name());
    assertEquals("gelu@int8(scale=0.05)", Catalogue.variant("gelu @ Int8 ( Scale = 0.05 )").name());
    assertEquals("leaky_relu(alpha=0.2)", Catalogue.variant("Leaky_ReLU(ALPHA=0.2)").name());
  }

  @Test
  void parameterOrderDoesNotMatter() {
    assertEquals(Catalogue.variant("rational(p=[1,2],q=[3])").name(),
        Catalogue.variant("rational(q=[3],p=[1,2])").name());
  }

  @Test
  void defaultsAreSpelledOutInTheCanonicalName() {
    assertEquals("swish(beta=1)", Catalogue.variant("swish").name());
    assertEquals("leaky_relu(alpha=0.01)", Catalogue.variant("leaky_relu").name());
    assertEquals(1.0, Catalogue.variant("swish").params().get("beta"));
    assertEquals(0.01, Catalogue.variant("leaky_relu").params().get("alpha"));
  }

  // ---------------------------------------------------------------- canonical names round-trip

  static List<String> roundTripSpecs() {
    List<String> specs = new ArrayList<>();
    for (Activation a : Catalogue.all()) {
      String base = a.name().equals("rational") ? "rational(p=[0,1,0.5],q=[0.2])" : a.name();
      for (String p : PRECISIONS) {
        specs.add(base + "@" + p);
      }
      specs.add(base + "@int8(calib=p99.9)");
      specs.add(base + "@int8(calib=p50)");
      specs.add(base + "@int8(scale=0.05)");
      specs.add(base + "@int8(scale=1e-5)");
      specs.add(base + "@int8(scale=3)");
    }
    specs.addAll(List.of("swish(beta=1.5)@bf16", "swish(beta=0.001)", "swish(beta=1e-20)",
        "swish(beta=1e20)@fp16", "leaky_relu(alpha=0)", "leaky_relu(alpha=0.2)",
        "leaky_relu(alpha=123456789.25)", "softplus(beta=2)", "elu(alpha=0.5)",
        "rational(p=[-1.5,0,2.25e-7,1e30],q=[0,0,-0.125])@fp8_e5m2",
        "rational(p=[1,2,3,4,5,6,7,8,9],q=[1,2,3,4,5,6,7,8])"));
    return specs;
  }

  @Test
  void canonicalNamesRoundTripThroughTheCatalogue() {
    for (String spec : roundTripSpecs()) {
      Variant v = Catalogue.variant(spec);
      String name = v.name();
      Variant again = Catalogue.variant(name);
      assertEquals(name, again.name(), spec);
      assertEquals(v.activation().name(), again.activation().name(), spec);
      assertEquals(v.precision(), again.precision(), spec);
      assertEquals(v.params().text(), again.params().text(), spec);
      for (String p : v.params().names()) {
        assertArrayEquals(v.params().list(p), again.params().list(p), spec + " " + p);
      }
      // Canonical names are free of blanks, and canonical: resolving them again changes nothing.
      assertFalse(name.contains(" "), name);
      assertEquals(name, Catalogue.variant(again.name()).name(), spec);
    }
  }

  @Test
  void canonicalNamesKeepParameterValuesExactly() {
    for (double beta : new double[] {1.5, 0.1, 1 / 3.0, Math.PI, 1e-300, 7e22, 0x1.fffffffffffffp1}) {
      Variant v = Catalogue.variant("swish(beta=" + beta + ")");
      assertEquals(beta, Catalogue.variant(v.name()).params().get("beta"), v.name());
    }
  }

  // ---------------------------------------------------------------- the catalogue

  @Test
  void catalogueHoldsExactlyTheIssuesActivations() {
    Set<String> names = Catalogue.all().stream().map(Activation::name)
        .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(new TreeSet<>(CATALOGUE), names);
    assertEquals(CATALOGUE.size(), Catalogue.all().size(), "no duplicates");
  }

  @Test
  void everyActivationButRationalResolvesWithDefaults() {
    for (Activation a : Catalogue.all()) {
      if (a.name().equals("rational")) {
        AblateException e = badInput("rational");
        assertTrue(e.getMessage().contains("required"), e.getMessage());
        continue;
      }
      Variant v = Catalogue.variant(a.name());
      assertSame(a, v.activation(), a.name());
      assertSame(Precision.FP32, v.precision());
      assertTrue(v.expression().isPresent(), a.name());
      assertNotNull(v.kernel(Variant.Impl.SCALAR), a.name());
      assertSame(a, Catalogue.get(a.name()));
      assertEquals(a.name(), VariantSpec.parse(v.name()).name());
      assertNotNull(a.formula());
      assertFalse(a.formula().isBlank(), a.name());
      assertFalse(a.source().isBlank(), a.name());
    }
  }

  @Test
  void gatedActivationsReportKindGated() {
    for (Activation a : Catalogue.all()) {
      Variant v = a.name().equals("rational") ? Catalogue.variant("rational(p=[1],q=[1])")
          : Catalogue.variant(a.name());
      if (GATED.containsKey(a.name())) {
        assertEquals(Activation.Kind.GATED, a.kind(), a.name());
        assertTrue(v.gated(), a.name());
        assertEquals(2, v.arity(), a.name());
        GatedActivation g = assertInstanceOf(GatedActivation.class, a, a.name());
        assertEquals(GATED.get(a.name()), g.gate().name(), a.name());
        assertEquals(Activation.Kind.ELEMENTWISE, g.gate().kind());
      } else {
        assertEquals(Activation.Kind.ELEMENTWISE, a.kind(), a.name());
        assertFalse(v.gated(), a.name());
        assertEquals(1, v.arity(), a.name());
      }
    }
  }

  // ---------------------------------------------------------------- errors

  /** Asserts that resolving {@code text} is refused as bad input (exit code 2); returns the error. */
  static AblateException badInput(String text) {
    AblateException e = assertThrows(AblateException.class, () -> Catalogue.variant(text),
        () -> "'" + text + "' should be refused");
    assertEquals(AblateException.Kind.BAD_INPUT, e.kind(), e.getMessage());
    assertEquals(2, e.exitCode());
    assertNotNull(e.getMessage());
    return e;
  }

  static void assertMentions(AblateException e, String... parts) {
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), "message should mention '" + p + "': " + e.getMessage());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"gleu", "gelu_tahn", "relu3", "swiglu2", "softmax"})
  void unknownActivationListsEveryValidName(String name) {
    AblateException e = badInput(name);
    assertMentions(e, "'" + name + "'", "gelu_tanh");
    for (String valid : CATALOGUE) {
      assertMentions(e, valid);
    }
    AblateException direct = assertThrows(AblateException.class, () -> Catalogue.get(name));
    assertEquals(AblateException.Kind.BAD_INPUT, direct.kind());
    assertEquals(e.getMessage(), direct.getMessage());
  }

  @Test
  void unknownActivationKeepsItsParametersOutOfTheWay() {
    AblateException e = badInput("gleu(alpha=1)@bf16");
    assertMentions(e, "gleu", "gelu_tanh");
  }

  @Test
  void unknownParameterListsTheValidOnes() {
    assertMentions(badInput("swish(alpha=1)"), "swish", "'alpha'", "beta");
    assertMentions(badInput("leaky_relu(beta=1)"), "leaky_relu", "'beta'", "alpha");
    assertMentions(badInput("rational(p=[1],q=[1],r=[1])"), "'r'", "p=", "q=");
    assertMentions(badInput("swiglu(alpha=1)"), "swiglu", "'alpha'", "no parameters");
    AblateException none = badInput("gelu(beta=1)");
    assertMentions(none, "gelu", "'beta'", "no parameters");
  }

  @ParameterizedTest
  @CsvSource(delimiter = ';', value = {
    "swish(beta=0);          beta=0;  > 0",
    "swish(beta=-0.5);       beta=-0.5; > 0",
    "swish(beta=1e400);      beta=infinity; > 0",
    "leaky_relu(alpha=-1);   alpha=-1; >= 0",
    "leaky_relu(alpha=-1e-9); alpha=-1.0e-9; >= 0",
  })
  void outOfRangeParameterNamesValueAndRange(String spec, String value, String range) {
    AblateException e = badInput(spec);
    assertMentions(e, value, range, "out of range");
  }

  @ParameterizedTest
  @CsvSource(delimiter = ';', value = {
    "swish(beta=abc);          beta; abc",
    "swish(beta=1.5.2);        beta; 1.5.2",
    "swish(beta=Infinity);     beta; Infinity",
    "swish(beta=NaN);          beta; NaN",
    "leaky_relu(alpha=);       alpha; alpha=",
    "leaky_relu(alpha=1,5);    ;      k=v",
    "rational(p=[1,x],q=[1]);  p;    x",
  })
  void nonNumberParameterIsRefused(String spec, String key, String value) {
    AblateException e = badInput(spec);
    if (key != null) {
      assertMentions(e, key);
    }
    assertMentions(e, value);
  }

  @Test
  void missingRequiredParameterIsNamed() {
    assertMentions(badInput("rational"), "rational", "p", "required", "p=[");
    assertMentions(badInput("rational(p=[1,2])"), "rational", "q", "required");
    assertMentions(badInput("rational(q=[1,2])"), "rational", "p", "required");
    assertMentions(badInput("rational@bf16"), "rational", "required");
  }

  @Test
  void listsOfTheWrongLengthAreRefused() {
    AblateException p = badInput("rational(p=[1,2,3,4,5,6,7,8,9,10],q=[1])");
    assertMentions(p, "rational", "p", "10", "9");
    AblateException q = badInput("rational(p=[1],q=[1,2,3,4,5,6,7,8,9])");
    assertMentions(q, "rational", "q", "9", "8");
    assertMentions(badInput("rational(p=[],q=[1])"), "p", "0");
    // A number parameter takes one number, not a list.
    assertMentions(badInput("swish(beta=[1,2])"), "swish", "beta", "list");
    // List elements are range-checked too.
    assertMentions(badInput("rational(p=[1,Infinity],q=[1])"), "p", "not a number");
    assertMentions(badInput("rational(p=[1,1e400],q=[1])"), "p", "out of range");
    assertMentions(badInput("swish(beta=2f)"), "beta=2f", "not a number");
    assertMentions(badInput("swish(beta=0x1p3)"), "beta=0x1p3", "not a number");
  }

  @ParameterizedTest
  @ValueSource(strings = {"fp4", "int4", "float32", "bfloat16", "fp8", "e4m3", "tf32"})
  void unknownPrecisionListsTheValidOnes(String precision) {
    AblateException e = badInput("gelu@" + precision);
    assertMentions(e, "'" + precision + "'");
    for (String valid : PRECISIONS) {
      assertMentions(e, valid);
    }
  }

  @Test
  void precisionsOtherThanInt8TakeNoParameters() {
    AblateException e = badInput("gelu@bf16(scale=2)");
    assertMentions(e, "bf16", "scale", "int8");
  }

  @ParameterizedTest
  @CsvSource(delimiter = ';', value = {
    "silu@int8(calib=max);      max;   absmax",
    "silu@int8(calib=99.9);     99.9;  absmax",
    "silu@int8(calib=minmax);   minmax; p99.9",
    "silu@int8(calib=p0);       p0;    p100",
    "silu@int8(calib=p100.5);   p100.5; p100",
    "silu@int8(calib=p-3);      p-3;   p100",
    "silu@int8(calib=pNaN);     pNaN;  not a number",
    "silu@int8(calib=pxyz);     xyz;   calib",
  })
  void badInt8CalibrationIsRefused(String spec, String value, String valid) {
    assertMentions(badInput(spec), value, valid);
  }

  @ParameterizedTest
  @ValueSource(strings = {"-0.05", "0", "-1", "NaN", "Infinity", "-Infinity", "abc"})
  void nonPositiveOrNonNumericInt8ScaleIsRefused(String scale) {
    AblateException e = badInput("gelu@int8(scale=" + scale + ")");
    assertMentions(e, "scale", scale);
  }

  @Test
  void unknownInt8ParameterListsTheValidOnes() {
    assertMentions(badInput("silu@int8(bits=4)"), "'bits'", "calib", "scale");
  }

  @ParameterizedTest
  @ValueSource(strings = {"gelu(", "gelu@", "@bf16", "gelu(beta=1", "gelu)", "swish(beta=1)x",
      "gelu@bf16@fp16", "gelu@(x=1)", "gel u", "gelu-tanh", "swish(beta)", "swish(=1)",
      "swish(beta=1,)", "swish(beta=1,beta=2)", "swish(beta=1,BETA=1)", "(beta=1)", "@", "gelu@bf16(",
      "gelu@int8(calib=p99,calib=p50)"})
  void malformedSyntaxIsRefusedNamingTheInput(String text) {
    AblateException e = badInput(text);
    String bad = text.trim();
    // The message quotes the whole input (syntax errors) or the bad part of it.
    boolean named = e.getMessage().contains(bad) || e.getMessage().contains("'" + bad + "'")
        || e.getMessage().contains("twice") || e.getMessage().contains("given");
    assertTrue(named, "message should name the input: " + e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"gelu(", "gelu@", "@bf16", "gelu)", "gel u", "swish(beta)", "@"})
  void syntaxErrorsShowTheExpectedForm(String text) {
    AblateException e = badInput(text);
    assertMentions(e, text, "expected name[(k=v,...)][@precision]");
  }

  @Test
  void duplicateParameterIsNamed() {
    assertMentions(badInput("swish(beta=1,beta=2)"), "beta", "twice");
    assertMentions(badInput("swish( beta = 1 , Beta = 1 )"), "beta", "twice");
    assertMentions(badInput("rational(p=[1],q=[1],p=[2])"), "'p'", "twice");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "\t\n"})
  void emptyNameIsRefused(String text) {
    AblateException e = badInput(text);
    assertMentions(e, "empty", "expected name[(k=v,...)][@precision]");
    AblateException parse = assertThrows(AblateException.class, () -> VariantSpec.parse(text));
    assertEquals(AblateException.Kind.BAD_INPUT, parse.kind());
  }

  @Test
  void nullNameIsRefusedAsBadInput() {
    AblateException e = assertThrows(AblateException.class, () -> Catalogue.variant(null));
    assertEquals(AblateException.Kind.BAD_INPUT, e.kind());
    assertEquals(2, e.exitCode());
  }
}

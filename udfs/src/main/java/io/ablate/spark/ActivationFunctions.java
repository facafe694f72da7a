package io.ablate.spark;

import io.ablate.AblateException;
import io.ablate.activation.Activation;
import io.ablate.activation.Catalogue;
import io.ablate.activation.Variant;
import io.ablate.encoding.ColumnKind;
import io.ablate.encoding.Dtype;
import io.ablate.precision.Precision;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.FunctionRegistry;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.ScalaUDF;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.StringType;
import scala.Function1;
import scala.Option;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Registers the activation catalogue as SQL functions in a Spark session:
 * <pre>
 *   gelu_tanh(x)                  x: float, double, array&lt;float&gt; or binary (f32 vectors)
 *   gelu_tanh(data, 'bf16')       binary vectors of another dtype (f32, bf16, f16); output in kind
 *   swiglu(gate_up)               gated: one vector [gate | up], output half as long
 *   swiglu(gate, up)              gated: two vectors (or two scalars) of equal length
 *   act('swish(beta=1.5)@bf16', x [, 'bf16'])   any variant name; act('swiglu@int8', gate, up)
 * </pre>
 * Null in gives null out. With the RAPIDS Accelerator configured ({@code spark.plugins} holds
 * {@code com.nvidia.spark.SQLPlugin}) a call becomes a {@code ScalaUDF} whose function implements
 * {@code RapidsUDF}, so it runs on the GPU; without it, an {@link ActivationExpression} that reads
 * Spark's internal arrays without boxing. {@code ablate.udf.form=cpu|gpu} overrides the choice. Calls
 * with no GPU form (dynamically calibrated int8) always take the CPU form.
 */
public final class ActivationFunctions {
  /** Spark conf: {@code auto} (default), {@code cpu} or {@code gpu}. */
  public static final String FORM_CONF = "ablate.udf.form";
  private static final String RAPIDS_PLUGIN = "com.nvidia.spark.SQLPlugin";

  private ActivationFunctions() {}

  /** {@link #register}, unless the session has the functions already. */
  public static void ensureRegistered(SparkSession spark) {
    if (!spark.catalog().functionExists("act")) {
      register(spark);
    }
  }

  /**
   * Registers every catalogue activation by name, {@code act(spec, ...)}, and the functions of the
   * passes' plans ({@link PlanFunctions}).
   */
  public static void register(SparkSession spark) {
    org.apache.spark.sql.classic.SparkSession session = (org.apache.spark.sql.classic.SparkSession) spark;
    FunctionRegistry registry = session.sessionState().functionRegistry();
    for (Activation a : Catalogue.all()) {
      String name = a.name();
      registry.createOrReplaceTempFunction(name,
          builder(session, name, args -> Catalogue.variant(name)), "java_udf");
    }
    registry.createOrReplaceTempFunction("act", builder(session, "act", args -> {
      if (args.isEmpty() || !args.get(0).foldable()
          || !(args.get(0).dataType() instanceof StringType)) {
        throw AblateException.badInput("act: the first argument must be a variant name literal, "
            + "e.g. act('gelu@bf16', x)");
      }
      Object spec = args.remove(0).eval(null);
      return Catalogue.variant(String.valueOf(spec));
    }), "java_udf");
    PlanFunctions.register(registry);
  }

  private interface VariantOf {
    Variant resolve(List<Expression> args);
  }

  private static Function1<Seq<Expression>, Expression> builder(
      org.apache.spark.sql.classic.SparkSession spark, String function, VariantOf variantOf) {
    return (Seq<Expression> scalaArgs) -> {
      List<Expression> args = new ArrayList<>(CollectionConverters.asJava(scalaArgs));
      Variant variant = variantOf.resolve(args);
      return build(spark, function, variant, args);
    };
  }

  private static Expression build(org.apache.spark.sql.classic.SparkSession spark, String function,
      Variant variant, List<Expression> args) {
    Dtype dtype = Dtype.F32;
    if (args.size() > 1 && args.get(args.size() - 1).foldable()
        && args.get(args.size() - 1).dataType() instanceof StringType) {
      dtype = Dtype.parse(String.valueOf(args.remove(args.size() - 1).eval(null)));
    }
    int expected = variant.gated() ? 2 : 1;
    if (args.isEmpty() || args.size() > expected) {
      throw AblateException.badInput("%s: expected %s, got %d data arguments", function,
          variant.gated() ? "(gate_up) or (gate, up)" : "one argument (x)", args.size());
    }
    ColumnKind kind = kindOf(function, args.get(0).dataType());
    for (Expression e : args) {
      if (kindOf(function, e.dataType()) != kind) {
        throw AblateException.badInput("%s: gate and up must have the same type, got %s and %s",
            function, args.get(0).dataType().simpleString(), e.dataType().simpleString());
      }
    }
    boolean packed = variant.gated() && args.size() == 1;
    if (packed && !kind.isVector()) {
      throw AblateException.badInput("%s: a gated activation on scalars takes two arguments (gate, "
          + "up); one %s argument is only allowed for vectors [gate | up]", function,
          args.get(0).dataType().simpleString());
    }
    if (dtype != Dtype.F32 && kind != ColumnKind.BINARY) {
      throw AblateException.badInput("%s: a dtype ('%s') applies to binary columns only", function,
          dtype.label());
    }
    if (variant.precision() instanceof Precision.Int8 q && !q.isStatic() && !kind.isVector()) {
      throw AblateException.badInput("%s: %s calibrates a scale per vector; on scalar columns give a "
          + "fixed scale, e.g. @int8(scale=0.05)", function, variant.name());
    }
    SqlCall call = new SqlCall(function, variant, kind, dtype, packed);
    boolean gpuForm = variant.expression().isPresent();
    if (gpuForm && useGpuForm(spark)) {
      Object fn = args.size() == 1 ? new ActivationUdf1(call) : new ActivationUdf2(call);
      return new ScalaUDF(fn, call.resultType(), CollectionConverters.asScala(args).toList(),
          CollectionConverters.asScala(new ArrayList<Option<
              org.apache.spark.sql.catalyst.encoders.ExpressionEncoder<?>>>()).toList(),
          Option.empty(), Option.apply(call.displayName()), true, true);
    }
    return new ActivationExpression(call, args);
  }

  private static boolean useGpuForm(org.apache.spark.sql.classic.SparkSession spark) {
    String form = spark.conf().get(FORM_CONF, "auto").trim().toLowerCase(Locale.ROOT);
    switch (form) {
      case "gpu": return true;
      case "cpu": return false;
      case "auto": return spark.conf().get("spark.plugins", "").contains(RAPIDS_PLUGIN);
      default:
        throw AblateException.badInput("%s=%s; valid: auto, cpu, gpu", FORM_CONF, form);
    }
  }

  static ColumnKind kindOf(String function, DataType t) {
    if (t instanceof FloatType) {
      return ColumnKind.FLOAT;
    } else if (t instanceof DoubleType) {
      return ColumnKind.DOUBLE;
    } else if (t instanceof BinaryType) {
      return ColumnKind.BINARY;
    } else if (t instanceof ArrayType a && a.elementType() instanceof FloatType) {
      return ColumnKind.FLOAT_ARRAY;
    }
    throw AblateException.badInput("%s: unsupported argument type %s; valid: float, double, "
        + "array<float>, binary", function, t.simpleString());
  }
}

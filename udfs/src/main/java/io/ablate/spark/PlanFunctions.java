package io.ablate.spark;

import io.ablate.AblateException;
import io.ablate.activation.Catalogue;
import io.ablate.activation.Variant;
import io.ablate.encoding.Dtype;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.analysis.FunctionRegistry;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.ScalaUDF;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.StringType;
import scala.Function1;
import scala.Option;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The SQL functions the passes' plans are built of, beside the activations themselves:
 * <pre>
 *   ablate_vector(data, 'bf16')     binary vectors (f32, bf16, f16) as array&lt;float&gt;
 *   ablate_vector(values)           an array&lt;float&gt; column as it is
 *   ablate_reference('gelu', x)     the float64 reference of a variant over array&lt;float&gt; x, as
 *                                   array&lt;double&gt;; gated: x = [gate | up], output half as long
 * </pre>
 * Each is a {@code ScalaUDF} whose function implements {@code RapidsUDF}: with the RAPIDS
 * Accelerator it runs on the GPU, elsewhere on its CPU path (boxed values: these functions are for
 * the GPU plans; the CPU passes read vectors without them). Null in gives null out.
 */
public final class PlanFunctions {
  public static final String VECTOR = "ablate_vector";
  public static final String REFERENCE = "ablate_reference";

  private PlanFunctions() {}

  static void register(FunctionRegistry registry) {
    registry.createOrReplaceTempFunction(VECTOR, builder(PlanFunctions::vector), "java_udf");
    registry.createOrReplaceTempFunction(REFERENCE, builder(PlanFunctions::reference), "java_udf");
  }

  private interface Build {
    Expression build(List<Expression> args);
  }

  private static Function1<Seq<Expression>, Expression> builder(Build build) {
    return (Seq<Expression> args) -> build.build(new ArrayList<>(CollectionConverters.asJava(args)));
  }

  private static Expression vector(List<Expression> args) {
    if (args.size() == 1 && isFloatArray(args.get(0).dataType())) {
      return args.get(0);
    }
    if (args.size() != 2 || !(args.get(0).dataType() instanceof BinaryType)
        || !literal(args.get(1))) {
      throw AblateException.badInput("%s: expected (array<float>) or (binary, 'f32'|'bf16'|'f16')",
          VECTOR);
    }
    Dtype dtype = Dtype.parse(String.valueOf(args.get(1).eval(null)));
    return udf(new VectorUdf(dtype), DataTypes.createArrayType(DataTypes.FloatType, true),
        args.subList(0, 1), VECTOR + "(" + dtype.label() + ")");
  }

  private static Expression reference(List<Expression> args) {
    if (args.size() != 2 || !literal(args.get(0)) || !isFloatArray(args.get(1).dataType())) {
      throw AblateException.badInput("%s: expected ('variant', array<float>)", REFERENCE);
    }
    Variant v = Catalogue.variant(String.valueOf(args.get(0).eval(null)));
    return udf(new ReferenceUdf(v), DataTypes.createArrayType(DataTypes.DoubleType, true),
        args.subList(1, 2), REFERENCE + "(" + v.name() + ")");
  }

  /**
   * Registers the function {@code name} in the session (its arguments as a list) unless the
   * session has it already: plans register their functions each time they are built, and
   * replacing one would log a warning.
   */
  public static void registerOnce(org.apache.spark.sql.SparkSession spark, String name,
      java.util.function.Function<List<Expression>, Expression> build) {
    if (!spark.catalog().functionExists(name)) {
      ((org.apache.spark.sql.classic.SparkSession) spark).sessionState().functionRegistry()
          .createOrReplaceTempFunction(name, builder(build::apply), "java_udf");
    }
  }

  /** A ScalaUDF of {@code fn} (a Scala function implementing RapidsUDF) over {@code args}. */
  public static Expression udf(Object fn, DataType result, List<Expression> args, String name) {
    return new ScalaUDF(fn, result, CollectionConverters.asScala(new ArrayList<>(args)).toList(),
        CollectionConverters.asScala(new ArrayList<Option<
            org.apache.spark.sql.catalyst.encoders.ExpressionEncoder<?>>>()).toList(),
        Option.empty(), Option.apply(name), true, true);
  }

  private static boolean literal(Expression e) {
    return e.foldable() && e.dataType() instanceof StringType;
  }

  private static boolean isFloatArray(DataType t) {
    return t instanceof ArrayType a && a.elementType() instanceof FloatType;
  }

  /** A Scala sequence of boxed floats (a ScalaUDF's array argument) as floats; null as 0. */
  public static float[] floats(Object seq) {
    scala.collection.Seq<?> s = (scala.collection.Seq<?>) seq;
    float[] out = new float[s.size()];
    int i = 0;
    scala.collection.Iterator<?> it = s.iterator();
    while (it.hasNext()) {
      Object v = it.next();
      out[i++] = v == null ? 0f : (Float) v;
    }
    return out;
  }

  /** A Scala sequence of boxed doubles as doubles; null as NaN. */
  public static double[] doubles(Object seq) {
    scala.collection.Seq<?> s = (scala.collection.Seq<?>) seq;
    double[] out = new double[s.size()];
    int i = 0;
    scala.collection.Iterator<?> it = s.iterator();
    while (it.hasNext()) {
      Object v = it.next();
      out[i++] = v == null ? Double.NaN : (Double) v;
    }
    return out;
  }
}

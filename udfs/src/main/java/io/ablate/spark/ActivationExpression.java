package io.ablate.spark;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.codegen.CodegenContext;
import org.apache.spark.sql.catalyst.expressions.codegen.CodegenFallback;
import org.apache.spark.sql.catalyst.expressions.codegen.ExprCode;
import org.apache.spark.sql.types.DataType;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The CPU form of an activation call as a Catalyst expression. It reads Spark's internal values
 * directly: an {@code array<float>} arrives as {@code ArrayData} and is copied out in bulk, where a
 * {@code ScalaUDF} would hand over a sequence of boxed floats. Used when the RAPIDS plugin is not
 * configured, and for calls that have no GPU form.
 */
public final class ActivationExpression extends Expression
    implements CodegenFallback, Serializable {
  private static final long serialVersionUID = 1L;

  private final SqlCall call;
  private final Seq<Expression> args;

  public ActivationExpression(SqlCall call, List<Expression> args) {
    this.call = call;
    this.args = CollectionConverters.asScala(args).toList();
  }

  public SqlCall call() {
    return call;
  }

  @Override
  public Seq<Expression> children() {
    return args;
  }

  @Override
  public Expression withNewChildrenInternal(IndexedSeq<Expression> newChildren) {
    return new ActivationExpression(call, CollectionConverters.asJava(newChildren));
  }

  @Override
  public boolean nullable() {
    return true;
  }

  @Override
  public DataType dataType() {
    return call.resultType();
  }

  @Override
  public Object eval(InternalRow row) {
    Object a = args.apply(0).eval(row);
    if (a == null) {
      return null;
    }
    Object b = null;
    if (args.size() > 1) {
      b = args.apply(1).eval(row);
      if (b == null) {
        return null;
      }
    }
    return call.evalInternal(a, b);
  }

  @Override
  public ExprCode doGenCode(CodegenContext ctx, ExprCode ev) {
    return CodegenFallback.super.doGenCode(ctx, ev);
  }

  @Override
  public String prettyName() {
    return call.displayName();
  }

  /** Shown in plans as {@code name(children)}, like any function. */
  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public scala.collection.Iterator<Object> flatArguments() {
    return (scala.collection.Iterator) args.iterator();
  }

  @Override
  public int productArity() {
    return 2;
  }

  @Override
  public Object productElement(int n) {
    return n == 0 ? call.displayName() : args;
  }

  @Override
  public boolean canEqual(Object that) {
    return that instanceof ActivationExpression;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ActivationExpression e && e.call.displayName().equals(call.displayName())
        && e.call.kind() == call.kind() && e.call.dtype() == call.dtype() && e.args.equals(args);
  }

  @Override
  public int hashCode() {
    return Objects.hash(call.displayName(), call.kind(), args);
  }
}

package io.ablate.selfcheck;

import ai.rapids.cudf.ColumnVector;
import ai.rapids.cudf.ColumnView;
import ai.rapids.cudf.DType;
import ai.rapids.cudf.HostColumnVector;
import io.ablate.activation.Variant;
import io.ablate.expr.GpuExpansion;
import io.ablate.gpu.GpuVectors;
import io.ablate.spark.GpuForms;
import java.util.ArrayList;
import java.util.List;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Runs the cases on the GPU: each variant's GPU form ({@code RapidsUDF.evaluateColumnar}) on
 * device columns built from the host rows, its result copied back and compared with the CPU form
 * on the same rows ({@link Compare}); and the vector helpers on a sliced view against the same rows
 * copied, so that a view's offset is honoured. Needs a GPU (cuDF's native libraries load here).
 */
final class DeviceCheck {
  private DeviceCheck() {}

  /** One variant on one shape: its GPU form against its CPU form. */
  static Compare.Result run(Variant variant, Cases.Shape shape, int rows, long seed) {
    GpuForms forms = new GpuForms(variant, shape.kind, shape.dtype, shape.packed);
    Cases.Case c = Cases.of(shape, rows, seed);
    List<Object> expected = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      expected.add(forms.cpu(external(c.first().get(i)),
          c.second().isEmpty() ? null : external(c.second().get(i))));
    }
    ColumnVector[] args = new ColumnVector[c.second().isEmpty() ? 1 : 2];
    try {
      args[0] = device(c.first(), shape);
      if (args.length == 2) {
        args[1] = device(c.second(), shape);
      }
      try (ColumnVector out = forms.gpu().evaluateColumnar(rows, args);
           HostColumnVector host = out.copyToHost()) {
        return Compare.rows(variant, c, expected, rows(host, shape));
      }
    } finally {
      for (ColumnVector a : args) {
        if (a != null) {
          a.close();
        }
      }
    }
  }

  /**
   * The reference of {@code variant} over rows 10 to 40 of an array column read as a sliced view
   * and as those rows copied: the same rows, the same values.
   */
  static Compare.Result slicedView(Variant variant, long seed) {
    Cases.Case c = Cases.of(variant.gated() ? Cases.Shape.ARRAY_PACKED : Cases.Shape.ARRAY, 60,
        seed);
    var expanded = GpuExpansion.expand(variant.definition());
    try (ColumnVector whole = device(c.first(), Cases.Shape.ARRAY);
         ColumnVector copied = whole.subVector(10, 40)) {
      ColumnView[] parts = whole.splitAsViews(10, 40);
      try (ColumnVector fromView = GpuVectors.reference(expanded, variant.gated(), parts[1]);
           ColumnVector fromCopy = GpuVectors.reference(expanded, variant.gated(), copied);
           HostColumnVector a = fromView.copyToHost();
           HostColumnVector b = fromCopy.copyToHost()) {
        List<Object> x = rows(b, Cases.Shape.ARRAY);
        List<Object> y = rows(a, Cases.Shape.ARRAY);
        return x.equals(y) ? new Compare.Result(true, 0, null)
            : new Compare.Result(false, Double.NaN, "a sliced view's rows differ from a copy's");
      } finally {
        for (ColumnView p : parts) {
          p.close();
        }
      }
    }
  }

  /** A host value as a {@code ScalaUDF} receives it (lists as Scala sequences). */
  private static Object external(Object v) {
    return v instanceof List<?> l ? CollectionConverters.asScala(l).toSeq() : v;
  }

  /** Host rows of a shape as a device column. */
  @SuppressWarnings("unchecked")
  static ColumnVector device(List<Object> rows, Cases.Shape shape) {
    switch (shape.kind) {
      case FLOAT:
        return ColumnVector.fromBoxedFloats(rows.toArray(new Float[0]));
      case DOUBLE:
        return ColumnVector.fromBoxedDoubles(rows.toArray(new Double[0]));
      case FLOAT_ARRAY:
        return ColumnVector.fromLists(new HostColumnVector.ListType(true,
            new HostColumnVector.BasicType(true, DType.FLOAT32)),
            rows.toArray(new List[0]));
      default: {
        List<Byte>[] lists = new List[rows.size()];
        for (int i = 0; i < lists.length; i++) {
          byte[] b = (byte[]) rows.get(i);
          if (b != null) {
            lists[i] = new ArrayList<>();
            for (byte x : b) {
              lists[i].add(x);
            }
          }
        }
        return ColumnVector.fromLists(new HostColumnVector.ListType(true,
            new HostColumnVector.BasicType(false, DType.UINT8)), lists);
      }
    }
  }

  /** A host column's rows in the representation of {@link Cases} (arrays as lists). */
  static List<Object> rows(HostColumnVector h, Cases.Shape shape) {
    List<Object> out = new ArrayList<>();
    for (long i = 0; i < h.getRowCount(); i++) {
      if (h.isNull(i)) {
        out.add(null);
      } else if (h.getType().equals(DType.FLOAT32)) {
        out.add(h.getFloat(i));
      } else if (h.getType().equals(DType.FLOAT64)) {
        out.add(h.getDouble(i));
      } else if (shape.kind == io.ablate.encoding.ColumnKind.BINARY) {
        List<?> bytes = h.getList(i);
        byte[] b = new byte[bytes.size()];
        for (int k = 0; k < b.length; k++) {
          b[k] = (Byte) bytes.get(k);
        }
        out.add(b);
      } else {
        out.add(new ArrayList<>(h.getList(i)));
      }
    }
    return out;
  }
}

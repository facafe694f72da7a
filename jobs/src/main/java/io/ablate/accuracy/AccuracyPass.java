package io.ablate.accuracy;

import io.ablate.AblateException;
import io.ablate.activation.Catalogue;
import io.ablate.activation.Variant;
import io.ablate.dataset.ActivationDataset;
import io.ablate.dataset.SyntheticRows;
import io.ablate.dataset.VectorReader;
import io.ablate.expr.BlockInterpreter;
import io.ablate.kernel.Kernel;
import io.ablate.kernel.Simd;
import io.ablate.kernel.simd.Widen;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.util.LongAccumulator;
import scala.Tuple2;

/**
 * One pass over an activation dataset that applies every variant to every vector and accumulates
 * its error against the float64 reference, per (model, checkpoint, layer, site, variant), in
 * {@link ErrorStats}: exact sums, so the result is bit-identical whatever the partitioning. Raw
 * vectors never leave the executors. Elementwise variants apply to {@code ffn.pre} sites against
 * {@code reference}; gated ones to {@code ffn.gate_up} sites ([gate | up]) against
 * {@code gatedReference}. Vector lengths must agree within a key: the pass counts every length per
 * key and fails with the counts when they do not.
 */
public final class AccuracyPass implements Serializable {
  private static final long serialVersionUID = 1L;

  /** One metric row of the {@code accuracy} table, before storage. */
  public record Result(VectorReader.Key key, String variant, String precision, String reference,
      String impl, ErrorStats stats) {}

  /** Inputs widened to double with the Vector API when it is there ({@link Widen}). */
  private static final boolean WIDEN = Simd.available();

  private final List<String> variants;
  private final String reference;
  private final String gatedReference;

  public AccuracyPass(List<Variant> variants, Variant reference, Variant gatedReference) {
    if (reference.gated() || !gatedReference.gated()) {
      throw AblateException.badInput("reference %s must be elementwise and gated reference %s gated",
          reference.name(), gatedReference.name());
    }
    this.variants = variants.stream().map(Variant::name).distinct().toList();
    this.reference = reference.name();
    this.gatedReference = gatedReference.name();
  }

  /** How many passes have started in this JVM: a warm-up stops when it changes. */
  private static final AtomicLong PASSES = new AtomicLong();

  /** A warm-up running in the background: how many synthetic rows it has put through the pass. */
  public record WarmUp(Thread thread, AtomicLong rows) {
    /** Waits at most {@code timeout} for the warm-up to end; whether it has. */
    public boolean await(Duration timeout) throws InterruptedException {
      thread.join(Math.max(1, timeout.toMillis()));
      return !thread.isAlive();
    }
  }

  /**
   * Warms this JVM's code of the pass while the caller does other work (starts Spark, opens the
   * dataset): a background thread runs the pass's own per-vector work ({@link #partition}, these
   * variants, the reference, the accumulators) over {@link SyntheticRows} until it has put {@link
   * #WARM_UP_TOTAL_ROWS} through, a pass starts in this JVM or {@code budget} is spent. A fresh JVM otherwise runs the first seconds of its pass
   * in the interpreter, where the Vector API allocates a vector per operation, while the JIT's
   * queue is long with Spark's own methods. The synthetic results are dropped; the kernels give
   * the same bits at every JIT tier, so warming changes no metric.
   */
  public WarmUp warmUpInBackground(Duration budget) {
    long passes = PASSES.get();
    AtomicLong done = new AtomicLong();
    Thread t = new Thread(() -> {
      long end = System.nanoTime() + budget.toNanos();
      SyntheticRows rows = SyntheticRows.of(WARM_UP_ROWS, WARM_UP_DIM, 1);
      LongAccumulator values = new LongAccumulator();
      while (done.get() < WARM_UP_TOTAL_ROWS && PASSES.get() == passes
          && System.nanoTime() < end) {
        partition(rows.reader(), rows.rows(), values);
        done.addAndGet(WARM_UP_ROWS);
      }
    }, "ablate-warm-up");
    t.setDaemon(true);
    t.start();
    return new WarmUp(t, done);
  }

  private static final int WARM_UP_ROWS = 16;
  private static final int WARM_UP_DIM = 1024;
  /**
   * Rows a warm-up puts through the pass: in a fresh JVM the pass's loop reached its compiled speed
   * after about 6,400 (400 batches of 16, about 5 s of one core of the 2-core VM of the
   * performance figures, busy); beyond that a warm-up only takes a core from Spark's start.
   */
  static final int WARM_UP_TOTAL_ROWS = 16_000;

  /** Runs the pass; results sorted by key, then variant in the order given. */
  public List<Result> run(ActivationDataset dataset) {
    PASSES.incrementAndGet();
    VectorReader reader = new VectorReader(dataset);
    JavaRDD<InternalRow> rows = dataset.internalRows();
    AccuracyPass pass = this;
    LongAccumulator values = rows.context().longAccumulator(VectorReader.VALUES_ACCUMULATOR);
    List<Tuple2<String, Object>> merged = rows
        .mapPartitions((Iterator<InternalRow> it) -> pass.partition(reader, it, values).iterator())
        .mapToPair(t -> t)
        .reduceByKey(AccuracyPass::mergeValues)
        .collect();
    return results(merged, dataset.files().size(), "simd");
  }

  /**
   * The results of merged accumulators: (slot text, {@link ErrorStats} or length counts) as the
   * pass's partitions and {@link AccuracyPlan}'s rows produce them. Bad input when there is no
   * vector or the lengths within a key differ. {@code impl} names the form that ran.
   */
  List<Result> results(List<Tuple2<String, Object>> merged, int files, String impl) {
    Map<VectorReader.Key, Map<Integer, Long>> lengths = new TreeMap<>();
    Map<VectorReader.Key, Map<String, ErrorStats>> stats = new TreeMap<>();
    for (Tuple2<String, Object> t : merged) {
      Slot slot = Slot.parse(t._1());
      if (slot.variant() == null) {
        @SuppressWarnings("unchecked")
        Map<Integer, Long> l = (Map<Integer, Long>) t._2();
        lengths.put(slot.key(), l);
      } else {
        stats.computeIfAbsent(slot.key(), k -> new HashMap<>()).put(slot.variant(),
            (ErrorStats) t._2());
      }
    }
    if (lengths.isEmpty()) {
      throw AblateException.badInput("the input has no vectors (%d files read)", files);
    }
    lengths.forEach((key, byLength) -> {
      if (byLength.size() > 1) {
        throw AblateException.badInput("vectors of different lengths in model %s, checkpoint %s, "
            + "layer %d, site %s: %s (length: rows)", key.model(), key.checkpoint(), key.layer(),
            key.site(), new TreeMap<>(byLength));
      }
    });
    List<Result> out = new ArrayList<>();
    for (Map.Entry<VectorReader.Key, Map<String, ErrorStats>> e : stats.entrySet()) {
      for (String name : variants) {
        ErrorStats s = e.getValue().get(name);
        if (s != null) {
          Variant v = Catalogue.variant(name);
          out.add(new Result(e.getKey(), v.name(), v.precision().baseName(),
              (v.gated() ? gatedReference : reference), impl, s));
        }
      }
    }
    return out;
  }

  static Object mergeValues(Object a, Object b) {
    if (a instanceof ErrorStats s) {
      return s.merge((ErrorStats) b);
    }
    @SuppressWarnings("unchecked")
    Map<Integer, Long> m = new TreeMap<>((Map<Integer, Long>) a);
    @SuppressWarnings("unchecked")
    Map<Integer, Long> other = (Map<Integer, Long>) b;
    other.forEach((k, v) -> m.merge(k, v, Long::sum));
    return m;
  }

  /** Accumulators of one partition, as (slot, ErrorStats or length counts). */
  List<Tuple2<String, Object>> partition(VectorReader reader, Iterator<InternalRow> rows,
      LongAccumulator values) {
    int count = variants.size();
    boolean[] gated = new boolean[count];
    Kernel[] kernels = new Kernel[count];
    for (int v = 0; v < count; v++) {
      Variant variant = Catalogue.variant(variants.get(v));
      gated[v] = variant.gated();
      kernels[v] = variant.kernel();
    }
    BlockInterpreter.Block ref = BlockInterpreter.compile(Catalogue.variant(reference).definition());
    BlockInterpreter.Block gatedRef = BlockInterpreter.compile(
        Catalogue.variant(gatedReference).definition());
    // Per key: one accumulator per variant (index as in `variants`), and the vector lengths seen.
    // Looked up once per row; the slot strings of the shuffle are built once per key, at the end.
    Map<VectorReader.Key, ErrorStats[]> stats = new HashMap<>();
    Map<VectorReader.Key, Map<Integer, Long>> lengths = new HashMap<>();
    // Buffers reused across rows (grown to the longest vector): no allocation per row.
    double[][] args = {new double[0], new double[0]};
    double[] expected = new double[0];
    float[] input = new float[0];
    float[] out = new float[0];
    while (rows.hasNext()) {
      InternalRow r = rows.next();
      VectorReader.Key key = reader.key(r);
      float[] x = reader.vector(r);
      lengths.computeIfAbsent(key, k -> new TreeMap<>()).merge(x.length, 1L, Long::sum);
      values.add(x.length);
      boolean gatedSite = key.site().equals(ActivationDataset.GATED_SITE);
      if (gatedSite && x.length % 2 != 0) {
        throw AblateException.badInput("%s: a %s vector has odd length %d; expected [gate | up]",
            reader.where(r), ActivationDataset.GATED_SITE, x.length);
      }
      int n = gatedSite ? x.length / 2 : x.length;
      if (expected.length < n) {
        expected = new double[n];
        input = new float[n];
        out = new float[n];
        args = new double[][] {new double[n], new double[n]};
      }
      if (gatedSite) {
        for (int i = 0; i < n; i++) {
          args[0][i] = x[i];
          args[1][i] = x[n + i];
        }
        gatedInputs(x, n, input);
      } else if (WIDEN) {
        Widen.toDoubles(x, 0, args[0], 0, n);
      } else {
        for (int i = 0; i < n; i++) {
          args[0][i] = x[i];
        }
      }
      float[] inputs = gatedSite ? input : x; // what each element's input class is judged by
      boolean inputsFinite = ErrorStats.allFinite(inputs, 0, n); // once for all the variants
      (gatedSite ? gatedRef : ref).eval(args, expected, n);
      ErrorStats[] keyStats = stats.computeIfAbsent(key, k -> new ErrorStats[count]);
      for (int v = 0; v < count; v++) {
        if (gated[v] != gatedSite) {
          continue;
        }
        if (gatedSite) {
          kernels[v].applyGated(x, 0, x, n, out, 0, n);
        } else {
          kernels[v].apply(x, 0, out, 0, n);
        }
        if (keyStats[v] == null) {
          keyStats[v] = ErrorStats.empty();
        }
        keyStats[v].update(inputs, 0, out, 0, expected, 0, n, inputsFinite);
      }
    }
    List<Tuple2<String, Object>> result = new ArrayList<>();
    stats.forEach((key, byVariant) -> {
      for (int v = 0; v < count; v++) {
        if (byVariant[v] != null) {
          result.add(new Tuple2<>(new Slot(key, variants.get(v)).text(), byVariant[v]));
        }
      }
    });
    lengths.forEach((key, l) -> result.add(new Tuple2<>(new Slot(key, null).text(), l)));
    return result;
  }

  /**
   * The input class of each element of a gated vector {@code [gate | up]} (n values each), into
   * {@code out}: an element is a NaN input if its up is NaN, else an infinite input if its up is
   * infinite and its gate finite, else its gate's class. Returns {@code out}.
   */
  static float[] gatedInputs(float[] x, int n, float[] out) {
    for (int i = 0; i < n; i++) {
      float g = x[i];
      float u = x[n + i];
      out[i] = Float.isNaN(u) ? u : Float.isInfinite(u) && Float.isFinite(g) ? u : g;
    }
    return out;
  }

  /** (key, variant) as one string, for the shuffle; variant null for the length counts. */
  record Slot(VectorReader.Key key, String variant) {
    private static final String SEP = "\u0001";

    String text() {
      return String.join(SEP, key.model(), key.checkpoint(), Integer.toString(key.layer()),
          key.site(), variant == null ? "" : variant);
    }

    static Slot parse(String s) {
      String[] p = s.split(SEP, -1);
      return new Slot(new VectorReader.Key(p[0], p[1], Integer.parseInt(p[2]), p[3]),
          p[4].isEmpty() ? null : p[4]);
    }
  }
}

package io.ablate.latency;

import io.ablate.AblateException;
import io.ablate.activation.Catalogue;
import io.ablate.activation.Variant;
import io.ablate.dataset.ActivationDataset;
import io.ablate.dataset.VectorReader;
import io.ablate.repository.RunRecord;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.util.CollectionAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * The latency pass of {@code ablate ablate --latency}: every variant's kernels timed by every
 * implementation (scalar, SIMD, PyTorch via DJL where it has the function, the GPU form where a GPU
 * is present) on the executors, on their own partitions' data.
 *
 * <p>Each partition gathers up to {@code batchElems} values of its vectors: values of elementwise
 * sites for the elementwise variants, and the gate and up halves of {@code ffn.gate_up} vectors for
 * the gated ones (it stops reading once the batches it needs are full). Then, holding the executor
 * JVM's timing lock ({@link KernelTimer}: the executor's tasks time one at a time), each variant ×
 * implementation is warmed up (a JIT warm-up once per JVM, then {@code warmups} passes) and timed
 * over {@code reps} passes; each pass's ns per element is a sample. Samples of one (variant, impl,
 * host, executor, device) from all its partitions are merged ({@link LatencySamples}) into one row
 * ({@link LatencyRow}: nearest-rank p50/p95/p99 over all repetitions; bytes read + written per
 * element 8 elementwise, 12 gated). The roofline is the executor's copy bandwidth at the batch
 * size (the GPU's own for {@code gpu} rows), measured once per JVM. Why an implementation was not timed (no PyTorch
 * form, no GPU, ...) is logged on the executor and returned as notes.
 */
public final class LatencyPass implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(LatencyPass.class);

  /** Default values per timed call: 4 MiB of float32 per array. */
  public static final int DEFAULT_BATCH = 1 << 20;
  /** Default timed repetitions per partition. */
  public static final int DEFAULT_REPS = 15;
  /** Untimed passes over the batch before the timed ones. */
  static final int WARMUPS = 2;
  /** JIT warm-up per kernel and executor JVM (see the kernel benchmark). */
  static final long JIT_WARM_MILLIS = 300;

  /** The pass's rows, sorted by variant (in the order given), impl, host and executor. */
  public record Result(List<LatencyRow> rows, List<String> notes) {}

  private final List<String> variants;
  private final int batchElems;
  private final int reps;
  private final long jitWarmMillis;

  public LatencyPass(List<Variant> variants, int batchElems, int reps) {
    this(variants, batchElems, reps, JIT_WARM_MILLIS);
  }

  LatencyPass(List<Variant> variants, int batchElems, int reps, long jitWarmMillis) {
    if (batchElems < 1 || reps < 1) {
      throw AblateException.badInput("latency: batch size %d and repetitions %d must be positive",
          batchElems, reps);
    }
    this.variants = variants.stream().map(Variant::name).distinct().toList();
    this.batchElems = batchElems;
    this.reps = reps;
    this.jitWarmMillis = jitWarmMillis;
  }

  public int batchElems() {
    return batchElems;
  }

  public int reps() {
    return reps;
  }

  /** Runs the pass (one Spark job over the dataset's rows). */
  public Result run(ActivationDataset dataset) {
    VectorReader reader = new VectorReader(dataset);
    JavaRDD<InternalRow> rows = dataset.internalRows();
    CollectionAccumulator<String> notes =
        rows.context().collectionAccumulator("latency notes");
    LatencyPass pass = this;
    List<Tuple2<String, Acc>> merged = rows
        .mapPartitions((Iterator<InternalRow> it) -> pass.partition(reader, it, notes).iterator())
        .mapToPair(t -> t)
        .reduceByKey(Acc::merge)
        .collect();
    List<LatencyRow> out = new ArrayList<>();
    for (Tuple2<String, Acc> t : merged) {
      Slot s = Slot.parse(t._1());
      Acc a = t._2();
      Variant v = Catalogue.variant(s.variant());
      out.add(LatencyRow.of(v.name(), v.precision().baseName(), s.impl(), batchElems, s.host(),
          s.executorId(), s.device(), String.join(",", a.sites), a.bytesPerElem, a.samples,
          a.rooflineBytesPerSec));
    }
    List<String> implOrder = Arrays.stream(KernelTimer.Impl.values())
        .map(KernelTimer.Impl::label).toList();
    out.sort(Comparator.<LatencyRow>comparingInt(r -> variants.indexOf(r.variant()))
        .thenComparingInt(r -> implOrder.indexOf(r.impl()))
        .thenComparing(LatencyRow::host).thenComparing(LatencyRow::executorId));
    TreeSet<String> why = new TreeSet<>(notes.value());
    for (String name : variants) {
      if (out.stream().noneMatch(r -> r.variant().equals(name))) {
        why.add(name + ": not timed, the input has no " + (Catalogue.variant(name).gated()
            ? ActivationDataset.GATED_SITE + " vectors" : "elementwise-site vectors"));
      }
    }
    return new Result(out, List.copyOf(why));
  }

  /** Gathers this partition's batches, then times every variant × implementation on them. */
  List<Tuple2<String, Acc>> partition(VectorReader reader, Iterator<InternalRow> rows,
      CollectionAccumulator<String> notes) {
    List<Variant> resolved = variants.stream().map(Catalogue::variant).toList();
    boolean needElementwise = resolved.stream().anyMatch(v -> !v.gated());
    boolean needGated = resolved.stream().anyMatch(Variant::gated);
    Gatherer plain = new Gatherer(needElementwise ? batchElems : 0);
    Gatherer gated = new Gatherer(needGated ? batchElems : 0);
    while ((!plain.full() || !gated.full()) && rows.hasNext()) {
      InternalRow r = rows.next();
      String site = reader.key(r).site();
      boolean gatedSite = site.equals(ActivationDataset.GATED_SITE);
      if (gatedSite ? gated.full() : plain.full()) {
        continue;
      }
      float[] x = reader.vector(r);
      if (gatedSite) {
        if (x.length % 2 != 0) {
          throw AblateException.badInput("%s: a %s vector has odd length %d; expected [gate | up]",
              reader.where(r), ActivationDataset.GATED_SITE, x.length);
        }
        gated.add(site, x, 0, x, x.length / 2, x.length / 2);
      } else {
        plain.add(site, x, 0, null, 0, x.length);
      }
    }
    KernelTimer.Batch plainBatch = plain.batch();
    KernelTimer.Batch gatedBatch = gated.batch();
    if (plainBatch == null && gatedBatch == null) {
      return List.of();
    }
    String host = RunRecord.hostName();
    String executor = executorId();
    KernelTimer.Settings settings = new KernelTimer.Settings(WARMUPS, reps, jitWarmMillis,
        batchElems);
    return KernelTimer.exclusive(() -> {
      List<Tuple2<String, Acc>> out = new ArrayList<>();
      TreeSet<String> skipped = new TreeSet<>();
      for (Variant v : resolved) {
        KernelTimer.Batch b = v.gated() ? gatedBatch : plainBatch;
        if (b == null) {
          continue;
        }
        Gatherer from = v.gated() ? gated : plain;
        int bytes = v.gated() ? LatencyRow.GATED_BYTES : LatencyRow.ELEMENTWISE_BYTES;
        for (KernelTimer.Impl impl : KernelTimer.Impl.values()) {
          KernelTimer.Outcome o = KernelTimer.time(v, impl, b, settings);
          if (!o.wasTimed()) {
            if (skipped.add(impl.label() + " not timed: " + o.skipped())) {
              LOG.info("latency: {} not timed on executor {} ({}): {}", impl.label(), executor,
                  host, o.skipped());
            }
            continue;
          }
          out.add(new Tuple2<>(new Slot(v.name(), impl.label(), host, executor, o.device()).text(),
              new Acc(LatencySamples.of(o.nsPerElem(), b.size()), from.sites, bytes,
                  o.rooflineBytesPerSec())));
        }
      }
      skipped.forEach(notes::add);
      return out;
    });
  }

  /** Spark's id of the executor running this code ({@code driver} in local mode). */
  static String executorId() {
    SparkEnv env = SparkEnv.get();
    return env == null ? "none" : env.executorId();
  }

  /**
   * What the rows are keyed by, besides the run and batch size; shuffled as one string (records do
   * not go through Kryo, which cluster profiles use).
   */
  record Slot(String variant, String impl, String host, String executorId, String device) {
    private static final String SEP = "\u0001";

    String text() {
      return String.join(SEP, variant, impl, host, executorId, device);
    }

    static Slot parse(String s) {
      String[] p = s.split(SEP, -1);
      return new Slot(p[0], p[1], p[2], p[3], p[4]);
    }
  }

  /** Merged samples of one slot, with the sites they came from. */
  static final class Acc implements Serializable {
    private static final long serialVersionUID = 1L;
    final LatencySamples samples;
    final TreeSet<String> sites;
    final int bytesPerElem;
    final double rooflineBytesPerSec;

    Acc(LatencySamples samples, TreeSet<String> sites, int bytesPerElem,
        double rooflineBytesPerSec) {
      this.samples = samples;
      this.sites = new TreeSet<>(sites);
      this.bytesPerElem = bytesPerElem;
      this.rooflineBytesPerSec = rooflineBytesPerSec;
    }

    /** One executor JVM measures its roofline once, so both sides carry the same value. */
    Acc merge(Acc o) {
      TreeSet<String> s = new TreeSet<>(sites);
      s.addAll(o.sites);
      return new Acc(samples.merge(o.samples), s, bytesPerElem, rooflineBytesPerSec);
    }
  }

  /** Collects up to {@code capacity} values (and, for gated batches, as many up values). */
  private static final class Gatherer {
    final int capacity;
    final TreeSet<String> sites = new TreeSet<>();
    float[] x = new float[0];
    float[] up = new float[0];
    int n;

    Gatherer(int capacity) {
      this.capacity = capacity;
    }

    boolean full() {
      return n >= capacity;
    }

    /** Appends {@code len} values of {@code src} from {@code off} (and of {@code upSrc}). */
    void add(String site, float[] src, int off, float[] upSrc, int upOff, int len) {
      int take = Math.min(len, capacity - n);
      if (take <= 0) {
        return;
      }
      if (n + take > x.length) {
        int size = (int) Math.min(capacity, Math.max(n + take, 2L * x.length));
        x = Arrays.copyOf(x, size);
        up = upSrc == null ? up : Arrays.copyOf(up, size);
      }
      System.arraycopy(src, off, x, n, take);
      if (upSrc != null) {
        System.arraycopy(upSrc, upOff, up, n, take);
      }
      n += take;
      sites.add(site);
    }

    /** The gathered values, trimmed; null when there are none. */
    KernelTimer.Batch batch() {
      if (n == 0) {
        return null;
      }
      return new KernelTimer.Batch(Arrays.copyOf(x, n), up.length == 0 ? null
          : Arrays.copyOf(up, n));
    }
  }
}

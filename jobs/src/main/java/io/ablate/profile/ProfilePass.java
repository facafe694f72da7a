package io.ablate.profile;

import io.ablate.AblateException;
import io.ablate.activation.Catalogue;
import io.ablate.activation.Variant;
import io.ablate.dataset.ActivationDataset;
import io.ablate.dataset.RowGroups;
import io.ablate.dataset.RowPlacer;
import io.ablate.dataset.VectorReader;
import io.ablate.kernel.Kernel;
import io.ablate.sketch.QuantileSketch;
import io.ablate.sketch.Seeds;
import io.ablate.sketch.SketchBuilder;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.util.LongAccumulator;
import scala.Tuple2;

/**
 * One pass over an activation dataset into a {@link Profile} per (model, checkpoint, layer, site)
 * and, with variants, per variant output (elementwise variants on {@code ffn.pre} sites, gated ones
 * on {@code ffn.gate_up} sites, each applied with its float32 kernel as the ablation pass does).
 *
 * <p><b>Same data, same bytes.</b> The exact statistics ({@link ValueStats}) merge exactly. The
 * quantile sketch is built per (key, unit), a unit being one Parquet row group of one file: Spark never
 * splits a row group across partitions and reads its rows in file order, so each unit's values
 * arrive in the same order in one task whatever the partitioning. Rows are placed in their row
 * group by their index in their file ({@link ActivationDataset#placedRows()}, {@link RowPlacer}),
 * so under a selection the pass, as the ablation pass, reads only the row groups Parquet's filters
 * keep, and a unit's sketch sees the same selected rows in the same order whichever groups were
 * skipped. Each unit sketch is built by a
 * {@link SketchBuilder} with its own coin flips, seeded from the key, the file's position in the
 * sorted file list and the row group (no shared state: tasks build in parallel). Unit sketches are
 * then merged in unit order, in groups of {@value #GROUP} consecutive units on the executors and
 * the groups in order on the driver, each merge with its own seed ({@link QuantileSketch#merge}). So a
 * profile's bytes depend on the files' contents and row-group layout only (not on the number of
 * partitions, the executors or the task order); the same values rewritten into other files give
 * the same exact statistics and a sketch of the same accuracy, but not the same sketch bytes.
 */
public final class ProfilePass implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Unit sketches merged per executor-side group. */
  public static final int GROUP = 64;

  private final List<String> variants;
  private final int k;

  public ProfilePass(List<Variant> variants, int k) {
    this.variants = variants.stream().map(Variant::name).toList();
    this.k = k;
    QuantileSketch.checkK(k);
  }

  public int k() {
    return k;
  }

  /** The sketches of one key's group of consecutive units. */
  record Group(ProfileKey key, long group) implements Serializable {}

  /** One unit's sketch, serialised, with its ordinal among all units. */
  record UnitSketch(long ordinal, byte[] bytes) implements Serializable {}

  /** Runs the pass; profiles sorted by key (raw inputs first, then variants in name order). */
  public List<Profile> run(ActivationDataset dataset) {
    VectorReader reader = new VectorReader(dataset);
    Map<String, RowGroups> groupsOf = dataset.rowGroups();
    Map<String, Long> bases = new TreeMap<>();
    Map<String, Integer> ordinals = new TreeMap<>();
    long units = 0;
    for (String f : dataset.files()) {
      String key = ActivationDataset.fileKey(f);
      ordinals.put(key, ordinals.size());
      bases.put(key, units);
      units += groupsOf.get(key).count();
    }
    Units layout = new Units(groupsOf, bases, ordinals);
    JavaRDD<InternalRow> rows = dataset.placedRows();
    int rowIndex = dataset.rowIndexOrdinal();
    LongAccumulator values = rows.context().longAccumulator(VectorReader.VALUES_ACCUMULATOR);
    ProfilePass pass = this;
    List<Tuple2<Object, Object>> merged = rows
        .mapPartitions((Iterator<InternalRow> it) ->
            pass.partition(reader, layout, rowIndex, it, values).iterator())
        .mapToPair(t -> t)
        .reduceByKey(ProfilePass::mergeValues)
        .mapValues(v -> v instanceof ValueStats ? v : pass.mergeGroup(v))
        .collect();
    Map<ProfileKey, ValueStats> stats = new TreeMap<>();
    Map<ProfileKey, TreeMap<Long, byte[]>> groups = new TreeMap<>();
    for (Tuple2<Object, Object> t : merged) {
      if (t._1() instanceof ProfileKey key) {
        stats.put(key, (ValueStats) t._2());
      } else {
        Group g = (Group) t._1();
        groups.computeIfAbsent(g.key(), x -> new TreeMap<>()).put(g.group(), (byte[]) t._2());
      }
    }
    if (stats.isEmpty()) {
      throw AblateException.badInput("the input has no vectors (%d files read)",
          dataset.files().size());
    }
    List<Profile> out = new ArrayList<>();
    for (Map.Entry<ProfileKey, ValueStats> e : stats.entrySet()) {
      QuantileSketch sketch = QuantileSketch.empty(k);
      long stream = Seeds.hash(e.getKey().text());
      long i = 0;
      for (byte[] bytes : groups.getOrDefault(e.getKey(), new TreeMap<>()).values()) {
        sketch = sketch.merge(QuantileSketch.fromBytes(bytes, "group sketch"),
            Seeds.seed(stream, i++));
      }
      out.add(Profile.of(e.getKey(), e.getValue(), sketch, k));
    }
    return out;
  }

  private static Object mergeValues(Object a, Object b) {
    if (a instanceof ValueStats s) {
      return s.merge((ValueStats) b);
    }
    @SuppressWarnings("unchecked")
    List<UnitSketch> l = new ArrayList<>((List<UnitSketch>) a);
    @SuppressWarnings("unchecked")
    List<UnitSketch> other = (List<UnitSketch>) b;
    l.addAll(other);
    return l;
  }

  /** A group's unit sketches merged in unit order, with seeds from the group's first unit. */
  private Object mergeGroup(Object v) {
    @SuppressWarnings("unchecked")
    List<UnitSketch> units = new ArrayList<>((List<UnitSketch>) v);
    units.sort(Comparator.comparingLong(UnitSketch::ordinal));
    QuantileSketch sketch = QuantileSketch.empty(k);
    long stream = Seeds.seed(units.get(0).ordinal(), -1);
    for (int i = 0; i < units.size(); i++) {
      sketch = sketch.merge(QuantileSketch.fromBytes(units.get(i).bytes(), "unit sketch"),
          Seeds.seed(stream, i));
    }
    return sketch.toBytes();
  }

  /** Each file's row groups, the global ordinal of its first one, and the file's ordinal. */
  record Units(Map<String, RowGroups> groups, Map<String, Long> bases,
      Map<String, Integer> ordinals) implements Serializable {}

  /** One key's sketch within one unit: its values in row order, its own coin flips. */
  private static final class UnitBuilder {
    final SketchBuilder builder;

    UnitBuilder(int k, long seed) {
      this.builder = new SketchBuilder(k, seed);
    }

    void update(float[] x, int len, float[] scratch, boolean allFinite) {
      if (allFinite) {
        builder.update(x, 0, len);
        return;
      }
      int m = 0;
      for (int i = 0; i < len; i++) {
        if (Float.isFinite(x[i])) {
          scratch[m++] = x[i];
        }
      }
      builder.update(scratch, 0, m);
    }
  }

  private record UnitSlot(ProfileKey key, long unit) {}

  /** The accumulators of one partition: (ProfileKey, ValueStats) and (Group, [UnitSketch]). */
  List<Tuple2<Object, Object>> partition(VectorReader reader, Units layout,
      int rowIndex, Iterator<InternalRow> rows, LongAccumulator values) {
    Map<String, Variant> resolved = new HashMap<>();
    Map<String, Kernel> kernels = new HashMap<>();
    for (String name : variants) {
      Variant v = Catalogue.variant(name);
      resolved.put(name, v);
      kernels.put(name, v.kernel());
    }
    Map<ProfileKey, ValueStats> stats = new HashMap<>();
    Map<UnitSlot, UnitBuilder> sketches = new HashMap<>();
    Map<VectorReader.Key, ProfileKey> rawKeys = new HashMap<>();
    Map<VectorReader.Key, Map<String, ProfileKey>> variantKeys = new HashMap<>();
    RowPlacer placer = new RowPlacer(layout.groups());
    String fileKey = null;
    long base = 0;
    int fileOrdinal = 0;
    float[] out = new float[0];
    float[] scratch = new float[0];
    while (rows.hasNext()) {
      InternalRow r = rows.next();
      int group = placer.placeCurrent(r.getLong(rowIndex));
      if (!placer.fileKey().equals(fileKey)) {
        fileKey = placer.fileKey();
        base = layout.bases().get(fileKey);
        fileOrdinal = layout.ordinals().get(fileKey);
      }
      VectorReader.Key key = reader.key(r);
      float[] x = reader.vector(r);
      long unit = base + group;
      if (out.length < x.length) {
        out = new float[x.length];
        scratch = new float[x.length];
      }
      values.add(x.length);
      ProfileKey raw = rawKeys.computeIfAbsent(key, kk -> ProfileKey.of(kk, ""));
      profile(raw, unit, fileOrdinal, group, x, x.length, stats, sketches, scratch);
      boolean gatedSite = key.site().equals(ActivationDataset.GATED_SITE);
      for (String name : variants) {
        Variant v = resolved.get(name);
        if (v.gated() != gatedSite) {
          continue;
        }
        int n = x.length;
        if (gatedSite) {
          if (x.length % 2 != 0) {
            throw AblateException.badInput("%s: a %s vector has odd length %d; expected "
                + "[gate | up]", reader.where(r), ActivationDataset.GATED_SITE, x.length);
          }
          n = x.length / 2;
          kernels.get(name).applyGated(x, 0, x, n, out, 0, n);
        } else {
          kernels.get(name).apply(x, 0, out, 0, n);
        }
        ProfileKey pk = variantKeys.computeIfAbsent(key, kk -> new HashMap<>())
            .computeIfAbsent(name, nm -> ProfileKey.of(key, nm));
        profile(pk, unit, fileOrdinal, group, out, n, stats, sketches, scratch);
      }
    }
    List<Tuple2<Object, Object>> result = new ArrayList<>();
    stats.forEach((key, s) -> result.add(new Tuple2<>(key, s)));
    sketches.forEach((slot, b) -> {
      List<UnitSketch> one = new ArrayList<>();
      one.add(new UnitSketch(slot.unit(), b.builder.toSketch().toBytes()));
      result.add(new Tuple2<>(new Group(slot.key(), slot.unit() / GROUP), one));
    });
    return result;
  }

  private void profile(ProfileKey key, long unit, int fileOrdinal, int group, float[] x, int n,
      Map<ProfileKey, ValueStats> stats, Map<UnitSlot, UnitBuilder> sketches, float[] scratch) {
    ValueStats s = stats.computeIfAbsent(key, kk -> ValueStats.empty());
    long nonFiniteBefore = s.nans() + s.infs();
    s.update(x, 0, n);
    boolean allFinite = s.nans() + s.infs() == nonFiniteBefore;
    sketches.computeIfAbsent(new UnitSlot(key, unit), u -> new UnitBuilder(k,
            Seeds.seed(Seeds.hash(key.text()), ((long) fileOrdinal << 32) | group)))
        .update(x, n, scratch, allFinite);
  }
}

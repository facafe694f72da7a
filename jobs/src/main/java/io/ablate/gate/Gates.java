package io.ablate.gate;

import io.ablate.AblateException;
import io.ablate.repository.Tables;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The gates of a run, bound to the rows they check: each gate's metric resolved against the
 * table's numeric columns and its subject against the run's subjects, so that a gate naming
 * neither is bad input before any work starts. {@link #check} then checks every gate against
 * every row of its subject (every row without one).
 */
public final class Gates {
  /** No gates: nothing is checked and no {@code gates} rows are written. */
  public static final Gates NONE = new Gates(null, List.of());

  /** A gate with its metric resolved and its subject in the rows' spelling (null: every row). */
  private record Bound(Gate gate, String subject, Metric metric) {}

  private final String tableName;
  private final List<Bound> bound;

  private Gates(String tableName, List<Bound> bound) {
    this.tableName = tableName;
    this.bound = List.copyOf(bound);
  }

  /**
   * Binds {@code gates} to rows of {@code tableName}.
   *
   * @param columns the numeric columns a metric may name ({@link #metricColumns})
   * @param forms the metric forms allowed: the value, and {@code _delta}/{@code _ratio} where the
   *     rows have something to be compared with
   * @param noun what a subject is, for messages ({@code variant}, {@code variant config})
   * @param subjects the subjects of the rows, as the rows spell them
   * @param canonical a subject as the rows spell it (e.g. a variant's canonical name); bad input
   *     for text that names nothing
   */
  public static Gates bind(List<Gate> gates, String tableName, Collection<String> columns,
      Set<Metric.Form> forms, String noun, Collection<String> subjects,
      UnaryOperator<String> canonical) {
    if (gates.isEmpty()) {
      return NONE;
    }
    Set<String> metricColumns = new LinkedHashSet<>(columns);
    Set<Metric.Form> allowed = EnumSet.copyOf(forms);
    List<Bound> out = new ArrayList<>();
    for (Gate g : new LinkedHashSet<>(gates)) { // a gate given twice is checked once
      Metric metric = Metric.resolve(g.metric(), metricColumns, allowed);
      if (metric == null) {
        StringJoiner derived = new StringJoiner(", ");
        allowed.stream().filter(f -> f != Metric.Form.VALUE)
            .forEach(f -> derived.add("METRIC" + f.suffix()));
        throw AblateException.badInput("gate '%s': unknown metric '%s'; valid: %s%s", g.text(),
            g.metric(), String.join(", ", metricColumns),
            derived.length() == 0 ? "" : " (and " + derived + " of each)");
      }
      out.add(new Bound(g, subject(g, noun, subjects, canonical), metric));
    }
    return new Gates(tableName, out);
  }

  private static String subject(Gate g, String noun, Collection<String> subjects,
      UnaryOperator<String> canonical) {
    if (g.subject() == null || subjects.contains(g.subject())) {
      return g.subject();
    }
    String name;
    try {
      name = canonical.apply(g.subject());
    } catch (AblateException e) {
      name = null;
    }
    if (name == null || !subjects.contains(name)) {
      throw AblateException.badInput("gate '%s': %s '%s' is not among the %ss checked: %s",
          g.text(), noun, g.subject(), noun, String.join(", ", new TreeSet<>(subjects)));
    }
    return name;
  }

  /** The numeric columns of {@code table} that are not key columns: what a metric may name. */
  public static List<String> metricColumns(String table, StructType schema) {
    List<String> keys = Tables.KEYS.getOrDefault(table, List.of());
    List<String> out = new ArrayList<>();
    for (StructField f : schema.fields()) {
      if (f.dataType() instanceof NumericType && !keys.contains(f.name())) {
        out.add(f.name());
      }
    }
    return out;
  }

  public boolean isEmpty() {
    return bound.isEmpty();
  }

  /** The gates, in the order given. */
  public List<Gate> gates() {
    return bound.stream().map(Bound::gate).toList();
  }

  /** The gates as one option value: their texts separated by ';', as {@code --gate} takes them. */
  public String text() {
    return String.join(";", gates().stream().map(Gate::text).toList());
  }

  /** The columns the gates read (the metric of each, without its suffix), in the order given. */
  public Set<String> columns() {
    Set<String> out = new LinkedHashSet<>();
    bound.forEach(b -> out.add(b.metric().column()));
    return out;
  }

  /** Every gate against every target of its subject: one check each, in gate then row order. */
  public GateResults check(List<Target> targets) {
    List<GateCheck> out = new ArrayList<>();
    for (Bound b : bound) {
      String column = b.metric().column();
      for (Target t : targets) {
        if (b.subject() == null || b.subject().equals(t.subject())) {
          Double value = b.metric().of(t.values().get(column), t.baseline().get(column));
          out.add(new GateCheck(b.gate(), b.metric(), tableName, t.subject(), t.key(),
              Metric.missing(value) ? null : value, b.gate().evaluate(value)));
        }
      }
    }
    return new GateResults(gates(), out);
  }
}

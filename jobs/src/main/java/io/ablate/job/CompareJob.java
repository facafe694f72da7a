package io.ablate.job;

import io.ablate.AblateException;
import io.ablate.activation.Catalogue;
import io.ablate.gate.Gate;
import io.ablate.gate.GateCheck;
import io.ablate.gate.GateResults;
import io.ablate.gate.Gates;
import io.ablate.gate.Metric;
import io.ablate.gate.Target;
import io.ablate.repository.MetricsRepository;
import io.ablate.repository.RunId;
import io.ablate.repository.RunRecord;
import io.ablate.repository.Tables;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The compare job: the rows of one table ({@code accuracy}, {@code latency} or {@code
 * prompt_eval}) of two succeeded runs joined on their keys, per key and metric both values, the
 * difference and the ratio, into the {@code comparisons} table as one run, read and written
 * without a Spark session. Gates on the candidate's value, the difference or the ratio mark the
 * rows that miss them {@code regressed}; their checks go into the {@code gates} table and make the
 * run's exit code 3 (the run still commits).
 *
 * <p>The key is the table's key without {@code run_id} and without the columns that say where a
 * row ran rather than what it measured ({@code impl} of accuracy rows, {@code host} and {@code
 * executor_id} of latency rows), so that a CPU run compares with a GPU run of the same data and
 * one cluster's timings with another's. Latency rows are also told apart by what a benchmark
 * timed ({@code scope}, {@code shape}, {@code tokens}, {@code stage}, {@code mode}), which the
 * table's key leaves out. Several rows of one run with one key (the executors of a latency run)
 * count as their median.
 */
public final class CompareJob {
  private CompareJob() {}

  /** The job's name in the {@code runs} table. */
  public static final String JOB = "compare";
  /** The tables a comparison can join. */
  public static final List<String> TABLES = List.of(Tables.ACCURACY, Tables.LATENCY,
      Tables.PROMPT_EVAL);
  /** The metrics compared when none are given. */
  public static final Map<String, List<String>> DEFAULT_METRICS = Map.of(
      Tables.ACCURACY, List.of("max_abs_err", "rmse", "max_rel_err", "snr_db", "cos_sim"),
      Tables.LATENCY, List.of("ns_per_elem_p50", "ns_per_elem_p99", "elems_per_s"),
      Tables.PROMPT_EVAL, List.of("exact_match", "mean_nll", "mean_kl", "top1_agreement",
          "tokens_per_s"));
  /** Key columns that name where a row ran, not what it measured: not part of the join. */
  static final Map<String, List<String>> PLACEMENT = Map.of(
      Tables.ACCURACY, List.of("impl"),
      Tables.LATENCY, List.of("host", "executor_id"));
  /** Columns that tell latency rows of a benchmark apart beyond the table's key. */
  static final List<String> LATENCY_DETAIL = List.of("scope", "shape", "tokens", "stage", "mode");
  /** A run by its place: the latest with rows to compare, or the one before the candidate. */
  public static final String LATEST = "latest";
  public static final String PREVIOUS = "previous";

  /** The status of a comparison row. */
  public static final String OK = "ok";
  public static final String REGRESSED = "regressed";
  public static final String ONLY_BASELINE = "only_baseline";
  public static final String ONLY_CANDIDATE = "only_candidate";

  /**
   * What to compare.
   *
   * @param metrics the metrics repository
   * @param baseline a run id or {@code previous}
   * @param candidate a run id or {@code latest}
   * @param table one of {@link #TABLES}, or null for the one both runs have
   * @param metricNames numeric columns to compare, or empty for {@link #DEFAULT_METRICS}
   */
  public record Options(String metrics, String baseline, String candidate, String table,
      List<String> metricNames, List<Gate> gates, RunId runId) {
    public Options {
      metricNames = List.copyOf(metricNames);
      gates = List.copyOf(gates);
      if (table != null && !TABLES.contains(table)) {
        throw AblateException.badInput("--table %s: compare joins one of %s", table,
            String.join(", ", TABLES));
      }
      if (candidate.trim().equals(PREVIOUS)) {
        throw AblateException.badInput("--candidate previous: 'previous' is for the baseline; "
            + "give the candidate as a run id or latest");
      }
    }
  }

  /**
   * One (key, metric) of the comparison: a row of the {@code comparisons} table.
   *
   * @param baselineValue null when the row is in the candidate only or the value is missing
   * @param candidateValue null when the row is in the baseline only or the value is missing
   * @param gate the gates the row missed, separated by "; ", or null
   */
  public record Comparison(String subject, String key, String metric, Double baselineValue,
      Double candidateValue, Double delta, Double ratio, String status, String gate) {
    Row toRow(String baseline, String candidate, String table) {
      return RowFactory.create(baseline, candidate, table, subject, key, metric, baselineValue,
          candidateValue, delta, ratio, status, gate);
    }
  }

  /** What ran: the two runs, the table, the rows (regressions first) and the gates' checks. */
  public record Result(RunId runId, String metrics, String baseline, String candidate,
      String table, List<String> compared, List<Comparison> rows, GateResults gates) {
    public long count(String status) {
      return rows.stream().filter(r -> r.status().equals(status)).count();
    }
  }

  /** Runs the job without a Spark session: it reads and writes kilobytes of files. */
  public static Result run(Configuration conf, Options o, JobListener listener) {
    MetricsRepository repo = MetricsRepository.open(conf, o.metrics());
    Runs runs = new Runs(repo, o.table());
    RunRecord candidate = runs.resolve(o.candidate(), null);
    RunRecord baseline = runs.resolve(o.baseline(), candidate);
    String table = o.table() != null ? o.table() : runs.common(baseline, candidate);
    List<String> columns = Gates.metricColumns(table, Tables.schema(table));
    Set<String> compared = new LinkedHashSet<>();
    for (String m : o.metricNames().isEmpty() ? DEFAULT_METRICS.get(table) : o.metricNames()) {
      if (!columns.contains(m.trim())) {
        throw AblateException.badInput("--metric %s is not a numeric column of %s; valid: %s",
            m.trim(), table, String.join(", ", columns));
      }
      compared.add(m.trim());
    }
    String subjectColumn = subjectColumn(table);
    List<String> keyColumns = keyColumns(table, subjectColumn);
    Map<List<Object>, List<Row>> before = byKey(repo.rowsOfRuns(table, List.of(baseline)).rows(),
        subjectColumn, keyColumns);
    Map<List<Object>, List<Row>> after = byKey(repo.rowsOfRuns(table, List.of(candidate)).rows(),
        subjectColumn, keyColumns);
    Set<String> subjects = new TreeSet<>();
    before.keySet().forEach(k -> subjects.add((String) k.get(0)));
    after.keySet().forEach(k -> subjects.add((String) k.get(0)));
    Gates gates = gates(o.gates(), table, subjects);
    compared.addAll(gates.columns()); // a gate's metric is compared, asked for or not

    String b = baseline.runId().value();
    String c = candidate.runId().value();
    Comparisons comparisons = compare(before, after, List.copyOf(compared), keyColumns, gates);
    RunArgs args = new RunArgs().put("baseline", b).put("candidate", c).put("table", table)
        .put("metric", String.join(",", compared));
    if (!gates.isEmpty()) {
      args.put("gate", gates.text());
    }
    RunRecord record = RunRecord.startWithoutSpark(o.runId(), JOB, args.json(), o.metrics(), "");
    listener.runStarted(o.runId().value(), String.format("baseline %s, candidate %s (table %s, "
        + "metrics %s)", b, c, table, String.join(", ", compared)));
    return RunLifecycle.inRun(repo, record, run -> {
      run.write(Tables.COMPARISONS, Tables.COMPARISONS_SCHEMA,
          comparisons.rows().stream().map(r -> r.toRow(b, c, table)).toList());
      if (!gates.isEmpty()) {
        run.write(Tables.GATES, Tables.GATES_SCHEMA, comparisons.gates().rows());
      }
      return new Result(o.runId(), o.metrics(), b, c, table, List.copyOf(compared),
          comparisons.rows(), comparisons.gates());
    }, r -> r.gates().tripped() ? AblateException.Kind.GATE_TRIPPED.exitCode() : 0);
  }

  /**
   * {@code gates} bound to the joined rows of {@code table}: a metric is X (a numeric column: the
   * candidate's value), X_delta or X_ratio; a subject one of {@code subjects} (variants in any
   * spelling the catalogue reads; variant configs as written). Bad input otherwise.
   */
  public static Gates gates(List<Gate> gates, String table, Collection<String> subjects) {
    return Gates.bind(gates, Tables.COMPARISONS, Gates.metricColumns(table, Tables.schema(table)),
        EnumSet.allOf(Metric.Form.class), subjectColumn(table).replace('_', ' '), subjects,
        table.equals(Tables.PROMPT_EVAL) ? String::trim : text -> Catalogue.variant(text).name());
  }

  /** The column that says what a row is about: its variant, or its variant config. */
  static String subjectColumn(String table) {
    return table.equals(Tables.PROMPT_EVAL) ? "variant_config" : "variant";
  }

  /** The join's key columns after the subject: the table's key less placement, plus detail. */
  static List<String> keyColumns(String table, String subjectColumn) {
    List<String> out = new ArrayList<>(Target.otherKeys(table, subjectColumn));
    out.removeAll(PLACEMENT.getOrDefault(table, List.of()));
    if (table.equals(Tables.LATENCY)) {
      out.addAll(LATENCY_DETAIL);
    }
    return out;
  }

  /** A run's rows by key (subject first), in the order read. */
  private static Map<List<Object>, List<Row>> byKey(List<Row> rows, String subjectColumn,
      List<String> keyColumns) {
    Map<List<Object>, List<Row>> out = new LinkedHashMap<>();
    for (Row r : rows) {
      List<Object> key = new ArrayList<>();
      key.add(value(r, subjectColumn));
      keyColumns.forEach(c -> key.add(value(r, c)));
      out.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
    }
    return out;
  }

  /** A column's value, null when the row's schema lacks it (a column added later). */
  private static Object value(Row r, String column) {
    return r.schema().getFieldIndex(column).isDefined() ? r.get(r.fieldIndex(column)) : null;
  }

  private record Comparisons(List<Comparison> rows, GateResults gates) {}

  /** The joined rows, regressions first, and the gates' checks. */
  static Comparisons compare(Map<List<Object>, List<Row>> before,
      Map<List<Object>, List<Row>> after, List<String> metrics, List<String> keyColumns,
      Gates gates) {
    Set<List<Object>> keys = new LinkedHashSet<>(before.keySet());
    keys.addAll(after.keySet());
    List<Target> targets = new ArrayList<>();
    Map<List<Object>, Target> targetOf = new HashMap<>();
    for (List<Object> key : keys) {
      List<Row> b = before.get(key);
      List<Row> c = after.get(key);
      if (b != null && c != null) {
        Map<String, Double> bv = new HashMap<>();
        Map<String, Double> cv = new HashMap<>();
        for (String m : metrics) {
          bv.put(m, median(b, m));
          cv.put(m, median(c, m));
        }
        Target t = new Target((String) key.get(0), Target.keyText(c.get(0), keyColumns), cv, bv);
        targets.add(t);
        targetOf.put(key, t);
      }
    }
    GateResults checks = gates.check(targets);
    // The gates each (subject, key, metric column) missed.
    Map<List<String>, List<String>> missed = new HashMap<>();
    for (GateCheck g : checks.failures()) {
      missed.computeIfAbsent(List.of(g.subject(), g.key(), g.metric().column()),
          k -> new ArrayList<>()).add(g.gate().text());
    }
    List<Comparison> rows = new ArrayList<>();
    for (List<Object> key : keys) {
      Target t = targetOf.get(key);
      List<Row> one = before.containsKey(key) ? before.get(key) : after.get(key);
      String subject = (String) key.get(0);
      String keyText = t != null ? t.key() : Target.keyText(one.get(0), keyColumns);
      for (String m : metrics) {
        if (t == null) {
          boolean baselineOnly = before.containsKey(key);
          Double v = median(one, m);
          rows.add(new Comparison(subject, keyText, m, baselineOnly ? v : null,
              baselineOnly ? null : v, null, null, baselineOnly ? ONLY_BASELINE : ONLY_CANDIDATE,
              null));
        } else {
          Double bv = t.baseline().get(m);
          Double cv = t.values().get(m);
          List<String> gate = missed.get(List.of(subject, keyText, m));
          rows.add(new Comparison(subject, keyText, m, bv, cv, Metric.delta(cv, bv),
              Metric.ratio(cv, bv), gate == null ? OK : REGRESSED,
              gate == null ? null : String.join("; ", gate)));
        }
      }
    }
    List<String> order = List.of(REGRESSED, OK, ONLY_BASELINE, ONLY_CANDIDATE);
    rows.sort(Comparator.comparingInt(r -> order.indexOf(r.status())));
    return new Comparisons(List.copyOf(rows), checks);
  }

  /**
   * The median of a metric over rows (one row: its value), missing values (null, NaN) left out;
   * null when every value is missing.
   */
  static Double median(List<Row> rows, String metric) {
    List<Double> values = new ArrayList<>();
    for (Row r : rows) {
      Object v = value(r, metric);
      if (v instanceof Number n && !Double.isNaN(n.doubleValue())) {
        values.add(n.doubleValue());
      }
    }
    if (values.isEmpty()) {
      return null;
    }
    values.sort(null);
    int n = values.size();
    double m = n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2;
    return Double.isNaN(m) ? null : m; // -Inf and +Inf in the middle: no median
  }

  /**
   * The succeeded runs of a repository that have rows to compare, and how a reference resolves
   * among them: a run id, {@code latest} (the latest by start time) or, for the baseline, {@code
   * previous} (the latest that started before the candidate, of the candidate's job, with a
   * table in common with it).
   */
  private static final class Runs {
    private final MetricsRepository repo;
    private final List<RunRecord> all;
    /** Succeeded runs oldest first, each with the tables of {@link #TABLES} it has rows in. */
    private final Map<RunRecord, Set<String>> comparable = new LinkedHashMap<>();

    Runs(MetricsRepository repo, String table) {
      this.repo = repo;
      this.all = repo.runRecords();
      Map<String, Set<String>> tablesOf = new HashMap<>();
      for (String t : table == null ? TABLES : List.of(table)) {
        if (repo.tables().contains(t)) {
          repo.runIdsWithRows(t).forEach(id -> tablesOf.computeIfAbsent(id,
              x -> new TreeSet<>()).add(t));
        }
      }
      all.stream().filter(r -> r.status() == RunRecord.Status.SUCCEEDED
              && tablesOf.containsKey(r.runId().value()))
          .sorted(Comparator.comparing(RunRecord::startedAt).thenComparing(RunRecord::runId))
          .forEach(r -> comparable.put(r, tablesOf.get(r.runId().value())));
    }

    RunRecord resolve(String ref, RunRecord other) {
      String text = ref.trim();
      List<RunRecord> runs = new ArrayList<>(comparable.keySet());
      if (text.equals(LATEST) || text.equals(PREVIOUS)) {
        RunRecord found = null;
        for (RunRecord r : runs) {
          if (text.equals(LATEST) || (earlier(r, other) && r.job().equals(other.job())
              && comparable.get(r).stream().anyMatch(comparable.get(other)::contains))) {
            found = r;
          }
        }
        if (found == null) {
          throw AblateException.badInput(text.equals(LATEST)
              ? "no succeeded run with rows of %2$s in %1$s" : "no 'previous' run: no succeeded "
              + "%3$s run with rows of %2$s started before run %4$s in %1$s", repo.dir(),
              String.join(" or ", other == null ? tablesWanted() : comparable.get(other)),
              other == null ? "" : other.job(), other == null ? "" : other.runId().value());
        }
        return found;
      }
      RunId id = RunId.of(text);
      RunRecord run = all.stream().filter(r -> r.runId().equals(id)).findFirst()
          .orElseThrow(() -> MetricsRepository.unknownRun(id.value(), repo.dir(), all));
      if (run.status() != RunRecord.Status.SUCCEEDED) {
        throw AblateException.badInput("run %s is a %s %s run: compare reads succeeded runs "
            + "only", id.value(), run.status().text(), run.job());
      }
      if (!comparable.containsKey(run)) {
        throw AblateException.badInput("run %s (a %s run) has no rows of %s", id.value(),
            run.job(), String.join(" or ", tablesWanted()));
      }
      return run;
    }

    private List<String> tablesWanted() {
      Set<String> out = new TreeSet<>();
      comparable.values().forEach(out::addAll);
      return out.isEmpty() ? TABLES : List.copyOf(out);
    }

    /** Whether {@code r} started before {@code other} (ties: by run id), as drift's previous. */
    private static boolean earlier(RunRecord r, RunRecord other) {
      return !r.runId().equals(other.runId()) && (r.startedAt().isBefore(other.startedAt())
          || (r.startedAt().equals(other.startedAt()) && r.runId().compareTo(other.runId()) < 0));
    }

    /** The one table of {@link #TABLES} both runs have rows in; bad input naming them if not. */
    String common(RunRecord baseline, RunRecord candidate) {
      Set<String> both = new TreeSet<>(comparable.get(baseline));
      both.retainAll(comparable.get(candidate));
      if (both.size() == 1) {
        return both.iterator().next();
      }
      throw AblateException.badInput("runs %s (tables %s) and %s (tables %s) have %s: give "
          + "--table", baseline.runId().value(), String.join(", ", comparable.get(baseline)),
          candidate.runId().value(), String.join(", ", comparable.get(candidate)),
          both.isEmpty() ? "no table in common to compare" : "several tables in common");
    }
  }
}

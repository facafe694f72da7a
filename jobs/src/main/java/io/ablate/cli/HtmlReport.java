package io.ablate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ablate.drift.Cdf;
import io.ablate.drift.Thresholds;
import io.ablate.profile.Profile;
import io.ablate.report.Charts;
import io.ablate.report.Scale;
import io.ablate.report.Svg;
import io.ablate.repository.MetricsRepository;
import io.ablate.repository.RunRecord;
import io.ablate.repository.Tables;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;

/**
 * {@code ablate report --format html}: one self-contained page (styles inside, plots drawn as SVG
 * by {@link Charts}, no script, nothing fetched) with a section per table present: accuracy (the
 * error-against-cost trade-off with its Pareto front, a variant × layer SNR heatmap), drift (a key
 * × statistic heatmap coloured by status, the two distributions of every key that warns or
 * alerts), prompt evaluation, latency, comparisons, gates, then every table and the run records,
 * so that nothing in the page is only a picture.
 */
final class HtmlReport {
  private HtmlReport() {}

  /** Rows in a table shown open; longer tables are folded (still in the page). */
  private static final int OPEN_ROWS = 60;
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Tables with a section of plots, in page order; any other table gets its table only. */
  private static final List<String> PLOTTED = List.of(Tables.ACCURACY, Tables.DRIFT,
      Tables.PROMPT_EVAL, Tables.LATENCY, Tables.TRAINING_SUMMARY, Tables.TRAINING,
      Tables.COMPARISONS, Tables.GATES);

  /**
   * What a page shows.
   *
   * @param repo the repository (read again for the rows plots need from other runs: the profiles
   *     a drift run compared, the latency rows that price an accuracy run)
   * @param dir the repository as given
   * @param caption which runs the metric tables hold
   * @param records every run's record
   * @param tables the runs table, then each metric table's rows of the chosen runs
   * @param latencyRun the run whose latency rows price accuracy runs, or null: each run's own,
   *     else the newest run that has any
   */
  record Page(MetricsRepository repo, String dir, String caption, List<RunRecord> records,
      List<ReportWriter.Table> tables, String latencyRun) {}

  static String render(Page page) {
    Map<String, ReportWriter.Table> byName = new LinkedHashMap<>();
    page.tables().forEach(t -> byName.put(t.name(), t));
    StringBuilder body = new StringBuilder();
    List<String[]> nav = new ArrayList<>();
    for (String name : PLOTTED) {
      ReportWriter.Table t = byName.get(name);
      if (t == null || t.rows().isEmpty()) {
        continue;
      }
      String title = title(name);
      nav.add(new String[] {name, title});
      body.append("<section id=\"").append(name).append("\"><h2>").append(title)
          .append("</h2>\n");
      for (Map.Entry<String, List<Row>> run : byRun(t.rows()).entrySet()) {
        body.append("<h3>Run ").append(Svg.esc(run.getKey())).append("</h3>\n");
        switch (name) {
          case Tables.ACCURACY -> accuracy(body, page, run.getKey(), run.getValue());
          case Tables.DRIFT -> drift(body, page, run.getKey(), run.getValue());
          case Tables.PROMPT_EVAL -> promptEval(body, run.getValue());
          case Tables.LATENCY -> latency(body, run.getValue());
          case Tables.COMPARISONS -> comparisons(body, run.getValue());
          case Tables.TRAINING -> training(body, run.getValue());
          case Tables.TRAINING_SUMMARY -> trainingSummary(body, run.getValue());
          default -> { } // gates: the table says it all
        }
      }
      table(body, t);
      body.append("</section>\n");
    }
    List<ReportWriter.Table> others = page.tables().stream()
        .filter(t -> !PLOTTED.contains(t.name()) && !t.name().equals(MetricsRepository.RUNS))
        .toList();
    for (ReportWriter.Table t : others) {
      nav.add(new String[] {t.name(), title(t.name())});
      body.append("<section id=\"").append(Svg.esc(t.name())).append("\"><h2>")
          .append(Svg.esc(title(t.name()))).append("</h2>\n");
      table(body, t);
      body.append("</section>\n");
    }
    ReportWriter.Table runs = byName.get(MetricsRepository.RUNS);
    if (runs != null) {
      nav.add(new String[] {"runs", "Runs"});
      body.append("<section id=\"runs\"><h2>Runs</h2>\n<p>Every run's record: its arguments, "
          + "inputs, versions, status, and the error of a failed run.</p>\n");
      table(body, runs);
      body.append("</section>\n");
    }
    StringBuilder sb = new StringBuilder();
    sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>Ablate report: ").append(Svg.esc(page.dir())).append("</title>\n")
        .append("<style>").append(STYLE).append("</style></head>\n<body>\n<header><h1>Ablate "
            + "report</h1>\n<p>Metrics repository <code>").append(Svg.esc(page.dir()))
        .append("</code>: ").append(Svg.esc(page.caption())).append(" (")
        .append(page.records().size()).append(page.records().size() == 1 ? " run" : " runs")
        .append(" in all). Hover a mark for its values; every plot's rows are in the table below"
            + " it.</p>\n<nav>");
    for (String[] n : nav) {
      sb.append("<a href=\"#").append(Svg.esc(n[0])).append("\">").append(Svg.esc(n[1]))
          .append("</a> ");
    }
    if (nav.isEmpty()) {
      sb.append("(no tables)");
    }
    return sb.append("</nav></header>\n<main>\n").append(body).append("</main>\n</body></html>\n")
        .toString();
  }

  private static final String STYLE = """
      body{font-family:system-ui,sans-serif;margin:0 auto;padding:0 12px;max-width:1100px;\
      color:#222;line-height:1.4}
      h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;margin-top:2em}h3{margin-top:1.5em}
      nav a{margin-right:.8em;white-space:nowrap}
      svg.plot{display:block;max-width:100%;height:auto;margin:.5em 0}
      figure{margin:1em 0}figcaption{font-size:.9em;color:#444}
      .scroll{overflow-x:auto;max-width:100%}
      table{border-collapse:collapse;font-size:.8em;margin:.5em 0}
      th,td{border:1px solid #ddd;padding:2px 6px;text-align:left;white-space:nowrap}
      td.num{text-align:right;font-variant-numeric:tabular-nums}
      tr.fail td,tr.failed td,tr.regressed td,tr.alert td{background:#fde0dc}
      tr.warn td{background:#fff3e0}
      p.note{color:#555;font-size:.9em}
      code{font-size:.95em}
      header p,figcaption,p.note{overflow-wrap:anywhere}
      """;

  private static String title(String table) {
    return switch (table) {
      case Tables.ACCURACY -> "Accuracy";
      case Tables.DRIFT -> "Drift";
      case Tables.PROMPT_EVAL -> "Prompt evaluation";
      case Tables.LATENCY -> "Latency";
      case Tables.COMPARISONS -> "Comparisons";
      case Tables.TRAINING -> "Training curves";
      case Tables.TRAINING_SUMMARY -> "Training sweeps";
      case Tables.GATES -> "Gates";
      case Tables.PROFILES -> "Profiles";
      case Tables.PROMPT_RESULTS -> "Prompt results";
      default -> table;
    };
  }

  // ---- accuracy ----------------------------------------------------------------------------

  /**
   * The trade-off plots (worst-layer SNR and largest error against ns per value, per variant and
   * implementation, Pareto front marked), then the variant × layer SNR heatmap.
   */
  private static void accuracy(StringBuilder sb, Page page, String runId, List<Row> rows) {
    Map<String, List<Row>> byReference = group(rows, r -> str(r, "reference"));
    Cost cost = cost(page, runId);
    for (Map.Entry<String, List<Row>> ref : byReference.entrySet()) {
      // A variant is as good as its worst layer.
      Map<String, double[]> worst = new LinkedHashMap<>(); // variant -> {min snr, max abs err}
      for (Row r : ref.getValue()) {
        worst.merge(str(r, "variant"), new double[] {dbl(r, "snr_db"), dbl(r, "max_abs_err")},
            (a, b) -> new double[] {minNaN(a[0], b[0]), maxNaN(a[1], b[1])});
      }
      String against = "reference " + ref.getKey() + " (float64)";
      List<Charts.Point> snr = new ArrayList<>();
      List<Charts.Point> err = new ArrayList<>();
      List<String> unpriced = new ArrayList<>();
      List<String> noValue = new ArrayList<>();
      worst.forEach((variant, w) -> {
        Map<String, Double> byImpl = cost.of(variant);
        if (Double.isNaN(w[0]) || Double.isNaN(w[1])) {
          noValue.add(variant); // a layer with nothing to compare: no worst value to plot
        } else if (byImpl.isEmpty()) {
          unpriced.add(variant);
        }
        byImpl.forEach((impl, ns) -> {
          if (!noValue.contains(variant)) {
            snr.add(new Charts.Point(variant, impl, ns, w[0]));
            err.add(new Charts.Point(variant, impl, ns, w[1]));
          }
        });
      });
      if (!noValue.isEmpty()) {
        sb.append("<p class=\"note\">No error value (NaN: no element compared in some layer) "
            + "for ").append(Svg.esc(String.join(", ", noValue))).append(": see the heatmap and "
            + "the table.</p>\n");
      }
      if (!snr.isEmpty()) {
        Scale x = Scale.log(snr.stream().mapToDouble(Charts.Point::x).toArray());
        figure(sb, Charts.scatter("SNR against cost, " + against, "cost (ns per value, p50)", x,
            "worst-layer SNR (dB)", Scale.linear(snr.stream().mapToDouble(Charts.Point::y)
                .toArray()), snr, Charts.paretoFront(snr, true)),
            "Error against cost, " + against + ": each variant's lowest SNR over its layers "
                + "(higher is better) against its kernel's median ns per value, per "
                + "implementation, from the latency rows of " + cost.source() + ". The dashed "
                + "line is the Pareto "
                + "front: the variants no other variant beats on both.");
        figure(sb, Charts.scatter("Largest error against cost, " + against,
            "cost (ns per value, p50)", x, "max |error| (log)", Scale.log(err.stream()
                .mapToDouble(Charts.Point::y).toArray()), err, Charts.paretoFront(err, false)),
            "The same variants: the largest absolute error over every layer (lower is better; "
                + "a triangle at the bottom is an exact variant, 0 error).");
      }
      if (!unpriced.isEmpty()) {
        sb.append("<p class=\"note\">No latency rows for ").append(Svg.esc(String.join(", ",
            unpriced))).append(" in ").append(Svg.esc(cost.source())).append(": not in the "
            + "trade-off plots. Time the kernels with <code>ablate ablate --latency</code>, or "
            + "choose a run that did with <code>--latency-run</code>.</p>\n");
        List<Charts.Bar> bars = new ArrayList<>();
        unpriced.forEach(v -> bars.add(Charts.Bar.of(v, "worst-layer SNR", worst.get(v)[0])));
        figure(sb, Charts.hbars("Worst-layer SNR " + against, "worst-layer SNR (dB)",
            Scale.linear(withZero(bars)), bars), "Each variant's lowest SNR over its layers "
                + against + " (higher is better).");
      }
      heatmapOfSnr(sb, ref.getKey(), ref.getValue());
    }
  }

  private static void heatmapOfSnr(StringBuilder sb, String reference, List<Row> rows) {
    boolean manyKeys = rows.stream().map(r -> str(r, "model") + "/" + str(r, "checkpoint"))
        .distinct().count() > 1;
    boolean manySites = rows.stream().map(r -> str(r, "site")).distinct().count() > 1;
    Map<String, Map<Integer, Double>> cells = new LinkedHashMap<>();
    Set<Integer> layers = new java.util.TreeSet<>();
    for (Row r : rows) {
      String row = str(r, "variant") + (manySites ? " · " + str(r, "site") : "")
          + (manyKeys ? " · " + str(r, "model") + "/" + str(r, "checkpoint") : "");
      int layer = (Integer) value(r, "layer");
      layers.add(layer);
      cells.computeIfAbsent(row, k -> new TreeMap<>()).merge(layer, dbl(r, "snr_db"),
          HtmlReport::minNaN);
    }
    List<String> names = List.copyOf(cells.keySet());
    List<Integer> cols = List.copyOf(layers);
    double[][] v = new double[names.size()][cols.size()];
    for (int i = 0; i < names.size(); i++) {
      for (int j = 0; j < cols.size(); j++) {
        v[i][j] = cells.get(names.get(i)).getOrDefault(cols.get(j), Double.NaN);
      }
    }
    figure(sb, Charts.heatmap("SNR by variant and layer against " + reference, names,
        cols.stream().map(l -> "layer " + l).toList(), v, "SNR (dB)", true),
        "SNR in dB of each variant in each layer against " + reference
            + " (float64); +∞ is no error at all.");
  }

  /** What an accuracy run's variants cost: ns per value per implementation, and from where. */
  private record Cost(String source, Map<String, Map<String, Double>> byVariant) {
    Map<String, Double> of(String variant) {
      return byVariant.getOrDefault(variant, Map.of());
    }
  }

  private static Cost cost(Page page, String runId) {
    List<String> candidates = new ArrayList<>();
    if (page.latencyRun() != null) {
      candidates.add(page.latencyRun());
    } else {
      candidates.add(runId);
      List<RunRecord> newestFirst = new ArrayList<>(page.records());
      java.util.Collections.reverse(newestFirst);
      newestFirst.forEach(r -> candidates.add(r.runId().value()));
    }
    if (!page.repo().tables().contains(Tables.LATENCY)) {
      return new Cost("this repository (it has no latency table)", Map.of());
    }
    Map<String, List<Row>> latency = byRun(page.repo().rowsOfRuns(Tables.LATENCY,
        page.records().stream().filter(r -> candidates.contains(r.runId().value())).toList())
        .rows());
    for (String id : candidates) {
      List<Row> rows = latency.getOrDefault(id, List.of()).stream()
          .filter(r -> value(r, "ns_per_elem_p50") != null && value(r, "stage") == null).toList();
      if (rows.isEmpty()) {
        continue;
      }
      // Per variant and implementation: the median over executors and batch sizes.
      Map<String, Map<String, List<Double>>> samples = new TreeMap<>();
      for (Row r : rows) {
        samples.computeIfAbsent(str(r, "variant"), k -> new TreeMap<>())
            .computeIfAbsent(str(r, "impl"), k -> new ArrayList<>()).add(dbl(r, "ns_per_elem_p50"));
      }
      Map<String, Map<String, Double>> medians = new TreeMap<>();
      samples.forEach((v, impls) -> impls.forEach((impl, xs) ->
          medians.computeIfAbsent(v, k -> new TreeMap<>()).put(impl, median(xs))));
      return new Cost(id.equals(runId) ? "this run" : "run " + id, medians);
    }
    return new Cost(page.latencyRun() != null ? "run " + page.latencyRun()
        : "this run or any other", Map.of());
  }

  // ---- drift -------------------------------------------------------------------------------

  private static void drift(StringBuilder sb, Page page, String runId, List<Row> rows) {
    Thresholds thresholds = Thresholds.parse(argOf(page, runId, "thresholds"));
    List<String> stats = Thresholds.METRICS.stream().filter(m -> !m.equals("w1")).toList();
    List<String> names = new ArrayList<>();
    double[][] v = new double[rows.size()][stats.size()];
    String[][] status = new String[rows.size()][stats.size()];
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      names.add(driftKey(r));
      for (int j = 0; j < stats.size(); j++) {
        String m = stats.get(j);
        v[i][j] = dbl(r, m);
        status[i][j] = thresholds.judges(m)
            ? thresholds.judge(Map.of(m, v[i][j])).status() : "none";
      }
    }
    Row first = rows.get(0);
    figure(sb, Charts.statusHeatmap("Drift by key and statistic", names, stats, v, status),
        "Drift of " + str(first, "candidate") + " against " + str(first, "baseline")
            + ", per key and statistic, coloured by the threshold of that statistic ("
            + thresholds.text() + "); grey statistics have none.");
    List<Row> flagged = rows.stream().filter(r -> !"ok".equals(str(r, "status"))).toList();
    if (flagged.isEmpty()) {
      sb.append("<p class=\"note\">Every key is ok: no distribution to show.</p>\n");
      return;
    }
    Set<String> runs = new LinkedHashSet<>();
    flagged.forEach(r -> {
      runs.add(runOf(str(r, "baseline")));
      runs.add(runOf(str(r, "candidate")));
    });
    List<RunProfile> withRuns = page.repo().rowsOfRuns(Tables.PROFILES, page.records().stream()
        .filter(r -> runs.contains(r.runId().value())).toList()).rows().stream()
        .map(r -> new RunProfile(str(r, "run_id"), Profile.fromRow(r))).toList();
    for (Row r : flagged) {
      Profile base = find(withRuns, str(r, "baseline"), r);
      Profile cand = find(withRuns, str(r, "candidate"), r);
      if (base == null || cand == null) {
        sb.append("<p class=\"note\">").append(Svg.esc(driftKey(r))).append(": the profiles "
            + "compared are no longer in the repository.</p>\n");
        continue;
      }
      Cdf a = Cdf.of(base.quantiles());
      Cdf b = Cdf.of(cand.quantiles());
      float[] qa = base.quantiles().quantiles(new double[] {0.01, 0.99});
      float[] qb = cand.quantiles().quantiles(new double[] {0.01, 0.99});
      Scale x = Scale.linear(qa[0], qa[1], qb[0], qb[1]);
      figure(sb, Charts.steps("Distributions of " + driftKey(r), "activation value", x,
          "fraction at or below", Scale.linear(0, 1), List.of(
              line("baseline " + str(r, "baseline"), a), line("candidate " + str(r, "candidate"),
                  b))),
          driftKey(r) + ": " + str(r, "status") + " (" + str(r, "reason") + "). CDFs from the "
              + "stored sketches, between the 1% and 99% quantiles of either; outliers: baseline "
              + Svg.num(base.outlierRate()) + ", candidate " + Svg.num(cand.outlierRate())
              + " of values.");
    }
  }

  private record RunProfile(String runId, Profile profile) {}

  private static Profile find(List<RunProfile> profiles, String label, Row key) {
    String run = runOf(label);
    String checkpoint = label.contains("/") ? label.substring(label.indexOf('/') + 1) : null;
    for (RunProfile rp : profiles) {
      Profile p = rp.profile();
      if (rp.runId().equals(run) && p.model().equals(str(key, "model"))
          && p.layer() == (Integer) value(key, "layer") && p.site().equals(str(key, "site"))
          && Objects.equals(p.variant(), value(key, "variant"))
          && (checkpoint == null || checkpoint.equals(p.checkpoint()))) {
        return p;
      }
    }
    return null;
  }

  private static String runOf(String label) {
    int slash = label.indexOf('/');
    return slash < 0 ? label : label.substring(0, slash);
  }

  private static Charts.Line line(String series, Cdf cdf) {
    double[] x = new double[cdf.items().length];
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      x[i] = cdf.items()[i];
      y[i] = (double) cdf.cumulative()[i] / cdf.n();
    }
    return new Charts.Line(series, x, y);
  }

  private static String driftKey(Row r) {
    return str(r, "model") + " layer " + value(r, "layer") + " " + str(r, "site")
        + (value(r, "variant") == null ? "" : " " + str(r, "variant"));
  }

  // ---- prompt evaluation -------------------------------------------------------------------

  private static void promptEval(StringBuilder sb, List<Row> rows) {
    List<Charts.Bar> exact = new ArrayList<>();
    List<Charts.Bar> kl = new ArrayList<>();
    List<Charts.Bar> nll = new ArrayList<>();
    Map<String, Double> baselineNll = new LinkedHashMap<>();
    rows.stream().filter(r -> "baseline".equals(str(r, "variant_config")))
        .forEach(r -> baselineNll.put(str(r, "model") + "|" + str(r, "task"), dbl(r, "mean_nll")));
    for (Row r : rows) {
      String task = "task " + str(r, "task");
      String config = str(r, "variant_config");
      exact.add(Charts.Bar.of(task, config, dbl(r, "exact_match")));
      if (!config.equals("baseline")) {
        kl.add(Charts.Bar.of(task, config, dbl(r, "mean_kl")));
        Double base = baselineNll.get(str(r, "model") + "|" + str(r, "task"));
        if (base != null) {
          nll.add(Charts.Bar.of(task, config, dbl(r, "mean_nll") - base));
        }
      }
    }
    figure(sb, Charts.hbars("Exact match by task and variant config", "exact match (fraction "
        + "of prompts)", Scale.linear(0, 1), exact), "Exact match of the greedy output per task "
            + "(task * is every task), one bar per variant config (higher is better).");
    if (!kl.isEmpty()) {
      // KL spans decades between configs (1e-5 for a close approximation, 1 for relu): log.
      figure(sb, Charts.hbars("Mean KL against the baseline", "mean KL(baseline ‖ config) "
          + "(nats per token, log)", Scale.log(withZero(kl)), kl), "Mean KL divergence of the "
              + "next-token distributions from the baseline's, per task (lower is closer; a "
              + "bar at the left end is 0 or below the axis).");
    }
    if (!nll.isEmpty()) {
      figure(sb, Charts.hbars("NLL against the baseline", "mean NLL − baseline's (nats per "
          + "token)", Scale.linear(withZero(nll)), nll), "Mean negative log-likelihood of the "
              + "answers minus the baseline's, per task: right of zero is worse than the "
              + "baseline.");
    }
  }

  // ---- latency -----------------------------------------------------------------------------

  private static void latency(StringBuilder sb, List<Row> rows) {
    List<Row> timed = rows.stream().filter(r -> value(r, "ns_per_elem_p50") != null).toList();
    boolean manyExecutors = timed.stream().map(r -> str(r, "executor_id")).distinct().count() > 1;
    boolean manyBatches = timed.stream().map(r -> value(r, "batch_elems")).distinct().count() > 1;
    List<Charts.Bar> ns = new ArrayList<>();
    List<Charts.Bar> roofline = new ArrayList<>();
    for (Row r : timed) {
      String what = value(r, "stage") != null
          ? str(r, "shape") + " " + str(r, "stage") + " · " + str(r, "variant")
          : str(r, "variant");
      String category = what + (manyBatches ? " · " + value(r, "batch_elems") : "")
          + (manyExecutors ? " · executor " + str(r, "executor_id") : "");
      double p50 = dbl(r, "ns_per_elem_p50");
      ns.add(new Charts.Bar(category, str(r, "impl"), p50, p50, dbl(r, "ns_per_elem_p99")));
      if (value(r, "roofline_frac") != null) {
        roofline.add(Charts.Bar.of(category, str(r, "impl"), dbl(r, "roofline_frac")));
      }
    }
    if (ns.isEmpty()) {
      return;
    }
    double[] all = ns.stream().flatMapToDouble(b -> Arrays.stream(new double[] {b.value(),
        b.hi()})).toArray();
    figure(sb, Charts.hbars("Nanoseconds per value", "ns per value (p50, whisker to p99; log)",
        Scale.log(all), ns), "Median time per value of each variant and implementation, the "
            + "whisker reaching the 99th percentile of the repetitions (lower is faster).");
    if (!roofline.isEmpty()) {
      figure(sb, Charts.hbars("Fraction of the memory-bandwidth limit", "roofline fraction "
          + "(achieved bytes/s ÷ measured copy bandwidth)", Scale.linear(withZero(roofline)),
          roofline), "How close each kernel comes to the machine's measured streaming "
              + "bandwidth (1 = as fast as a copy of the same bytes).");
    }
  }

  // ---- training sweeps ----------------------------------------------------------------------

  /**
   * Per variant and learning rate (and size, when the sweep has several): the training loss over
   * steps, the mean over seeds.
   */
  private static void training(StringBuilder sb, List<Row> rows) {
    // One value per (variant, lr, seed, step): the step's loss repeats on each layer's row.
    Map<String, TreeMap<Integer, List<Double>>> curves = new TreeMap<>();
    Set<String> seen = new java.util.HashSet<>();
    boolean sized = SweepStats.sized(rows);
    for (Row r : rows) {
      String group = SweepStats.group(r, sized);
      if (seen.add(group + "|" + str(r, "seed") + "|" + str(r, "step"))) {
        curves.computeIfAbsent(group, k -> new TreeMap<>())
            .computeIfAbsent((Integer) value(r, "step"), k -> new ArrayList<>())
            .add(dbl(r, "loss"));
      }
    }
    List<Charts.Line> lines = new ArrayList<>();
    List<Double> all = new ArrayList<>();
    List<Double> steps = new ArrayList<>();
    curves.forEach((name, bySteps) -> {
      double[] x = new double[bySteps.size()];
      double[] y = new double[bySteps.size()];
      int i = 0;
      for (Map.Entry<Integer, List<Double>> e : bySteps.entrySet()) {
        x[i] = e.getKey();
        y[i] = e.getValue().stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        all.add(y[i]);
        steps.add(x[i]);
        i++;
      }
      lines.add(new Charts.Line(name, x, y));
    });
    figure(sb, Charts.steps("Training loss by step", "step", Scale.linear(steps.stream()
        .mapToDouble(Double::doubleValue).toArray()), "training loss (nats per token, log)",
        Scale.log(all.stream().mapToDouble(Double::doubleValue).toArray()), lines),
        "Training loss of each variant and learning rate at the logged steps, the mean over "
            + "its seeds (a diverged seed's curve ends where it diverged).");
  }

  /** Per variant and learning rate: test loss, mean ± sd over seeds as a bar and whisker. */
  private static void trainingSummary(StringBuilder sb, List<Row> rows) {
    Map<String, List<Double>> losses = new LinkedHashMap<>();
    Map<String, Integer> diverged = new LinkedHashMap<>();
    boolean sized = SweepStats.sized(rows);
    for (Row r : rows) {
      String key = SweepStats.group(r, sized);
      losses.computeIfAbsent(key, k -> new ArrayList<>());
      diverged.merge(key, Boolean.TRUE.equals(value(r, "diverged")) ? 1 : 0, Integer::sum);
      double v = dbl(r, "test_loss");
      if (Double.isFinite(v)) {
        losses.get(key).add(v);
      }
    }
    List<Charts.Bar> bars = new ArrayList<>();
    losses.forEach((key, v) -> {
      double mean = v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
      double sd = Math.sqrt(v.stream().mapToDouble(x -> (x - mean) * (x - mean)).sum()
          / Math.max(1, v.size() - 1));
      String label = key + (diverged.get(key) > 0 ? " (" + diverged.get(key) + " diverged)" : "");
      bars.add(v.size() > 1 ? new Charts.Bar(label, "test loss", mean, mean - sd, mean + sd)
          : Charts.Bar.of(label, "test loss", mean));
    });
    double[] range = bars.stream().flatMapToDouble(b -> Arrays.stream(new double[] {b.value(),
        b.lo(), b.hi()})).toArray();
    figure(sb, Charts.hbars("Test loss by variant and learning rate", "test loss (nats per "
        + "token), mean over seeds, whisker ± 1 sd", Scale.linear(range), bars),
        "Mean cross-entropy on the test prompts of each variant and learning rate over its "
            + "seeds that did not diverge (lower is better); the whisker spans one standard "
            + "deviation either side of the mean.");
  }

  // ---- comparisons -------------------------------------------------------------------------

  private static void comparisons(StringBuilder sb, List<Row> rows) {
    Row first = rows.get(0);
    Map<String, List<Row>> byMetric = group(rows, r -> str(r, "table_name") + " · "
        + str(r, "metric"));
    for (Map.Entry<String, List<Row>> m : byMetric.entrySet()) {
      List<Charts.Bar> bars = new ArrayList<>();
      for (Row r : m.getValue()) {
        String key = str(r, "subject") + (value(r, "key") == null || str(r, "key").isEmpty()
            ? "" : " " + str(r, "key"));
        bars.add(Charts.Bar.of(key, str(r, "status"), dbl(r, "delta")));
      }
      figure(sb, Charts.hbars("Change in " + m.getKey(), "candidate − baseline",
          Scale.linear(withZero(bars)), bars), "Change of " + m.getKey() + " from baseline "
              + str(first, "baseline") + " to candidate " + str(first, "candidate")
              + ", per row, coloured by status (rows in one run only have no bar length).");
    }
  }

  // ---- tables and helpers ------------------------------------------------------------------

  /** A table of rows, folded when long; rows of failed runs, gates and alerts marked. */
  private static void table(StringBuilder sb, ReportWriter.Table t) {
    boolean open = t.rows().size() <= OPEN_ROWS;
    sb.append("<details").append(open ? " open" : "").append("><summary>").append(
        Svg.esc(t.caption())).append(": ").append(t.rows().size()).append(t.rows().size() == 1
            ? " row" : " rows").append("</summary>\n<div class=\"scroll\"><table><thead><tr>");
    String[] names = t.schema().fieldNames();
    for (String n : names) {
      sb.append("<th>").append(Svg.esc(n)).append("</th>");
    }
    sb.append("</tr></thead><tbody>\n");
    int statusAt = Arrays.asList(names).indexOf("status");
    for (Row r : t.rows()) {
      Object status = statusAt < 0 ? null : r.get(statusAt);
      sb.append(status == null ? "<tr>" : "<tr class=\"" + Svg.esc(status) + "\">");
      for (int i = 0; i < names.length; i++) {
        Object v = r.get(i);
        sb.append(v instanceof Number ? "<td class=\"num\">" : "<td>")
            .append(Svg.esc(ReportWriter.readable(v))).append("</td>");
      }
      sb.append("</tr>\n");
    }
    sb.append("</tbody></table></div></details>\n");
  }

  private static void figure(StringBuilder sb, String svg, String caption) {
    sb.append("<figure>").append(svg).append("\n<figcaption>").append(Svg.esc(caption))
        .append("</figcaption></figure>\n");
  }

  private static Map<String, List<Row>> byRun(List<Row> rows) {
    return group(rows, r -> str(r, "run_id"));
  }

  private static Map<String, List<Row>> group(List<Row> rows, Function<Row, String> key) {
    return rows.stream().collect(Collectors.groupingBy(key, LinkedHashMap::new,
        Collectors.toList()));
  }

  /** A run's argument from its record's args JSON, or null. */
  private static String argOf(Page page, String runId, String name) {
    for (RunRecord r : page.records()) {
      if (r.runId().value().equals(runId)) {
        try {
          JsonNode v = JSON.readTree(r.args()).get(name);
          return v == null || v.isNull() ? null : v.asText();
        } catch (IOException e) {
          return null;
        }
      }
    }
    return null;
  }

  /** A column's value, or null when the row has no such column (tables written before it). */
  private static Object value(Row r, String column) {
    int i = r.schema() == null ? r.fieldIndex(column)
        : (int) r.schema().getFieldIndex(column).getOrElse(() -> -1);
    return i < 0 ? null : r.get(i);
  }

  private static String str(Row r, String column) {
    Object v = value(r, column);
    return v == null ? "" : v.toString();
  }

  /** A double column; null (no value) as NaN, so it is drawn as missing, never as a number. */
  private static double dbl(Row r, String column) {
    Object v = value(r, column);
    return v == null ? Double.NaN : ((Number) v).doubleValue();
  }

  private static double minNaN(double a, double b) {
    return Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.min(a, b);
  }

  private static double maxNaN(double a, double b) {
    return Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.max(a, b);
  }

  private static double median(List<Double> xs) {
    double[] s = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  /** The bars' values and 0, so that a bar chart's axis starts at zero. */
  private static double[] withZero(List<Charts.Bar> bars) {
    double[] v = new double[bars.size() + 1];
    for (int i = 0; i < bars.size(); i++) {
      v[i] = bars.get(i).value();
    }
    return v;
  }
}

package io.ablate.cli;

import io.ablate.AblateException;
import io.ablate.repository.MetricsRepository;
import io.ablate.repository.RunId;
import io.ablate.repository.Tables;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import io.ablate.repository.RunRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code ablate report}: tables of a metrics repository as Markdown, CSV, JSON Lines or an HTML
 * page with plots ({@link HtmlReport}). Metric
 * tables show the rows of succeeded runs only (as {@link MetricsRepository#read}), of the runs
 * chosen by {@code --runs}; the {@code runs} table lists every run, failed ones included, because
 * it is the index to choose from. The repository's files are read without a Spark session: metric
 * tables are small.
 */
@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
    versionProvider = Cli.Version.class,
    description = "Tables of a metrics repository as Markdown, CSV, JSON Lines or an HTML page "
        + "with plots: the runs table (every run, failed ones included), then every metric table "
        + "for the chosen runs.",
    footer = {"", "Example:",
        "  ablate report --metrics /tmp/metrics --table accuracy --runs latest --format csv",
        "  ablate report --metrics /tmp/metrics --runs all --format html --out report.html"})
final class ReportCommand implements Callable<Integer> {
  private static final String RUN_ID = "run_id";

  @ParentCommand
  Cli cli;

  @Option(names = "--metrics", required = true, paramLabel = "DIR",
      description = "Metrics repository.")
  String dir;

  @Option(names = "--table", paramLabel = "NAME",
      description = "One table (default: runs, then every metric table).")
  String table;

  @Option(names = "--runs", paramLabel = "latest|all|ID,ID", defaultValue = "latest",
      description = "Runs whose metric rows to show (default: ${DEFAULT-VALUE}, the latest "
          + "succeeded run by run id); the runs table lists every run.")
  String runs;

  @Option(names = "--format", paramLabel = "md|csv|json|html", defaultValue = "md",
      description = "Markdown; CSV (one table: give --table); JSON Lines, one object per row with "
          + "a \"table\" field; HTML, one self-contained page with plots (give --out "
          + "FILE.html) (default: ${DEFAULT-VALUE}).")
  String formatName;

  @Option(names = "--latency-run", paramLabel = "ID",
      description = "HTML: the run whose latency rows give the cost axis of the accuracy "
          + "trade-off plots (default: each accuracy run's own, else the newest run with "
          + "latency rows).")
  String latencyRun;

  @Option(names = "--out", paramLabel = "FILE",
      description = "Write the report there instead of to the terminal.")
  String file;

  @Mixin
  SparkOptions sparkOptions;

  @Mixin
  CommonOptions common;

  @Override
  public Integer call() {
    ReportWriter.Format format = ReportWriter.Format.parse(formatName);
    if (format == ReportWriter.Format.CSV && table == null) {
      throw AblateException.badInput("--format csv writes one table: give --table NAME (runs or "
          + "a metric table of %s)", dir);
    }
    if (latencyRun != null && format != ReportWriter.Format.HTML) {
      throw AblateException.badInput("--latency-run prices the HTML report's plots: give "
          + "--format html");
    }
    PrintStream out = cli.console(common).out();
    // A report reads kilobytes: the repository's files directly, without a Spark session.
    MetricsRepository repo = open(Sessions.hadoopConf(
        sparkOptions.settings("local[*]", common.specConfs())), dir);
    List<String> tables = new ArrayList<>(List.of(MetricsRepository.RUNS));
    tables.addAll(repo.tables());
    if (table != null && !tables.contains(table)) {
      throw AblateException.badInput("table '%s' is not in %s; tables: %s", table, dir,
          String.join(", ", tables));
    }
    // Every run's record, read once: the selection and every table's rows come from it.
    MetricsRepository.Table runsTable = repo.runRows();
    List<RunRecord> records = MetricsRepository.records(runsTable);
    Selection selection = select(runs, records, dir);
    List<ReportWriter.Table> report = collectAll(repo, runsTable, records, selection,
        table == null ? tables : List.of(table));
    if (latencyRun != null && records.stream().noneMatch(r -> r.runId().value()
        .equals(RunId.of(latencyRun).value()))) {
      throw AblateException.badInput("--latency-run: run id '%s' is not in %s", latencyRun, dir);
    }
    String text = format == ReportWriter.Format.HTML
        ? HtmlReport.render(new HtmlReport.Page(repo, dir, selection.caption(), records, report,
            latencyRun))
        : ReportWriter.render(format, report);
    if (file == null) {
      out.print(text);
    } else {
      write(Path.of(file), text);
      out.printf("Report written to %s (%s)%n", file, format.name().toLowerCase());
    }
    return 0;
  }

  /** The report's tables: each of {@code names} (runs, or a metric table) for the selection. */
  private static List<ReportWriter.Table> collectAll(MetricsRepository repo,
      MetricsRepository.Table runsTable, List<RunRecord> records, Selection selection,
      List<String> names) {
    List<ReportWriter.Table> report = new ArrayList<>();
    for (String t : names) {
      report.add(collect(t.equals(MetricsRepository.RUNS) ? runsTable
          : repo.rowsOfRuns(t, selection.of(records)), t, selection));
    }
    return report;
  }

  /** The HTML report of every succeeded run of repository {@code dir}, written to {@code out}. */
  static void writeHtml(Configuration conf, String dir, Path out) {
    MetricsRepository repo = open(conf, dir);
    List<String> tables = new ArrayList<>(List.of(MetricsRepository.RUNS));
    tables.addAll(repo.tables());
    MetricsRepository.Table runsTable = repo.runRows();
    List<RunRecord> records = MetricsRepository.records(runsTable);
    Selection selection = select("all", records, dir);
    write(out, HtmlReport.render(new HtmlReport.Page(repo, dir, selection.caption(), records,
        collectAll(repo, runsTable, records, selection, tables), null)));
  }

  /**
   * Writes {@code text} to {@code file} whole or not at all: into a temporary file beside it, then
   * moved over it, so a reader (a browser, a pipeline) never sees half a report.
   */
  static void write(Path file, String text) {
    Path parent = file.toAbsolutePath().getParent();
    Path tmp = null;
    try {
      // Not createTempFile: its owner-only permissions would stay on the report.
      tmp = parent.resolve("." + file.getFileName() + "." + ProcessHandle.current().pid() + "."
          + System.nanoTime() + ".tmp");
      Files.writeString(tmp, text, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE_NEW,
          java.nio.file.StandardOpenOption.WRITE);
      Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw AblateException.badInput("cannot write --out %s: %s", file, e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // nothing left to lose: the report is either in place or the error is on its way
        }
      }
    }
  }

  /** The repository, which must exist and have a runs table (reading creates nothing). */
  private static MetricsRepository open(Configuration conf, String dir) {
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(dir);
    try {
      FileSystem fs = path.getFileSystem(conf);
      if (!fs.exists(path)) {
        throw AblateException.badInput("metrics directory %s does not exist", dir);
      }
      if (!fs.exists(new org.apache.hadoop.fs.Path(path, MetricsRepository.RUNS))) {
        throw AblateException.badInput("%s is not a metrics repository: it has no runs table",
            dir);
      }
    } catch (IOException e) {
      throw AblateException.badInput("cannot read metrics directory %s: %s", dir, e);
    }
    return MetricsRepository.open(conf, dir);
  }

  /**
   * The runs whose metric rows to show.
   *
   * @param ids the run ids, or null for every succeeded run
   * @param caption what the selection is, for Markdown headings
   */
  record Selection(List<String> ids, String caption) {
    /** The chosen runs' records among {@code runs}. */
    List<RunRecord> of(List<RunRecord> runs) {
      return ids == null ? runs
          : runs.stream().filter(r -> ids.contains(r.runId().value())).toList();
    }
  }

  /** The runs {@code spec} chooses among {@code runs} (every run's record, sorted by id). */
  static Selection select(String spec, List<RunRecord> runs, String dir) {
    if (spec.equals("all")) {
      return new Selection(null, "all succeeded runs");
    } else if (spec.equals("latest")) {
      String latest = null;
      for (RunRecord r : runs) {
        if (r.status() == RunRecord.Status.SUCCEEDED) {
          latest = r.runId().value(); // sorted by id: the last one wins
        }
      }
      return latest == null ? new Selection(List.of(), "no succeeded run")
          : new Selection(List.of(latest), "latest succeeded run " + latest);
    }
    List<String> known = new ArrayList<>();
    runs.forEach(r -> known.add(r.runId().value()));
    Set<String> ids = new LinkedHashSet<>();
    for (String s : spec.split(",")) {
      if (s.isBlank()) {
        continue;
      }
      String id = RunId.of(s.trim()).value();
      if (!known.contains(id)) {
        throw MetricsRepository.unknownRun(id, dir, runs);
      }
      ids.add(id);
    }
    if (ids.isEmpty()) {
      throw AblateException.badInput("--runs '%s' names no run: give latest, all or run ids "
          + "separated by ','", spec);
    }
    return new Selection(List.copyOf(ids), (ids.size() == 1 ? "run " : "runs ")
        + String.join(", ", ids));
  }

  /** One table's rows, run_id first, sorted by the key columns and then every other column. */
  static ReportWriter.Table collect(MetricsRepository.Table read, String table,
      Selection selection) {
    boolean runs = table.equals(MetricsRepository.RUNS);
    StructType in = read.schema();
    List<String> columns = new ArrayList<>(List.of(RUN_ID));
    for (String c : in.fieldNames()) {
      if (!c.equals(RUN_ID)) {
        columns.add(c);
      }
    }
    StructType schema = new StructType(columns.stream().map(c -> in.apply(c))
        .toArray(StructField[]::new));
    int[] from = columns.stream().mapToInt(in::fieldIndex).toArray();
    List<Row> rows = new ArrayList<>();
    for (Row r : read.rows()) {
      Object[] values = new Object[from.length];
      for (int i = 0; i < from.length; i++) {
        values[i] = r.get(from[i]);
      }
      rows.add(new GenericRowWithSchema(values, schema));
    }
    List<Integer> sortBy = new ArrayList<>();
    for (String key : Tables.KEYS.getOrDefault(table, List.of(RUN_ID))) {
      if (columns.contains(key)) {
        sortBy.add(columns.indexOf(key));
      }
    }
    // Then the other columns, so that even rows with equal keys come out in one order.
    for (int i = 0; i < columns.size(); i++) {
      if (!sortBy.contains(i) && RowOrder.orderable(schema.fields()[i].dataType())) {
        sortBy.add(i);
      }
    }
    rows.sort(RowOrder.by(sortBy));
    String caption = runs ? table + " (every run)" : table + " (" + selection.caption() + ")";
    return new ReportWriter.Table(table, caption, schema, rows);
  }
}

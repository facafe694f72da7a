package io.ablate.cli;

import static org.apache.spark.sql.functions.col;

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
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code ablate report}: tables of a metrics repository as Markdown, CSV or JSON Lines. Metric
 * tables show the rows of succeeded runs only (as {@link MetricsRepository#read}), of the runs
 * chosen by {@code --runs}; the {@code runs} table lists every run, failed ones included, because
 * it is the index to choose from. Rows are collected to the driver: metric tables are small.
 */
@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
    versionProvider = Cli.Version.class,
    description = "Tables of a metrics repository as Markdown, CSV or JSON Lines: the runs table "
        + "(every run, failed ones included), then every metric table for the chosen runs.",
    footer = {"", "Example:",
        "  ablate report --metrics /tmp/metrics --table accuracy --runs latest --format csv"})
final class ReportCommand implements Callable<Integer> {
  private static final String RUN_ID = "run_id";
  /** How many run ids an error message lists. */
  private static final int LISTED = 5;

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

  @Option(names = "--format", paramLabel = "md|csv|json", defaultValue = "md",
      description = "Markdown; CSV (one table: give --table); JSON Lines, one object per row with "
          + "a \"table\" field (default: ${DEFAULT-VALUE}).")
  String formatName;

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
    Sessions.Settings settings = sparkOptions.settings("local[*]", common.specConfs());
    PrintStream out = cli.console(common).out();
    SparkSession spark = Sessions.create("report", settings);
    try {
      MetricsRepository repo = open(spark, dir);
      List<String> tables = new ArrayList<>(List.of(MetricsRepository.RUNS));
      tables.addAll(repo.tables());
      if (table != null && !tables.contains(table)) {
        throw AblateException.badInput("table '%s' is not in %s; tables: %s", table, dir,
            String.join(", ", tables));
      }
      Selection selection = select(runs, repo, dir);
      List<ReportWriter.Table> report = new ArrayList<>();
      for (String t : table == null ? tables : List.of(table)) {
        report.add(collect(repo, t, selection));
      }
      String text = ReportWriter.render(format, report);
      if (file == null) {
        out.print(text);
      } else {
        try {
          Files.writeString(Path.of(file), text, StandardCharsets.UTF_8);
        } catch (IOException e) {
          throw AblateException.badInput("cannot write --out %s: %s", file, e);
        }
        out.printf("Report written to %s (%s)%n", file, format.name().toLowerCase());
      }
      return 0;
    } finally {
      spark.stop();
    }
  }

  /** The repository, which must exist and have a runs table (reading creates nothing). */
  private static MetricsRepository open(SparkSession spark, String dir) {
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(dir);
    try {
      FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
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
    return MetricsRepository.open(spark, dir);
  }

  /**
   * The runs whose metric rows to show.
   *
   * @param ids the run ids, or null for every succeeded run
   * @param caption what the selection is, for Markdown headings
   */
  record Selection(List<String> ids, String caption) {}

  static Selection select(String spec, MetricsRepository repo, String dir) {
    List<Row> runs = repo.runs().select(RUN_ID, "status").orderBy(RUN_ID).collectAsList();
    if (spec.equals("all")) {
      return new Selection(null, "all succeeded runs");
    } else if (spec.equals("latest")) {
      String latest = null;
      for (Row r : runs) {
        if ("succeeded".equals(r.getString(1))) {
          latest = r.getString(0); // sorted by id: the last one wins
        }
      }
      return latest == null ? new Selection(List.of(), "no succeeded run")
          : new Selection(List.of(latest), "latest succeeded run " + latest);
    }
    List<String> known = new ArrayList<>();
    runs.forEach(r -> known.add(r.getString(0)));
    Set<String> ids = new LinkedHashSet<>();
    for (String s : spec.split(",")) {
      if (s.isBlank()) {
        continue;
      }
      String id = RunId.of(s.trim()).value();
      if (!known.contains(id)) {
        List<String> newest = known.subList(Math.max(0, known.size() - LISTED), known.size());
        throw AblateException.badInput("run id '%s' is not in %s; newest runs: %s (%d in all; "
            + "'ablate report --metrics %s --table runs' lists them)", id, dir,
            newest.isEmpty() ? "none" : String.join(", ", newest), known.size(), dir);
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
  static ReportWriter.Table collect(MetricsRepository repo, String table, Selection selection) {
    boolean runs = table.equals(MetricsRepository.RUNS);
    Dataset<Row> rows = repo.read(table);
    if (!runs && selection.ids() != null) {
      rows = rows.where(col(RUN_ID).isin(selection.ids().toArray()));
    }
    List<String> columns = new ArrayList<>(List.of(RUN_ID));
    for (String c : rows.columns()) {
      if (!c.equals(RUN_ID)) {
        columns.add(c);
      }
    }
    Set<String> sortBy = new LinkedHashSet<>();
    for (String key : Tables.KEYS.getOrDefault(table, List.of(RUN_ID))) {
      if (columns.contains(key)) {
        sortBy.add(key);
      }
    }
    // Then the other columns, so that even rows with equal keys come out in one order.
    for (StructField f : rows.schema().fields()) {
      if (orderable(f.dataType())) {
        sortBy.add(f.name());
      }
    }
    Dataset<Row> ordered = rows.select(columns.stream().map(c -> col(c)).toArray(Column[]::new))
        .orderBy(sortBy.stream().map(c -> col(c)).toArray(Column[]::new));
    String caption = runs ? table + " (every run)" : table + " (" + selection.caption() + ")";
    return new ReportWriter.Table(table, caption, ordered.schema(), ordered.collectAsList());
  }

  private static boolean orderable(DataType t) {
    return t instanceof NumericType || t instanceof StringType || t instanceof BooleanType
        || t instanceof DateType || t instanceof TimestampType || t instanceof TimestampNTZType
        || t instanceof BinaryType;
  }
}

package io.ablate.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ablate.AblateException;
import io.ablate.job.JobListener;
import io.ablate.repository.MetricsRepository;
import io.ablate.repository.RunId;
import io.ablate.repository.RunRecord;
import io.ablate.repository.Tables;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Option;

/**
 * {@code --output-json FILE}, the option of every command that makes runs: once the command ends,
 * one JSON document of each run it made (its record, and its rows of every metric table), for a
 * pipeline to read instead of the terminal's tables. The rows are read back from the repository
 * by run id, without Spark, so the document holds what landed and every command writes it the
 * same way; values are written as {@code ablate report --format json} writes them. The layout is
 * the JSON Schema {@code src/site/resources/schemas/results.schema.json}.
 *
 * <p>The file is written whenever a run began, also when the command then fails (the run's record
 * says failed and why; {@code exit_code} is the code the command exits with); a command that
 * fails before any run begins writes none. It is written to a temporary file in the same
 * directory, then moved over {@code FILE} in one step, so a reader sees the old file or the whole
 * new one.
 */
final class ResultsFile {
  /** The document's layout version: a change that breaks readers increments it. */
  static final int SCHEMA_VERSION = 1;
  /** Tables of thousands of rows a run (per prompt, per training step): counted, not listed. */
  static final Set<String> COUNTED = Set.of(Tables.PROMPT_RESULTS, Tables.TRAINING);
  /** The runs columns that hold JSON objects, written as objects. */
  private static final Set<String> JSON_COLUMNS = Set.of("args", "settings");
  private static final String OPTION = "--output-json";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = OPTION, paramLabel = "FILE",
      description = "Also write the runs this command made, each with its record and rows, as "
          + "one JSON document (contracts.md, Results file); written once a run began, even if "
          + "it then failed. Its directory must exist.")
  String file;

  /** A command's work: it makes runs, each announced to {@code listener} as it begins. */
  @FunctionalInterface
  interface Work {
    /** Does the work; returns the exit code. */
    int run(JobListener listener) throws Exception;
  }

  /**
   * Runs {@code work}, which makes runs in the repository {@code metrics}, with {@code listener}
   * told of them; with {@code --output-json}, checks the file's directory first (bad input) and
   * writes the file when the work ends, also when it throws (then with the exit code the command
   * ends with, and the exception rethrown).
   *
   * @param settings the command's Spark settings: the file system's ({@code spark.hadoop.*})
   * @return the work's exit code
   */
  int run(CommonOptions common, String metrics, Sessions.Settings settings,
      JobListener listener, Work work) throws Exception {
    if (file == null) {
      return work.run(listener);
    }
    Path target = checkedTarget(common, metrics);
    // A record started before this instant is an earlier run of a reused id, not this command's.
    Instant since = Instant.now().truncatedTo(ChronoUnit.MICROS);
    List<RunId> began = new ArrayList<>();
    JobListener tracking = new JobListener() {
      @Override
      public void runStarted(String runId, String description) {
        began.add(RunId.of(runId));
        listener.runStarted(runId, description);
      }

      @Override
      public void phase(String description) {
        listener.phase(description);
      }
    };
    String command = common.command.name();
    int code;
    try {
      code = work.run(tracking);
    } catch (Exception e) {
      try {
        write(target, command, AblateException.exitCodeOf(e), settings, metrics, began, since);
      } catch (RuntimeException w) {
        e.addSuppressed(w);
      }
      throw e;
    }
    write(target, command, code, settings, metrics, began, since);
    return code;
  }

  /** {@link #write(Path, String, int, MetricsRepository, List, Instant)} if a run began. */
  private static void write(Path target, String command, int exitCode,
      Sessions.Settings settings, String metrics, List<RunId> began, Instant since) {
    if (!began.isEmpty()) {
      // Without Spark: the command's session, if it had one, has stopped.
      write(target, command, exitCode,
          MetricsRepository.open(Sessions.hadoopConf(settings), metrics), began, since);
    }
  }

  /** The file to write, once its directory is known to exist. */
  private Path checkedTarget(CommonOptions common, String metrics) {
    if (metrics == null) {
      throw AblateException.badInput("%s needs --metrics: the file reports the runs recorded "
          + "there%s", OPTION, common.origin(OPTION));
    }
    Path target = Path.of(file).toAbsolutePath();
    Path dir = target.getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw AblateException.badInput("%s %s: directory %s does not exist%s", OPTION, file, dir,
          common.origin(OPTION));
    }
    if (Files.isDirectory(target)) {
      throw AblateException.badInput("%s %s is a directory: give a file name%s", OPTION, file,
          common.origin(OPTION));
    }
    return target;
  }

  /**
   * Writes the document of the runs in {@code began} (in that order) that started at {@code since}
   * or later; with none, no file.
   */
  static void write(Path target, String command, int exitCode, MetricsRepository repo,
      List<RunId> began, Instant since) {
    List<MetricsRepository.Table> records = new ArrayList<>();
    for (RunId id : began) {
      MetricsRepository.Table record = repo.rows(MetricsRepository.RUNS, Set.of(id.value()));
      if (!record.rows().isEmpty()
          && !MetricsRepository.records(record).get(0).startedAt().isBefore(since)) {
        records.add(record);
      }
    }
    if (records.isEmpty()) {
      return;
    }
    Path tmp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID()
        + ".tmp");
    try {
      try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW);
          JsonGenerator g = JSON.getFactory().createGenerator(out)) {
        g.useDefaultPrettyPrinter();
        g.writeStartObject();
        g.writeNumberField("schema_version", SCHEMA_VERSION);
        g.writeStringField("command", command);
        g.writeNumberField("exit_code", exitCode);
        g.writeStringField("metrics", repo.dir());
        g.writeArrayFieldStart("runs");
        for (MetricsRepository.Table record : records) {
          run(g, repo, record);
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw AblateException.badInput("cannot write %s %s: %s", OPTION, target, e);
    } finally {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException e) {
        // Left behind only if the file system refuses a delete; it is hidden (a leading '.').
      }
    }
  }

  /** One run: its record, its rows of each metric table it has rows in, its gate checks. */
  private static void run(JsonGenerator g, MetricsRepository repo, MetricsRepository.Table runs)
      throws IOException {
    RunRecord record = MetricsRepository.records(runs).get(0);
    RunId id = record.runId();
    ReportCommand.Selection selection = new ReportCommand.Selection(List.of(id.value()),
        "run " + id.value());
    g.writeStartObject();
    g.writeFieldName("run");
    row(g, ReportCommand.collect(runs, MetricsRepository.RUNS, selection), 0);
    ReportWriter.Table gates = null;
    g.writeObjectFieldStart("tables");
    for (String name : repo.tables()) {
      ReportWriter.Table t = ReportCommand.collect(repo.rowsOfRuns(name, List.of(record)), name,
          selection);
      if (t.rows().isEmpty()) {
        continue; // the run wrote nothing there
      } else if (name.equals(Tables.GATES)) {
        gates = t;
        continue;
      }
      g.writeObjectFieldStart(name);
      g.writeStringField("path", repo.location(name, id));
      g.writeNumberField("row_count", t.rows().size());
      if (!COUNTED.contains(name)) {
        g.writeArrayFieldStart("rows");
        for (int i = 0; i < t.rows().size(); i++) {
          row(g, t, i);
        }
        g.writeEndArray();
      }
      g.writeEndObject();
    }
    g.writeEndObject();
    long failed = 0;
    g.writeArrayFieldStart("gates");
    if (gates != null) {
      for (int i = 0; i < gates.rows().size(); i++) {
        row(g, gates, i);
        failed += "fail".equals(gates.rows().get(i).getAs("status")) ? 1 : 0;
      }
    }
    g.writeEndArray();
    g.writeNumberField("gates_failed", failed);
    g.writeEndObject();
  }

  /** Row {@code i} of {@code t} as an object, column by column. */
  private static void row(JsonGenerator g, ReportWriter.Table t, int i) throws IOException {
    Row r = t.rows().get(i);
    String[] names = t.schema().fieldNames();
    boolean runs = t.name().equals(MetricsRepository.RUNS);
    g.writeStartObject();
    for (int c = 0; c < names.length; c++) {
      g.writeFieldName(names[c]);
      if (runs && JSON_COLUMNS.contains(names[c]) && r.get(c) != null) {
        g.writeTree(JSON.readTree(r.getString(c)));
      } else {
        ReportWriter.json(g, r.get(c));
      }
    }
    g.writeEndObject();
  }
}

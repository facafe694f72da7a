package io.ablate.repository;

import io.ablate.AblateException;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.ParquetReadOptions;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The metrics repository: one directory, one Parquet table per sub-directory, each partitioned by
 * {@code run_id}. Analyzers compute; this class only stores and reads, keyed by run (as Deequ's
 * metrics repository).
 *
 * <pre>
 * DIR/runs/run_id=ID/NNNN-attempt.parquet     one record per state change, the latest wins
 * DIR/TABLE/run_id=ID/part-*.parquet          a run's rows of TABLE (run_id is the directory)
 * DIR/_staging/ID-UUID/TABLE/run_id=ID/       rows written but not yet committed
 * </pre>
 *
 * <p>A run is written with {@link #begin}, {@link Run#write} and {@link Run#commit} (see {@link
 * Run} for the order of steps). <b>Atomicity.</b> The only step a reader must not see half-done is
 * the move of staged partitions into the tables, and every such step happens while the run's
 * record says {@code running}. The record turns to {@code succeeded} by one file appearing in the
 * run's {@code runs} partition (a single-file rename: atomic on HDFS and local disks, a single PUT
 * on object stores), and {@link #read} returns only the rows of succeeded runs. So through {@link
 * #read}, a run's metrics appear all at once or not at all, and a re-run of an id hides the old
 * metrics from its {@code begin} until its commit. Limits: a plain {@code spark.read()} of a table
 * directory sees partitions of running and failed runs; a re-run of an id that overlaps a
 * {@link #read} of that id's rows can make the read fail or mix attempts (reads of other ids are
 * unaffected); two attempts of the same id at the same time are not supported (different ids never
 * clash: they use different partition and staging directories). A process killed mid-run leaves
 * its record at {@code running}, hidden from {@link #read}, and its staging directory behind.
 *
 * <p>Records and rows written through {@link Run#write(String, StructType, List)}, and every read,
 * go through the file system alone ({@link ParquetRows}): a repository opened without a Spark
 * session ({@link #open(Configuration, String)}) serves commands that only read or store
 * kilobytes. The files are Spark's own format, so Spark reads the tables as well.
 *
 * <p>The repository is thread-safe; a {@link Run} is used by one thread. Failures of the file
 * system are {@link AblateException}s naming the path; bad table names and run ids are bad input.
 */
public final class MetricsRepository {
  /** The table of run records. */
  public static final String RUNS = "runs";
  /** The directory of uncommitted rows, ignored by Spark when a table is read. */
  static final String STAGING = "_staging";

  private static final Pattern TABLE = Pattern.compile("[a-z][a-z0-9_]{0,63}");

  /** A table's rows, on the driver, and the columns they follow. */
  public record Table(StructType schema, List<Row> rows) {}

  private final SparkSession spark;
  private final Configuration conf;
  private final ParquetReadOptions readOptions;
  private final FileSystem fs;
  private final Path root;

  private MetricsRepository(SparkSession spark, Configuration conf, FileSystem fs, Path root) {
    this.spark = spark;
    this.conf = conf;
    this.readOptions = ParquetRows.readOptions(conf);
    this.fs = fs;
    this.root = root;
  }

  /** The repository in {@code dir} (any Hadoop file system URL); created on the first run. */
  public static MetricsRepository open(SparkSession spark, String dir) {
    return open(spark, spark.sparkContext().hadoopConfiguration(), dir);
  }

  /**
   * The repository in {@code dir} without a Spark session: everything but the {@link Dataset}
   * forms ({@link #read}, {@link #runs}, {@link Run#write(String, Dataset)}).
   */
  public static MetricsRepository open(Configuration conf, String dir) {
    return open(null, conf, dir);
  }

  private static MetricsRepository open(SparkSession spark, Configuration conf, String dir) {
    if (dir == null || dir.isBlank()) {
      throw AblateException.badInput("metrics directory '%s' is empty: give a directory", dir);
    }
    Path path = new Path(dir);
    try {
      FileSystem fs = path.getFileSystem(conf);
      Path root = fs.makeQualified(path);
      if (fs.exists(root) && !fs.getFileStatus(root).isDirectory()) {
        throw AblateException.badInput("metrics directory '%s' is a file, not a directory", dir);
      }
      return new MetricsRepository(spark, conf, fs, root);
    } catch (IOException e) {
      throw io("open metrics directory", path, e);
    }
  }

  /** The repository's directory, fully qualified. */
  public String dir() {
    return root.toString();
  }

  /**
   * Starts a run: writes its record with status {@code running} (replacing any earlier record of
   * the same id, which hides that id's metrics from {@link #read} until this run commits).
   */
  public Run begin(RunRecord record) {
    return new Run(this, record.running());
  }

  /**
   * The rows of {@code table} from succeeded runs only (by each run's latest record), with {@code
   * run_id} as a string column, whatever the ids look like. Columns added by later runs read as
   * null for earlier ones. {@code read("runs")} is {@link #runs()}. The rows are those of {@link
   * #rows(String, Set)}: metric tables are small.
   */
  public Dataset<Row> read(String table) {
    Table t = rows(table, null);
    return spark().createDataFrame(t.rows(), t.schema());
  }

  /**
   * The rows of {@code table}, as {@link #read}, on the driver and without Spark: of the succeeded
   * runs among {@code runIds} (null: every succeeded run), in run id order. {@code runs} is the
   * latest record of each run among {@code runIds}, whatever its status (null: {@link #runRows}).
   */
  public Table rows(String table, Set<String> runIds) {
    if (RUNS.equals(table)) {
      return runIds == null ? runRows() : new Table(RunRecordRows.TABLE_SCHEMA, new TreeSet<>(
          runIds).stream().map(id -> latestRecord(partition(RUNS, RunId.of(id))))
          .filter(Objects::nonNull).toList());
    }
    // The records of the runs asked for only: each is a file to read.
    return rowsOfRuns(table, runIds == null ? runRecords() : runIds.stream().map(RunId::of)
        .map(this::runRecord).flatMap(Optional::stream).toList());
  }

  /**
   * The rows of metric table {@code table} of the succeeded runs among {@code runs}, records the
   * caller has read (a report reads them once for every table), in run id order.
   */
  public Table rowsOfRuns(String table, List<RunRecord> runs) {
    checkTable(table);
    Path dir = new Path(root, table);
    List<String> tables = tables();
    if (!tables.contains(table)) {
      throw AblateException.badInput("metrics table '%s' does not exist in %s; tables there: %s",
          table, root, tables);
    }
    Set<String> succeeded = new TreeSet<>();
    for (RunRecord r : runs) {
      if (r.status() == RunRecord.Status.SUCCEEDED) {
        succeeded.add(r.runId().value());
      }
    }
    Map<String, List<Path>> files = new TreeMap<>();
    List<Path> hidden = new ArrayList<>();
    for (FileStatus s : list(dir)) {
      String name = s.getPath().getName();
      if (s.isDirectory() && name.startsWith(RunRecordRows.RUN_ID + "=")) {
        String id = name.substring(RunRecordRows.RUN_ID.length() + 1);
        if (succeeded.contains(id)) {
          files.put(id, dataFiles(s.getPath()));
        } else {
          hidden.add(s.getPath());
        }
      }
    }
    Map<String, List<Table>> read = new TreeMap<>();
    List<StructType> schemas = new ArrayList<>();
    files.forEach((id, paths) -> {
      List<Table> parts = new ArrayList<>();
      for (Path f : paths) {
        Table t = readFile(f, null);
        parts.add(t);
        schemas.add(t.schema());
      }
      read.put(id, parts);
    });
    if (schemas.isEmpty() && !hidden.isEmpty()) {
      try {
        // No run shows rows: the columns still, from a file of another run if one can tell.
        dataFiles(hidden.get(0)).stream().findFirst()
            .ifPresent(f -> schemas.add(readFile(f, null).schema()));
      } catch (RuntimeException e) {
        // The partition was being replaced or deleted by its run: no columns to show but run_id.
      }
    }
    StructType data = ParquetRows.union(schemas);
    StructType schema = data.add(RunRecordRows.RUN_ID, DataTypes.StringType);
    List<Row> rows = new ArrayList<>();
    read.forEach((id, parts) -> {
      for (Table t : parts) {
        int[] from = Arrays.stream(data.fieldNames())
            .mapToInt(name -> t.schema().getFieldIndex(name).getOrElse(() -> -1)).toArray();
        for (Row r : t.rows()) {
          rows.add(withRunId(r, from, id, schema));
        }
      }
    });
    return new Table(schema, rows);
  }

  /**
   * A row of {@code schema}: {@code r}'s values at the positions {@code from} (-1: null), then the
   * run id, which the files leave to their directory's name.
   */
  private static Row withRunId(Row r, int[] from, String id, StructType schema) {
    Object[] values = new Object[from.length + 1];
    for (int i = 0; i < from.length; i++) {
      values[i] = from[i] < 0 ? null : r.get(from[i]);
    }
    values[from.length] = id;
    return new GenericRowWithSchema(values, schema);
  }

  /** Each run's latest record from the rows of {@link #runRows}. */
  public static List<RunRecord> records(Table runs) {
    return runs.rows().stream().map(RunRecordRows::fromTableRow).toList();
  }

  /**
   * Every run's latest record: the {@code runs} columns, {@code updated_at} (when the record was
   * written) and {@code run_id} (string). Running and failed runs included.
   */
  public Dataset<Row> runs() {
    Table t = runRows();
    return spark().createDataFrame(t.rows(), t.schema());
  }

  /** {@link #runs()} on the driver, without Spark, in run id order. */
  public Table runRows() {
    List<Row> rows = new ArrayList<>();
    for (FileStatus s : list(new Path(root, RUNS))) {
      String name = s.getPath().getName();
      if (s.isDirectory() && name.startsWith(RunRecordRows.RUN_ID + "=")) {
        Row latest = latestRecord(s.getPath());
        if (latest != null) {
          rows.add(latest);
        }
      }
    }
    rows.sort(Comparator.comparing(r -> r.<String>getAs(RunRecordRows.RUN_ID)));
    return new Table(RunRecordRows.TABLE_SCHEMA, rows);
  }

  /**
   * The latest record in a run's partition: the file whose name sorts last (names begin with the
   * record's time). A file deleted between listing and reading was replaced by a newer one: list
   * again.
   */
  private Row latestRecord(Path partition) {
    String id = partition.getName().substring(RunRecordRows.RUN_ID.length() + 1);
    for (int attempt = 0; ; attempt++) {
      List<Path> files = dataFiles(partition);
      if (files.isEmpty()) {
        return null;
      }
      Path last = files.get(files.size() - 1);
      try {
        List<Row> rows = ParquetRows.read(conf, readOptions, last, RunRecordRows.FILE_SCHEMA)
            .rows();
        if (rows.isEmpty()) {
          return null;
        }
        return withRunId(rows.get(0), IntStream.range(0, RunRecordRows.FILE_SCHEMA.size())
            .toArray(), id, RunRecordRows.TABLE_SCHEMA);
      } catch (java.io.FileNotFoundException e) {
        if (attempt >= 2) {
          throw io("read the run record", last, e);
        }
      } catch (IOException e) {
        throw io("read the run record", last, e);
      }
    }
  }

  /** Every run's latest record, on the driver, sorted by run id. */
  public List<RunRecord> runRecords() {
    return records(runRows());
  }

  /** The latest record of one run, if it has any. */
  public Optional<RunRecord> runRecord(RunId id) {
    Row r = latestRecord(partition(RUNS, id));
    return r == null ? Optional.empty() : Optional.of(RunRecordRows.fromTableRow(r));
  }

  /**
   * Ends the JVM at once, as {@code kill -9} would (no shutdown hook, no cleanup), when the system
   * property {@code ablate.fault.halt} names {@code point}: how the cluster test kills a driver at
   * an exact step of a commit rather than after a guessed delay.
   */
  private static void haltAt(String point) {
    if (point.equals(System.getProperty("ablate.fault.halt"))) {
      Runtime.getRuntime().halt(137);
    }
  }

  /**
   * The ids of the runs with a partition in metric table {@code table} (of any status: use their
   * records to tell), from the directory listing alone.
   */
  public Set<String> runIdsWithRows(String table) {
    checkTable(table);
    Set<String> out = new TreeSet<>();
    for (FileStatus s : list(new Path(root, table))) {
      String name = s.getPath().getName();
      if (s.isDirectory() && name.startsWith(RunRecordRows.RUN_ID + "=")) {
        out.add(name.substring(RunRecordRows.RUN_ID.length() + 1));
      }
    }
    return out;
  }

  /** How many run ids {@link #unknownRun} lists. */
  private static final int LISTED = 5;

  /**
   * Bad input for a run id that is not among {@code runs} (every run's record of the repository
   * {@code dir}, sorted by id): names the newest runs and how to list them all.
   */
  public static AblateException unknownRun(String id, String dir, List<RunRecord> runs) {
    List<String> known = runs.stream().map(r -> r.runId().value()).toList();
    List<String> newest = known.subList(Math.max(0, known.size() - LISTED), known.size());
    return AblateException.badInput("run id '%s' is not in %s; newest runs: %s (%d in all; "
        + "'ablate report --metrics %s --table runs' lists them)", id, dir,
        newest.isEmpty() ? "none" : String.join(", ", newest), known.size(), dir);
  }

  /** The names of the metric tables in the repository (not {@code runs}), sorted. */
  public List<String> tables() {
    List<String> out = new ArrayList<>();
    if (exists(root)) {
      for (FileStatus s : list(root)) {
        String name = s.getPath().getName();
        if (s.isDirectory() && !RUNS.equals(name) && TABLE.matcher(name).matches()) {
          out.add(name);
        }
      }
    }
    out.sort(null);
    return out;
  }

  /** The data files of a partition directory (not hidden: no leading '.' or '_'), by name. */
  private List<Path> dataFiles(Path partition) {
    List<Path> out = new ArrayList<>();
    for (FileStatus s : list(partition)) {
      String name = s.getPath().getName();
      if (s.isFile() && !name.startsWith(".") && !name.startsWith("_")) {
        out.add(s.getPath());
      }
    }
    out.sort(null);
    return out;
  }

  /** A file's rows, as {@code schema} or (null) as the file's own columns. */
  private Table readFile(Path file, StructType schema) {
    try {
      return ParquetRows.read(conf, readOptions, file, schema);
    } catch (IOException | RuntimeException e) {
      throw new AblateException(AblateException.Kind.INTERNAL,
          "metrics repository: could not read " + file + ": " + e.getMessage(), e);
    }
  }

  // ---- layout and file system, shared with Run ----

  static void checkTable(String table) {
    if (table == null || !TABLE.matcher(table).matches()) {
      throw AblateException.badInput("metrics table name '%s' is not valid: use 1 to 64 characters "
          + "from a-z 0-9 _, starting with a letter", table);
    }
  }

  /** The session the repository was opened with; the {@link Dataset} forms need one. */
  SparkSession spark() {
    if (spark == null) {
      throw new IllegalStateException("metrics repository " + root + " was opened without a "
          + "Spark session");
    }
    return spark;
  }

  Configuration conf() {
    return conf;
  }

  FileSystem fs() {
    return fs;
  }

  Path root() {
    return root;
  }

  /** Where a run's rows of {@code table} are (or would be): {@code DIR/TABLE/run_id=ID}. */
  public String location(String table, RunId id) {
    return partition(table, id).toString();
  }

  Path partition(String table, RunId id) {
    return new Path(new Path(root, table), RunRecordRows.RUN_ID + "=" + id.value());
  }

  Path stagingRoot() {
    return new Path(root, STAGING);
  }

  boolean exists(Path p) {
    try {
      return fs.exists(p);
    } catch (IOException e) {
      throw io("check", p, e);
    }
  }

  FileStatus[] list(Path dir) {
    try {
      return fs.listStatus(dir);
    } catch (java.io.FileNotFoundException e) {
      return new FileStatus[0];
    } catch (IOException e) {
      throw io("list", dir, e);
    }
  }

  static AblateException io(String what, Path p, IOException e) {
    return new AblateException(AblateException.Kind.INTERNAL,
        "metrics repository: could not " + what + " " + p + ": " + e.getMessage(), e);
  }

  /**
   * One attempt at a run. Steps: {@link MetricsRepository#begin} writes the record ({@code
   * running}); {@link #write} stages rows under {@code _staging/ID-UUID/TABLE/}; {@link #commit}
   * moves each staged table into {@code TABLE/run_id=ID/} (deleting that run's old partition of
   * the table first; other runs and other tables are untouched) and then writes the record {@code
   * succeeded}. {@link #fail} records {@code failed} with the error, deletes the staging directory
   * and every metric partition of the id (its record says failed, so none of them are valid). A
   * run closed without commit or fail becomes failed, so use try-with-resources; to record the
   * real error, catch it and call {@link #fail} before rethrowing:
   *
   * <pre>{@code
   * try (MetricsRepository.Run run = repo.begin(record)) {
   *   try {
   *     run.write("accuracy", accuracy);
   *     run.commit();
   *   } catch (RuntimeException e) {
   *     run.fail(e);
   *     throw e;
   *   }
   * }
   * }</pre>
   */
  public static final class Run implements AutoCloseable {
    private enum State { OPEN, COMMITTED, FAILED }

    private static final int MAX_ERROR = 8000;

    private final MetricsRepository repo;
    private final RunId id;
    private final String attempt = UUID.randomUUID().toString();
    private final Path staging;
    private final Set<String> staged = new LinkedHashSet<>();
    private RunRecord record;
    private State state = State.OPEN;
    private Instant lastUpdate;
    private int tmpSeq;

    private Run(MetricsRepository repo, RunRecord running) {
      this.repo = repo;
      this.id = running.runId();
      this.staging = new Path(repo.stagingRoot(), id.value() + "-" + attempt);
      this.record = running;
      try {
        mkdirs(staging);
        writeRecord(running);
      } catch (RuntimeException e) {
        deleteQuietly(staging);
        throw e;
      }
    }

    /** The run's id. */
    public RunId id() {
      return id;
    }

    /** Replaces the run's args (with a figure only the work finds); written when it commits. */
    public void args(String json) {
      checkOpen("args");
      record = record.withArgs(json);
    }

    /** The run's latest record, as written to the {@code runs} table. */
    public RunRecord record() {
      return record;
    }

    /**
     * Stages {@code rows} for {@code table} (a {@code run_id} column in the rows is replaced by
     * this run's). Several writes to one table in a run add up. Nothing is visible until commit.
     */
    public void write(String table, Dataset<Row> rows) {
      checkOpen("write");
      checkTable(table);
      if (RUNS.equals(table)) {
        throw AblateException.badInput("metrics table name 'runs' is reserved for run records");
      }
      // The partition directory holds run_id, as in the table, so a commit is a rename.
      Path dir = new Path(new Path(staging, table), RunRecordRows.RUN_ID + "=" + id.value());
      rows.drop(RunRecordRows.RUN_ID).write().mode(SaveMode.Append)
          .parquet(dir.toString());
      staged.add(table);
    }

    /**
     * Stages {@code rows} of {@code schema} for {@code table}, as {@link #write(String, Dataset)},
     * from the driver and without Spark: for the small tables jobs compute on the driver.
     */
    public void write(String table, StructType schema, List<Row> rows) {
      checkOpen("write");
      checkTable(table);
      if (RUNS.equals(table)) {
        throw AblateException.badInput("metrics table name 'runs' is reserved for run records");
      }
      Path dir = new Path(new Path(staging, table), RunRecordRows.RUN_ID + "=" + id.value());
      Path file = new Path(dir, String.format(Locale.ROOT, "part-%05d-%s.snappy.parquet",
          tmpSeq++, attempt));
      try {
        mkdirs(dir);
        ParquetRows.write(repo.conf(), file, schema, rows);
      } catch (IOException e) {
        throw io("write rows of table " + table + " to", file, e);
      }
      staged.add(table);
    }

    /**
     * Moves the staged tables into the repository, then records the run as succeeded now. If a
     * step fails, the run is failed (as {@link #fail}) and the error is thrown.
     *
     * @return the final record
     */
    public RunRecord commit() {
      return commit(0);
    }

    /**
     * As {@link #commit()}, recording that the command exits with {@code exitCode} (3 when a gate
     * tripped: the run's metrics are valid and say why).
     */
    public RunRecord commit(int exitCode) {
      checkOpen("commit");
      try {
        FileSystem fs = repo.fs();
        for (String table : staged) {
          Path src = new Path(new Path(staging, table), RunRecordRows.RUN_ID + "=" + id.value());
          Path dst = repo.partition(table, id);
          mkdirs(dst.getParent());
          if (fs.exists(dst) && !fs.delete(dst, true)) {
            throw new IOException("could not delete " + dst);
          }
          // dst must not exist: renaming onto a directory would move src inside it.
          if (!fs.rename(src, dst)) {
            throw new IOException("could not rename " + src + " to " + dst);
          }
        }
        haltAt("before-commit-record");
        RunRecord done = record.succeeded(Instant.now(), exitCode);
        writeRecord(repo.spark == null ? done
            : done.withExecutors(RunRecord.executorCount(repo.spark)));
      } catch (IOException | RuntimeException e) {
        AblateException err = e instanceof AblateException a ? a
            : new AblateException(AblateException.Kind.INTERNAL,
                "metrics repository: could not commit run " + id + ": " + e.getMessage(), e);
        try {
          fail(err);
        } catch (RuntimeException suppressed) {
          err.addSuppressed(suppressed);
        }
        throw err;
      }
      state = State.COMMITTED;
      deleteQuietly(staging);
      return record;
    }

    /**
     * Records the run as failed now with the message of {@code cause}, deletes its staging
     * directory and every metric partition of its id. Failing a failed run does nothing.
     *
     * @return the final record
     */
    public RunRecord fail(Throwable cause) {
      if (state == State.FAILED) {
        return record;
      } else if (state == State.COMMITTED) {
        throw new AblateException(AblateException.Kind.INTERNAL,
            "run " + id + " is already committed; it cannot fail");
      }
      state = State.FAILED;
      try {
        writeRecord(record.failed(Instant.now(), message(cause),
            AblateException.exitCodeOf(cause)));
      } finally {
        for (String table : repo.tables()) {
          deleteQuietly(repo.partition(table, id));
        }
        deleteQuietly(staging);
      }
      return record;
    }

    /** Fails the run if it was neither committed nor failed. */
    @Override
    public void close() {
      if (state == State.OPEN) {
        fail(new AblateException(AblateException.Kind.INTERNAL,
            "run " + id + " was closed without commit"));
      }
    }

    private void checkOpen(String what) {
      if (state != State.OPEN) {
        throw new AblateException(AblateException.Kind.INTERNAL, "cannot " + what + " run " + id
            + ": it is already " + (state == State.COMMITTED ? "committed" : "failed"));
      }
    }

    /**
     * Writes {@code r} as the run's latest record: a one-row file staged, renamed into the run's
     * partition under a name that sorts by time, then the older records there deleted. Readers
     * take the latest record, so they see the old state or the new one, never none.
     */
    private void writeRecord(RunRecord r) {
      Instant updated = Instant.now()
          .truncatedTo(ChronoUnit.MICROS);
      if (lastUpdate != null && !updated.isAfter(lastUpdate)) {
        updated = lastUpdate.plus(1, ChronoUnit.MICROS);
      }
      Path tmp = new Path(staging, "_runs/" + (tmpSeq++) + ".parquet");
      FileSystem fs = repo.fs();
      Path dir = repo.partition(RUNS, id);
      long micros = updated.getEpochSecond() * 1_000_000L + updated.getNano() / 1000;
      String name = String.format(Locale.ROOT, "%020d-%s.parquet", micros,
          attempt.substring(0, 8));
      Path target = new Path(dir, name);
      try {
        ParquetRows.write(repo.conf(), tmp, RunRecordRows.FILE_SCHEMA,
            List.of(RunRecordRows.toFileRow(r, updated)));
        mkdirs(dir);
        if (!fs.rename(tmp, target)) {
          throw new IOException("could not rename " + tmp + " to " + target);
        }
        for (FileStatus s : fs.listStatus(dir)) {
          String other = s.getPath().getName();
          if (s.isFile() && !other.startsWith(".") && !other.startsWith("_")
              && other.compareTo(name) < 0) {
            fs.delete(s.getPath(), false);
          }
        }
      } catch (IOException e) {
        throw io("write the run record in", dir, e);
      } finally {
        deleteQuietly(tmp);
      }
      lastUpdate = updated;
      record = r;
    }

    private void mkdirs(Path p) {
      try {
        if (!repo.fs().mkdirs(p)) {
          throw new IOException("mkdirs returned false");
        }
      } catch (IOException e) {
        throw io("create", p, e);
      }
    }

    private void deleteQuietly(Path p) {
      try {
        repo.fs().delete(p, true);
      } catch (IOException e) {
        // Best effort: a left-over directory is ignored by readers and replaced by a re-run.
      }
    }

    private static String message(Throwable t) {
      if (t == null) {
        return "failed";
      }
      String m = t.getMessage() == null ? t.getClass().getName()
          : t instanceof AblateException ? t.getMessage()
          : t.getClass().getSimpleName() + ": " + t.getMessage();
      return m.length() > MAX_ERROR ? m.substring(0, MAX_ERROR) + "..." : m;
    }
  }
}

package io.ablate.dataset;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.input_file_block_length;
import static org.apache.spark.sql.functions.input_file_block_start;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.lit;

import io.ablate.AblateException;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.HadoopReadOptions;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.BasePredicate;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.Predicate;
import org.apache.spark.sql.execution.FileSourceScanExec;
import org.apache.spark.sql.execution.FilterExec;
import org.apache.spark.sql.execution.ProjectExec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.execution.datasources.parquet.ParquetFileFormat$;
import org.apache.spark.sql.execution.datasources.parquet.ParquetToSparkSchemaConverter;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.apache.spark.util.LongAccumulator;

/**
 * An activation dataset (the contract in ARCHITECTURE.md), opened and checked before any job reads
 * it: every input of its {@link Source} is listed ({@link Listing}: the partition columns of its
 * {@code name=value} directories, typed and checked), the selection prunes the files by their
 * partition values ({@link Selection}), every Parquet file kept has its footer read (a corrupt file is named, or skipped and counted with
 * {@link OnBadFile#SKIP}), the schema is checked column by column (a missing or wrongly typed
 * column is named with the type expected), and optional columns get their defaults. Row-level
 * checks (dtype values, vector lengths per key, binary lengths) belong to the pass that reads the
 * vectors, so that they cost no extra scan.
 *
 * <p>{@link #rows()} has the normalised columns {@code model, checkpoint, layer, site, sample_id,
 * token}, then either {@code values} (array&lt;float&gt;) or {@code data, dtype}, then {@code _file}
 * (the source file) and {@code _split_start, _split_length} (the byte range of the file split the
 * row was read in: it reads the row groups of {@link #rowGroups()} whose midpoints it holds):
 * the dataset as a table, for inspection.
 *
 * <p>The passes read {@link #internalRows()} instead, with {@link VectorReader}: the stored columns
 * only, no computed column, so that Spark hands out its Parquet reader's columnar batches as they
 * are (see there); the reader applies the same defaults and conversions as {@link #rows()}.
 */
public final class ActivationDataset {
  /** What to do with a file that is not readable Parquet. */
  public enum OnBadFile {
    FAIL, SKIP;

    public static OnBadFile parse(String s) {
      switch (s.trim().toLowerCase(Locale.ROOT)) {
        case "fail": return FAIL;
        case "skip": return SKIP;
        default: throw AblateException.badInput("--on-bad-file %s; valid: fail, skip", s);
      }
    }
  }

  /** How vectors are stored. */
  public enum Encoding {
    ARRAY, BINARY
  }

  public static final String DEFAULT_SITE = "ffn.pre";
  /** The default of a missing or null {@code model} or {@code checkpoint}. */
  public static final String UNKNOWN = "unknown";
  public static final String GATED_SITE = "ffn.gate_up";
  /** Bytes of vectors per columnar batch of {@link #internalRows()} (see {@link #batchRows}). */
  static final long BATCH_BYTES = 256 << 10;
  private static final String BATCH_SIZE = "spark.sql.parquet.columnarReaderBatchSize";
  /** The columns of the contract; any other column of the files is not read. */
  private static final List<String> STORED = List.of("model", "checkpoint", "layer", "site",
      "sample_id", "token", "values", "data", "dtype");

  /** The key columns a selection ({@link Source#where}) may name. */
  public static final List<String> KEY_COLUMNS = List.of("model", "checkpoint", "layer", "site",
      "sample_id", "token");

  private final Dataset<Row> rows;
  private final SparkSession spark;
  private final StructType fileSchema;
  private final StructType stored;
  private final int batchRows;
  private final Map<String, RowGroups> rowGroups;
  private final Encoding encoding;
  private final List<Root> roots;
  private final List<String> files;
  private final List<String> skipped;
  private final String fingerprint;
  private final Selection selection;
  private final Reading reading;
  private final LongAccumulator rounded;

  private ActivationDataset(Dataset<Row> rows, StructType fileSchema, StructType stored,
      Map<String, RowGroups> rowGroups, long vectorRowBytes, Encoding encoding, List<Root> roots,
      List<String> skipped, String fingerprint, Selection selection, Reading reading,
      LongAccumulator rounded) {
    this.rows = rows;
    this.spark = rows.sparkSession();
    this.fileSchema = fileSchema;
    this.stored = stored;
    this.batchRows = batchRows(vectorRowBytes);
    this.rowGroups = rowGroups;
    this.encoding = encoding;
    this.roots = List.copyOf(roots);
    this.files = roots.stream().flatMap(r -> r.files().stream())
        .map(f -> f.getPath().toString()).toList();
    this.skipped = List.copyOf(skipped);
    this.fingerprint = fingerprint;
    this.selection = selection;
    this.reading = reading;
    this.rounded = rounded;
  }

  /**
   * What was listed and what was read: files and bytes of every input, and of the files the
   * selection kept (the only ones opened).
   */
  public record Reading(int filesListed, long bytesListed, int filesRead, long bytesRead) {
    /** "read 2 of 8 files (1.2 MB of 4.8 MB)". */
    public String text() {
      return String.format(Locale.ROOT, "read %d of %d files (%s of %s)", filesRead, filesListed,
          mb(bytesRead), mb(bytesListed));
    }

    private static String mb(long bytes) {
      return bytes < 1_000_000 ? String.format(Locale.ROOT, "%.1f kB", bytes / 1e3)
          : String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
  }

  /** One input: its root (the base path of its partition columns) and the files read. */
  private record Root(String root, List<FileStatus> files) {}

  public static ActivationDataset open(SparkSession spark, String path, OnBadFile onBadFile) {
    return open(spark, Source.of(path), onBadFile);
  }

  /**
   * Opens {@code source}: lists every input, takes the partition columns from its {@code
   * name=value} directories (the input as base path, as Spark's reader does), keeps the files
   * whose partition values the selection admits, and reads only their footers.
   */
  public static ActivationDataset open(SparkSession spark, Source source, OnBadFile onBadFile) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    String path = source.toString();
    List<Listing> listings = new ArrayList<>();
    if (source.table() != null) {
      String location = tableLocation(spark, source.table());
      listings.add(Listing.of(conf, location, source.table()));
    } else {
      for (String input : source.inputs()) {
        for (String root : expand(conf, input)) {
          listings.add(Listing.of(conf, root, input));
        }
      }
    }
    List<String> partitionColumns = partitionColumns(listings);
    Selection selection = Selection.parse(spark, source.where());
    int filesListed = 0;
    long bytesListed = 0;
    List<Listing> kept = new ArrayList<>();
    for (Listing l : listings) {
      filesListed += l.files().size();
      bytesListed += l.files().stream().mapToLong(FileStatus::getLen).sum();
      Listing k = selection.prune(spark, l);
      if (!k.files().isEmpty()) {
        kept.add(k);
      }
    }
    if (filesListed > 0 && kept.isEmpty()) {
      throw AblateException.badInput("the selection %s matches none of the %d Parquet files of %s",
          selection.text(), filesListed, path);
    }
    List<FileStatus> candidates = kept.stream().flatMap(l -> l.files().stream()).toList();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (FileStatus f : candidates) {
      // Spark would read such a file twice; its rows would count twice in every metric.
      if (!seen.add(fileKey(f.getPath().toString()))) {
        throw AblateException.badInput("%s: file %s is in more than one input", path, f.getPath());
      }
    }
    List<String> skipped = new ArrayList<>();
    Map<String, RowGroups> rowGroups = new TreeMap<>();
    long rowBytes = 0;
    MessageDigest digest = sha256();
    List<Object> footers = readFooters(conf, candidates);
    StructType fileSchema = null;
    List<Root> roots = new ArrayList<>();
    int filesRead = 0;
    long bytesRead = 0;
    int at = 0;
    for (Listing l : kept) {
      List<FileStatus> good = new ArrayList<>();
      for (int j = 0; j < l.files().size(); j++, at++) {
        FileStatus f = l.files().get(j);
        String name = f.getPath().toString();
        if (footers.get(at) instanceof Footer footer) {
          if (fileSchema == null) {
            fileSchema = sparkSchema(spark, f, footer.metadata());
          }
          checkPartitionValues(name, l.columns(), l.values().get(j), footer.metadata());
          good.add(f);
          filesRead++;
          bytesRead += f.getLen();
          rowGroups.put(fileKey(name), footer.groups());
          rowBytes = Math.max(rowBytes, footer.vectorRowBytes());
          digest.update((name + '|' + f.getLen() + '|' + f.getModificationTime() + '\n')
              .getBytes(StandardCharsets.UTF_8));
        } else if (onBadFile == OnBadFile.SKIP) {
          skipped.add(name);
        } else {
          throw AblateException.badInput("corrupt Parquet file %s (%s); pass --on-bad-file skip to "
              + "skip such files", name, footers.get(at));
        }
      }
      if (!good.isEmpty()) {
        roots.add(new Root(l.root(), good));
      }
    }
    if (roots.isEmpty()) {
      throw AblateException.badInput(candidates.isEmpty() ? "no Parquet files under %s"
          : "all %d Parquet files under %s are corrupt", candidates.isEmpty() ? path
          : candidates.size(), path);
    }
    if (selection.text() != null) {
      digest.update(("where|" + selection.text()).getBytes(StandardCharsets.UTF_8));
    }
    StructType readSchema = readSchema(fileSchema, partitionColumns);
    selection.checkColumns(readSchema, path);
    Dataset<Row> raw = null;
    for (Root r : roots) {
      Dataset<Row> one = selection.apply(readFiles(spark, r, readSchema));
      raw = raw == null ? one : raw.unionAll(one);
    }
    Encoding encoding = checkVectorColumns(raw.schema(), path);
    List<Column> cols = new ArrayList<>();
    cols.add(optionalString(raw.schema(), "model", UNKNOWN, path));
    cols.add(optionalString(raw.schema(), "checkpoint", UNKNOWN, path));
    cols.add(integer(raw.schema(), "layer", true, path));
    cols.add(optionalString(raw.schema(), "site", DEFAULT_SITE, path));
    cols.add(sampleId(raw.schema(), path));
    cols.add(integer(raw.schema(), "token", false, path));
    boolean doubles = encoding == Encoding.ARRAY && ((ArrayType) raw.schema().apply("values")
        .dataType()).elementType() instanceof DoubleType;
    if (encoding == Encoding.ARRAY) {
      // float64 vectors rounded to float32 (Spark's cast rounds to nearest, as Java's does).
      cols.add(doubles ? col("values").cast("array<float>").as("values") : col("values"));
    } else {
      cols.add(col("data"));
      cols.add(col("dtype"));
    }
    cols.add(input_file_name().as("_file"));
    cols.add(input_file_block_start().as("_split_start"));
    cols.add(input_file_block_length().as("_split_length"));
    String fingerprint = HexFormat.of().formatHex(digest.digest());
    return new ActivationDataset(raw.select(cols.toArray(new Column[0])), readSchema,
        storedColumns(readSchema), rowGroups, rowBytes, encoding, roots, skipped, fingerprint,
        selection, new Reading(filesListed, bytesListed, filesRead, bytesRead),
        doubles || encoding == Encoding.BINARY
            ? spark.sparkContext().longAccumulator("ablate.rounded") : null);
  }

  /**
   * Whether vectors may be stored as float64 ({@code array<double>}, or binary with dtype {@code
   * f64}), read rounded to float32: then the passes count the values the rounding changed.
   */
  public boolean float64() {
    return rounded != null;
  }

  /**
   * With float64 vectors, the values whose rounding to float32 changed them, as counted by the
   * CPU passes' reads so far ({@link VectorReader}); null otherwise.
   */
  LongAccumulator roundedAccumulator() {
    return rounded;
  }

  /** {@link #roundedAccumulator()}'s count so far (0 with float32 vectors). */
  public long roundedValues() {
    return rounded == null ? 0 : rounded.value();
  }

  /** What was listed and read. */
  public Reading reading() {
    return reading;
  }

  /** The selection as given, or null for every row. */
  public String where() {
    return selection.text();
  }

  /** The contract's columns that the files have, in the files' order: what the passes read. */
  private static StructType storedColumns(StructType fileSchema) {
    List<StructField> kept = new ArrayList<>();
    for (StructField f : fileSchema.fields()) {
      if (STORED.contains(f.name())) {
        kept.add(f);
      }
    }
    return new StructType(kept.toArray(new StructField[0]));
  }

  /**
   * The schema of {@link #internalRows()}: the contract's columns that the files have, as stored
   * (types checked when the dataset was opened), in the files' order.
   */
  public StructType storedSchema() {
    return stored;
  }

  /**
   * The rows the passes read, as Spark's internal rows of {@link #storedSchema()}, planned afresh
   * (so the session's current file-split settings apply). When Spark's Parquet reader makes
   * columnar batches (its default), each row is a view into its batch, the batches hold
   * {@link #batchRows} rows, and {@link VectorReader} copies a vector out once, in bulk. Any
   * projection, {@link #rows()}'s defaults and file names included, would first copy every vector
   * element by element into an {@code UnsafeRow}: that copy was most of a plain scan's time, and
   * its speed depended on how the JIT had compiled Spark's generated code (a scan of 1e8 values
   * took 0.57–0.70 s, and 0.37 s in some JVMs; 0.26–0.33 s from the batches); the batches' columns
   * are put in the order of {@link #storedSchema()} (partitioned layouts included). Otherwise (the
   * vectorized reader off, or a plan that is more than a file scan under projections and the
   * selection's filter) the rows of the same query. The
   * file and split of the row just read are Spark's own, as for {@code input_file_name()}
   * ({@link VectorReader#file()}).
   */
  public JavaRDD<InternalRow> internalRows() {
    return internalRows(false);
  }

  /**
   * The rows of {@link #internalRows()}, each with one more column after the stored ones (at
   * {@link #rowIndexOrdinal()}): its index in its file, Spark's {@code _metadata.row_index}, for a
   * pass that places each row in its Parquet row group ({@link RowPlacer}). The selection is
   * applied as for {@link #internalRows()}: row groups that Parquet's filters rule out are not
   * read, and the index of every row left is still its index in the whole file.
   */
  public JavaRDD<InternalRow> placedRows() {
    return internalRows(true);
  }

  /** The ordinal of the row index in a row of {@link #placedRows()}: after the stored columns. */
  public int rowIndexOrdinal() {
    return stored.size();
  }

  private JavaRDD<InternalRow> internalRows(boolean placed) {
    // The batch size is a session setting read when the scan is planned: set on a copy of the
    // session (its other settings included), so that nothing else the session reads changes.
    SparkSession session = ((org.apache.spark.sql.classic.SparkSession) spark).cloneSession();
    session.conf().set(BATCH_SIZE, batchRows);
    List<String> names = new ArrayList<>(Arrays.asList(stored.fieldNames()));
    List<Column> cols = new ArrayList<>(names.stream().map(functions::col).toList());
    if (placed) {
      names.add(ROW_INDEX);
      cols.add(col("_metadata.row_index"));
    }
    JavaRDD<InternalRow> out = null;
    for (Root r : roots) {
      Dataset<Row> read = readFiles(session, r, fileSchema).select(cols.toArray(new Column[0]));
      JavaRDD<InternalRow> one = scanRows(selection.apply(read), names);
      out = out == null ? one : out.union(one);
    }
    return out;
  }

  /** The scan's column of each row's index in its file (what {@code _metadata.row_index} reads). */
  private static final String ROW_INDEX =
      ParquetFileFormat$.MODULE$.ROW_INDEX_TEMPORARY_COLUMN_NAME();

  /**
   * The rows of a query over one input with the columns {@code names}: its scan's columnar batches
   * when the query is a scan under projections of its columns (or of the row index) and at most
   * the selection's filter (its partition filters prune files, its data filters are pushed to
   * Parquet, which skips the row groups they rule out, and the rows left are tested against the
   * condition), each batch's columns put in the order of {@code names} (the scan puts partition
   * columns and the row index after the file's columns); else the query's rows.
   */
  private static JavaRDD<InternalRow> scanRows(Dataset<Row> read, List<String> names) {
    SparkPlan plan = read.queryExecution().sparkPlan();
    Expression condition = null;
    while (plan instanceof ProjectExec || plan instanceof FilterExec && condition == null) {
      if (plan instanceof FilterExec filter) {
        condition = filter.condition();
      }
      plan = plan.children().apply(0);
    }
    if (plan instanceof FileSourceScanExec scan && scan.supportsColumnar()) {
      scala.collection.immutable.Seq<Attribute> output = scan.output();
      int[] from = new int[names.size()];
      List<Attribute> columns = new ArrayList<>();
      for (int i = 0; i < from.length; i++) {
        from[i] = -1;
        for (int j = 0; j < output.size() && from[i] < 0; j++) {
          from[i] = output.apply(j).name().equals(names.get(i)) ? j : -1;
        }
        if (from[i] < 0) {
          return read.queryExecution().toRdd().toJavaRDD();
        }
        columns.add(output.apply(from[i]));
      }
      scala.collection.immutable.Seq<Attribute> input =
          scala.jdk.javaapi.CollectionConverters.asScala(columns).toSeq();
      Expression test = condition;
      if (test != null) {
        for (Attribute a : scala.jdk.javaapi.CollectionConverters.asJava(
            test.references().toSeq())) {
          if (columns.stream().noneMatch(c -> c.exprId().equals(a.exprId()))) {
            return read.queryExecution().toRdd().toJavaRDD();
          }
        }
      }
      return scan.executeColumnar().toJavaRDD().mapPartitionsWithIndex((index, batches) ->
          new BatchRows(batches, from, test == null ? null : predicate(test, input, index)), false);
    }
    return read.queryExecution().toRdd().toJavaRDD();
  }

  private static BasePredicate predicate(Expression condition,
      scala.collection.immutable.Seq<Attribute> input, int partition) {
    BasePredicate p = Predicate.create(condition, input);
    p.initialize(partition);
    return p;
  }

  /**
   * Rows per columnar batch of {@link #internalRows()}: about {@link #BATCH_BYTES} of vectors
   * (from the footers' largest uncompressed vector bytes per row; 8 to 4096 rows). Spark's default
   * of 4096 rows is 16 MB of 1024-float vectors, and 256 MB per task of 16384-float ones: a batch
   * that size has left the cache by the time its rows are read (the copy of each vector out of it
   * was a third of a one-variant pass's samples), and it holds memory that grows with the
   * vectors. With batches of 64 such rows the scan and the passes of 1e8 values took 5–15% less
   * time in interleaved runs.
   */
  static int batchRows(long vectorRowBytes) {
    return (int) Math.max(8, Math.min(4096, BATCH_BYTES / Math.max(1, vectorRowBytes)));
  }

  /** Rows per columnar batch of {@link #internalRows()}. */
  int batchRows() {
    return batchRows;
  }

  /**
   * The rows of a partition's batches that pass {@code test} (all without one), each a view of its
   * batch, valid until the next row.
   */
  private static final class BatchRows implements Iterator<InternalRow> {
    private final Iterator<ColumnarBatch> batches;
    /** The scan's column of each column handed out, or null when they are the scan's own. */
    private final int[] from;
    private final ColumnVector[] columns;
    private final BasePredicate test;
    private Iterator<InternalRow> rows = Collections.emptyIterator();
    private InternalRow next;

    BatchRows(Iterator<ColumnarBatch> batches, int[] from, BasePredicate test) {
      this.batches = batches;
      boolean same = true;
      for (int i = 0; i < from.length; i++) {
        same &= from[i] == i;
      }
      this.from = same ? null : from;
      this.columns = new ColumnVector[from.length];
      this.test = test;
    }

    private ColumnarBatch ordered(ColumnarBatch batch) {
      if (from == null && batch.numCols() == columns.length) {
        return batch;
      }
      // The same vectors in another order: the reader refills them for each batch.
      for (int i = 0; i < columns.length; i++) {
        columns[i] = batch.column(from == null ? i : from[i]);
      }
      return new ColumnarBatch(columns.clone(), batch.numRows());
    }

    @Override
    public boolean hasNext() {
      // Taking the next batch may open the next file: Spark then updates the file and split that
      // VectorReader.file() and RowPlacer.place() read, before its first row is handed out.
      while (next == null) {
        while (!rows.hasNext() && batches.hasNext()) {
          rows = ordered(batches.next()).rowIterator();
        }
        if (!rows.hasNext()) {
          return false;
        }
        InternalRow r = rows.next();
        if (test == null || test.eval(r)) {
          next = r;
        }
      }
      return true;
    }

    @Override
    public InternalRow next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      InternalRow r = next;
      next = null;
      return r;
    }
  }

  /** Per file (keyed by {@link #fileKey}), its row groups in file order, from the footers. */
  public Map<String, RowGroups> rowGroups() {
    return rowGroups;
  }

  /**
   * The path of a file as a key that is the same for the listing's form ({@code file:/x}) and
   * Spark's {@code input_file_name()} form ({@code file:///x}, URL-encoded): its decoded URI path.
   */
  public static String fileKey(String file) {
    try {
      return new Path(new URI(file)).toUri().getPath();
    } catch (URISyntaxException | IllegalArgumentException e) {
      return new Path(file).toUri().getPath();
    }
  }

  public Dataset<Row> rows() {
    return rows;
  }

  public Encoding encoding() {
    return encoding;
  }

  /** The Parquet files read. */
  public List<String> files() {
    return files;
  }

  /** Files skipped as corrupt (only with {@link OnBadFile#SKIP}). */
  public List<String> skipped() {
    return skipped;
  }

  /** SHA-256 over the files' paths, sizes and modification times: changes when the input does. */
  public String fingerprint() {
    return fingerprint;
  }

  /** The paths a glob matches (a path without glob characters: itself, if it exists). */
  private static List<String> expand(Configuration conf, String input) {
    try {
      Path p = new Path(input);
      FileStatus[] matches = p.getFileSystem(conf).globStatus(p);
      if (matches == null || matches.length == 0) {
        throw AblateException.badInput("input %s does not exist", input);
      }
      return Arrays.stream(matches).map(m -> m.getPath().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + input, e);
    }
  }

  /**
   * Where a catalog table's files are: a Parquet table of the session's catalog (a data source
   * table or a Hive table stored as Parquet), read as an input rooted at its location.
   */
  private static String tableLocation(SparkSession spark, String name) {
    org.apache.spark.sql.catalyst.catalog.SessionCatalog catalog =
        ((org.apache.spark.sql.classic.SparkSession) spark).sessionState().catalog();
    org.apache.spark.sql.catalyst.catalog.CatalogTable table;
    try {
      table = catalog.getTableMetadata(((org.apache.spark.sql.classic.SparkSession) spark)
          .sessionState().sqlParser().parseTableIdentifier(name));
    } catch (Exception e) {
      throw AblateException.badInput("--table %s: %s", name,
          String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
    }
    String provider = table.provider().isDefined() ? table.provider().get() : "hive";
    String serde = table.storage().serde().isDefined() ? table.storage().serde().get() : "";
    boolean parquet = provider.equalsIgnoreCase("parquet")
        || (provider.equalsIgnoreCase("hive") && serde.toLowerCase(Locale.ROOT).contains("parquet"));
    if (!parquet) {
      throw AblateException.badInput("--table %s is stored as %s; a table is read as Parquet files "
          + "under its location (Delta, Iceberg and other formats keep a log of which files are "
          + "live, and are not read)", name, provider.equalsIgnoreCase("hive") ? serde : provider);
    }
    return table.location().toString();
  }

  /** The inputs' common partition columns; bad input when two inputs differ. */
  private static List<String> partitionColumns(List<Listing> listings) {
    List<String> columns = null;
    Listing first = null;
    for (Listing l : listings) {
      if (l.files().isEmpty()) {
        continue;
      }
      for (String c : l.columns()) {
        Listing.type(c);
      }
      if (columns == null) {
        columns = l.columns();
        first = l;
      } else if (!columns.equals(l.columns())) {
        throw AblateException.badInput("inputs %s (partition columns %s) and %s (%s) are laid out "
            + "differently; inputs read together need the same partition columns", first.input(),
            columns, l.input(), l.columns());
      }
    }
    return columns == null ? List.of() : columns;
  }

  /**
   * The schema Spark reads with: the files' columns, then the partition columns (typed as {@link
   * Listing#type}), as Spark's scan returns them. A column both in the files and in the
   * directories is the directory's (Spark's rule), checked against the file.
   */
  private static StructType readSchema(StructType fileSchema, List<String> partitionColumns) {
    List<StructField> out = new ArrayList<>();
    for (StructField f : fileSchema.fields()) {
      if (!partitionColumns.contains(f.name())) {
        out.add(f);
      }
    }
    for (String c : partitionColumns) {
      out.add(DataTypes.createStructField(c, Listing.type(c), true));
    }
    return new StructType(out.toArray(new StructField[0]));
  }

  /**
   * A column both in a file's directories and in the file: bad input unless every row group's
   * statistics say the file holds only the directory's value.
   */
  private static void checkPartitionValues(String file, List<String> columns, Object[] values,
      ParquetMetadata metadata) {
    for (int i = 0; i < columns.size(); i++) {
      String c = columns.get(i);
      boolean inFile = metadata.getFileMetaData().getSchema().containsField(c);
      if (!inFile || values[i] == null) {
        continue;
      }
      String expected = values[i].toString();
      for (BlockMetaData b : metadata.getBlocks()) {
        for (ColumnChunkMetaData chunk : b.getColumns()) {
          if (!chunk.getPath().toDotString().equals(c) || b.getRowCount() == 0) {
            continue;
          }
          org.apache.parquet.column.statistics.Statistics<?> st = chunk.getStatistics();
          String min = st == null || !st.hasNonNullValue() ? null : statValue(st.genericGetMin());
          String max = st == null || !st.hasNonNullValue() ? null : statValue(st.genericGetMax());
          if (!expected.equals(min) || !expected.equals(max) || st.getNumNulls() > 0) {
            throw AblateException.badInput("%s: column '%s' is both in the file's directory (%s=%s) "
                + "and in the file, which holds %s", file, c, c, expected, min == null
                ? "values without statistics or nulls" : min.equals(max) ? "'" + min + "'"
                : "values from '" + min + "' to '" + max + "'");
          }
        }
      }
    }
  }

  private static String statValue(Object v) {
    return v instanceof org.apache.parquet.io.api.Binary b ? b.toStringUsingUTF8() : v.toString();
  }

  /**
   * What a file's footer says: its row groups, and the largest average uncompressed bytes per row
   * of the vector column ({@code values} or {@code data}) in any row group.
   */
  private record Footer(RowGroups groups, long vectorRowBytes, ParquetMetadata metadata) {
    static Footer of(ParquetMetadata metadata) {
      List<BlockMetaData> blocks = metadata.getBlocks();
      long rowBytes = 0;
      for (BlockMetaData b : blocks) {
        long bytes = 0;
        for (ColumnChunkMetaData c : b.getColumns()) {
          String top = c.getPath().toArray()[0];
          if (top.equals("values") || top.equals("data")) {
            bytes += c.getTotalUncompressedSize();
          }
        }
        rowBytes = Math.max(rowBytes, bytes / Math.max(1, b.getRowCount()));
      }
      return new Footer(RowGroups.of(blocks), rowBytes, metadata);
    }
  }

  /**
   * The Spark schema of a file from its footer, as Spark infers it when schemas are not merged
   * (from the first file): given to the reader, it spares the Spark job that inference runs to
   * read one footer again (about a second in a fresh JVM).
   */
  private static StructType sparkSchema(SparkSession spark, FileStatus file,
      ParquetMetadata metadata) {
    SQLConf sqlConf = ((org.apache.spark.sql.classic.SparkSession) spark).sessionState().conf();
    return ParquetFileFormat$.MODULE$.readSchemaFromFooter(
        new org.apache.parquet.hadoop.Footer(file.getPath(), metadata),
        new ParquetToSparkSchemaConverter(sqlConf));
  }

  /** Footers read at once: many small files on a remote store are latency, not work. */
  private static final int FOOTER_THREADS = 16;

  /**
   * Each file's {@link Footer}, or what went wrong reading it (a String), in the files' order
   * whatever order the threads finish in, so the first corrupt file named is the listing's first.
   */
  private static List<Object> readFooters(Configuration conf, List<FileStatus> files) {
    // Built once: building them per file parsed Hadoop's XML configuration every time.
    ParquetReadOptions options =
        HadoopReadOptions.builder(conf).build();
    if (files.size() < 2) {
      return files.stream().map(f -> footer(conf, f, options)).toList();
    }
    ExecutorService pool = Executors.newFixedThreadPool(
        Math.min(FOOTER_THREADS, files.size()), r -> {
          Thread t = new Thread(r, "ablate-footers");
          t.setDaemon(true);
          return t;
        });
    try {
      List<Future<Object>> pending = new ArrayList<>();
      for (FileStatus f : files) {
        pending.add(pool.submit(() -> footer(conf, f, options)));
      }
      List<Object> out = new ArrayList<>(files.size());
      for (Future<Object> p : pending) {
        out.add(p.get());
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading Parquet footers", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("reading Parquet footers", e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  /** The file's footer, or a String saying what went wrong. */
  private static Object footer(Configuration conf, FileStatus f,
      ParquetReadOptions options) {
    try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromStatus(f, conf),
        options)) {
      return Footer.of(r.getFooter());
    } catch (IOException | RuntimeException e) {
      return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
  }

  /**
   * Spark's reader over an input's files, its root the base path of the partition columns, which
   * Spark appends to the files' columns. Spark checks the given paths in a Spark job of as many
   * tasks as {@code spark.sql.sources.parallelPartitionDiscovery.parallelism} (10,000 by default:
   * 34 s for 10,000 small files on 2 cores); one task per core does the same work (5 s).
   */
  private static Dataset<Row> readFiles(SparkSession spark, Root root, StructType schema) {
    scala.Option<String> before = spark.conf().getOption(LISTING_KEY);
    spark.conf().set(LISTING_KEY, Math.max(1, spark.sparkContext().defaultParallelism()));
    try {
      return spark.read().schema(schema).option("mergeSchema", "false")
          .option("basePath", root.root())
          .parquet(root.files().stream().map(f -> f.getPath().toString()).toArray(String[]::new));
    } finally {
      if (before.isDefined()) {
        spark.conf().set(LISTING_KEY, before.get());
      } else {
        spark.conf().unset(LISTING_KEY);
      }
    }
  }

  private static final String LISTING_KEY =
      "spark.sql.sources.parallelPartitionDiscovery.parallelism";

  private static Encoding checkVectorColumns(StructType schema, String path) {
    boolean hasValues = has(schema, "values");
    boolean hasData = has(schema, "data");
    if (hasValues && hasData) {
      throw AblateException.badInput("%s has both 'values' and 'data' columns; an activation dataset "
          + "uses one encoding: values array<float>, or data binary + dtype string", path);
    }
    if (hasValues) {
      DataType t = schema.apply("values").dataType();
      if (!(t instanceof ArrayType a
          && (a.elementType() instanceof FloatType || a.elementType() instanceof DoubleType))) {
        throw wrongType(path, "values", t, "array<float> or array<double>");
      }
      return Encoding.ARRAY;
    }
    if (hasData) {
      DataType t = schema.apply("data").dataType();
      if (!(t instanceof BinaryType)) {
        throw wrongType(path, "data", t, "binary");
      }
      if (!has(schema, "dtype")) {
        throw AblateException.badInput("%s: column 'dtype' is missing; binary vectors in 'data' need "
            + "a dtype string column (f32, bf16, f16 or f64)", path);
      }
      if (!(schema.apply("dtype").dataType() instanceof StringType)) {
        throw wrongType(path, "dtype", schema.apply("dtype").dataType(), "string");
      }
      return Encoding.BINARY;
    }
    throw AblateException.badInput("%s has no vector column: expected 'values' (array<float>) or "
        + "'data' (binary) with 'dtype' (string); columns found: %s", path,
        String.join(", ", schema.fieldNames()));
  }

  private static Column optionalString(StructType schema, String name, String fallback,
      String path) {
    if (!has(schema, name)) {
      return lit(fallback).cast(DataTypes.StringType).as(name);
    }
    DataType t = schema.apply(name).dataType();
    if (!(t instanceof StringType)) {
      throw wrongType(path, name, t, "string");
    }
    Column c = col(name);
    return (fallback == null ? c : org.apache.spark.sql.functions.coalesce(c, lit(fallback))).as(name);
  }

  /** {@code sample_id}: a string, or an integer of any width as its decimal digits. */
  private static Column sampleId(StructType schema, String path) {
    if (has(schema, "sample_id") && isInteger(schema.apply("sample_id").dataType())) {
      return col("sample_id").cast(DataTypes.StringType).as("sample_id");
    }
    return optionalString(schema, "sample_id", null, path);
  }

  private static boolean isInteger(DataType t) {
    return t instanceof IntegerType || t instanceof ShortType || t instanceof ByteType
        || t instanceof LongType;
  }

  private static Column integer(StructType schema, String name, boolean required, String path) {
    if (!has(schema, name)) {
      if (required) {
        throw AblateException.badInput("%s: required column '%s' (int) is missing; columns found: %s",
            path, name, String.join(", ", schema.fieldNames()));
      }
      return lit(null).cast(DataTypes.IntegerType).as(name);
    }
    DataType t = schema.apply(name).dataType();
    if (!isInteger(t)) {
      throw wrongType(path, name, t, "an integer type (int, bigint, smallint, tinyint)");
    }
    if (!(t instanceof LongType)) {
      return col(name).cast(DataTypes.IntegerType).as(name);
    }
    // A bigint beyond the int range is bad input naming the file and value, as VectorReader says.
    Column c = col(name);
    return functions.when(c.isNull().or(c.between(Integer.MIN_VALUE, Integer.MAX_VALUE)),
        c.cast(DataTypes.IntegerType)).otherwise(functions.raise_error(functions.concat(
            lit(PlanInputs.BAD_INPUT), input_file_name(), lit(": column '" + name + "' has value "),
            c.cast(DataTypes.StringType), lit(", beyond the int range"))).cast(
            DataTypes.IntegerType)).as(name);
  }

  private static boolean has(StructType schema, String name) {
    for (StructField f : schema.fields()) {
      if (f.name().equals(name)) {
        return true;
      }
    }
    return false;
  }

  private static AblateException wrongType(String path, String column, DataType actual,
      String expected) {
    return AblateException.badInput("%s: column '%s' has type %s; expected %s", path, column,
        actual.simpleString(), expected);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

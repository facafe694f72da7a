package io.ablate.repository;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.HadoopReadOptions;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.metadata.FileMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.io.api.RecordMaterializer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimestampLogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampType;

/**
 * Small Parquet files of flat rows, written and read without a Spark session: the repository's
 * records and metric tables are kilobytes, and a command that only stores or reads them should not
 * pay for starting Spark. The files are what Spark writes and reads: the same physical types, the
 * Spark schema in the footer (so Spark reads the same column types back), Snappy pages. Columns are
 * of Spark's flat types (string, int, bigint, double, float, boolean, binary, timestamp); values
 * are those of a Spark {@link Row} ({@link Timestamp} for timestamps, {@code byte[]} for binary).
 * Reading understands what Spark and other writers put in such columns (INT96 and INT64
 * timestamps), and a column a file lacks reads as null.
 */
final class ParquetRows {
  private ParquetRows() {}

  /** The footer key under which Spark stores a file's Spark schema (as JSON). */
  static final String SPARK_SCHEMA_KEY = "org.apache.spark.sql.parquet.row.metadata";

  private static final long MICROS_PER_DAY = 86_400_000_000L;
  /** The Julian day of 1970-01-01, INT96 timestamps' day origin. */
  private static final long JULIAN_EPOCH_DAY = 2_440_588L;

  /** Writes {@code rows} (values in {@code schema}'s order) as one new file; it must not exist. */
  static void write(Configuration conf, Path file, StructType schema, List<Row> rows)
      throws IOException {
    try (ParquetWriter<Row> writer = new Builder(file, conf, schema)
        .withCompressionCodec(CompressionCodecName.SNAPPY).build()) {
      for (Row r : rows) {
        writer.write(r);
      }
    }
  }

  /**
   * Read options built once for many small files: building them per file parsed Hadoop's XML
   * configuration again each time. Vectored reads are off: they hand each small read to a thread
   * pool.
   */
  static ParquetReadOptions readOptions(Configuration conf) {
    return HadoopReadOptions.builder(conf).withUseHadoopVectoredIo(false).build();
  }

  /** The Spark schema a file holds: from its footer's Spark schema, else from its Parquet types. */
  static StructType schema(Configuration conf, Path file) throws IOException {
    return read(conf, readOptions(conf), file, null).schema();
  }

  private static StructType schema(FileMetaData meta) {
    String json = meta.getKeyValueMetaData().get(SPARK_SCHEMA_KEY);
    if (json != null) {
      DataType t = DataType.fromJson(json);
      if (t instanceof StructType s) {
        return s;
      }
    }
    StructType out = new StructType();
    for (Type t : meta.getSchema().getFields()) {
      out = out.add(t.getName(), sparkType(t), true);
    }
    return out;
  }

  /**
   * The rows of {@code file} as {@code schema}'s columns (by name; a column the file lacks is
   * null, a column {@code schema} lacks is not read).
   */
  static List<Row> read(Configuration conf, Path file, StructType schema) throws IOException {
    return read(conf, readOptions(conf), file, schema).rows();
  }

  /**
   * The rows of {@code file}, opened once: as {@code schema}'s columns, or (null) as the file's
   * own schema, which the result then carries.
   */
  static MetricsRepository.Table read(Configuration conf, ParquetReadOptions options, Path file,
      StructType schema) throws IOException {
    try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(file, conf),
        options)) {
      MessageType fileSchema = reader.getFooter().getFileMetaData().getSchema();
      StructType want = schema != null ? schema : schema(reader.getFooter().getFileMetaData());
      List<Type> kept = new ArrayList<>();
      for (StructField f : want.fields()) {
        if (fileSchema.containsField(f.name())) {
          kept.add(fileSchema.getType(f.name()));
        }
      }
      MessageType requested = new MessageType(fileSchema.getName(), kept);
      reader.setRequestedSchema(requested);
      RowMaterializer rows = new RowMaterializer(want, requested);
      MessageColumnIO io = new ColumnIOFactory().getColumnIO(requested, fileSchema);
      List<Row> out = new ArrayList<>();
      for (PageReadStore pages; (pages = reader.readNextRowGroup()) != null; ) {
        RecordReader<Row> records = io.getRecordReader(pages, rows);
        for (long i = 0; i < pages.getRowCount(); i++) {
          out.add(records.read());
        }
      }
      return new MetricsRepository.Table(want, out);
    }
  }

  /** {@code schema} as Parquet columns, as Spark writes them (timestamps as INT64 micros). */
  static MessageType parquetSchema(StructType schema) {
    Types.MessageTypeBuilder b = Types.buildMessage();
    for (StructField f : schema.fields()) {
      Type.Repetition rep = f.nullable() ? Type.Repetition.OPTIONAL : Type.Repetition.REQUIRED;
      DataType t = f.dataType();
      if (t instanceof StringType) {
        b.primitive(PrimitiveTypeName.BINARY, rep).as(LogicalTypeAnnotation.stringType())
            .named(f.name());
      } else if (t instanceof IntegerType) {
        b.primitive(PrimitiveTypeName.INT32, rep).named(f.name());
      } else if (t instanceof LongType) {
        b.primitive(PrimitiveTypeName.INT64, rep).named(f.name());
      } else if (t instanceof DoubleType) {
        b.primitive(PrimitiveTypeName.DOUBLE, rep).named(f.name());
      } else if (t instanceof FloatType) {
        b.primitive(PrimitiveTypeName.FLOAT, rep).named(f.name());
      } else if (t instanceof BooleanType) {
        b.primitive(PrimitiveTypeName.BOOLEAN, rep).named(f.name());
      } else if (t instanceof BinaryType) {
        b.primitive(PrimitiveTypeName.BINARY, rep).named(f.name());
      } else if (t instanceof TimestampType) {
        b.primitive(PrimitiveTypeName.INT64, rep)
            .as(LogicalTypeAnnotation.timestampType(true, TimeUnit.MICROS)).named(f.name());
      } else {
        throw new IllegalArgumentException("column " + f.name() + ": type " + t.simpleString()
            + " is not a flat type of the metrics repository");
      }
    }
    return b.named("spark_schema");
  }

  /** The Spark type of a Parquet column that a writer other than Spark wrote. */
  private static DataType sparkType(Type t) {
    if (!t.isPrimitive() || t.isRepetition(Type.Repetition.REPEATED)) {
      throw new IllegalArgumentException("column " + t.getName() + " (" + t + ") is not flat");
    }
    LogicalTypeAnnotation logical = t.getLogicalTypeAnnotation();
    return switch (t.asPrimitiveType().getPrimitiveTypeName()) {
      case BINARY -> logical instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
          ? DataTypes.StringType : DataTypes.BinaryType;
      case INT32 -> DataTypes.IntegerType;
      case INT64 -> logical instanceof TimestampLogicalTypeAnnotation ? DataTypes.TimestampType
          : DataTypes.LongType;
      case INT96 -> DataTypes.TimestampType;
      case DOUBLE -> DataTypes.DoubleType;
      case FLOAT -> DataTypes.FloatType;
      case BOOLEAN -> DataTypes.BooleanType;
      default -> throw new IllegalArgumentException("column " + t.getName() + " (" + t
          + ") has a type the metrics repository does not hold");
    };
  }

  private static final class Builder extends ParquetWriter.Builder<Row, Builder> {
    private final StructType schema;

    Builder(Path file, Configuration conf, StructType schema) throws IOException {
      super(HadoopOutputFile.fromPath(file, conf));
      withConf(conf);
      this.schema = schema;
    }

    @Override
    protected Builder self() {
      return this;
    }

    @Override
    protected WriteSupport<Row> getWriteSupport(Configuration conf) {
      return new RowWriteSupport(schema);
    }
  }

  private static final class RowWriteSupport extends WriteSupport<Row> {
    private final StructType schema;
    private final DataType[] types;
    private RecordConsumer consumer;

    RowWriteSupport(StructType schema) {
      this.schema = schema;
      this.types = Arrays.stream(schema.fields()).map(StructField::dataType)
          .toArray(DataType[]::new);
    }

    @Override
    public WriteContext init(Configuration conf) {
      return new WriteContext(parquetSchema(schema), Map.of(SPARK_SCHEMA_KEY, schema.json()));
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
      this.consumer = recordConsumer;
    }

    @Override
    public void write(Row row) {
      consumer.startMessage();
      for (int i = 0; i < types.length; i++) {
        if (row.isNullAt(i)) {
          if (!schema.fields()[i].nullable()) {
            throw new IllegalArgumentException("column " + schema.fields()[i].name()
                + " is null but not nullable");
          }
          continue;
        }
        String name = schema.fields()[i].name();
        consumer.startField(name, i);
        Object v = row.get(i);
        DataType t = types[i];
        if (t instanceof StringType) {
          consumer.addBinary(Binary.fromString((String) v));
        } else if (t instanceof IntegerType) {
          consumer.addInteger((Integer) v);
        } else if (t instanceof LongType) {
          consumer.addLong((Long) v);
        } else if (t instanceof DoubleType) {
          consumer.addDouble((Double) v);
        } else if (t instanceof FloatType) {
          consumer.addFloat((Float) v);
        } else if (t instanceof BooleanType) {
          consumer.addBoolean((Boolean) v);
        } else if (t instanceof BinaryType) {
          consumer.addBinary(Binary.fromConstantByteArray((byte[]) v));
        } else {
          consumer.addLong(micros((Timestamp) v));
        }
        consumer.endField(name, i);
      }
      consumer.endMessage();
    }
  }

  private static long micros(Timestamp t) {
    return Math.floorDiv(t.getTime(), 1000L) * 1_000_000L + t.getNanos() / 1000;
  }

  private static Timestamp timestamp(long micros) {
    Timestamp t = new Timestamp(Math.floorDiv(micros, 1_000_000L) * 1000L);
    t.setNanos((int) Math.floorMod(micros, 1_000_000L) * 1000);
    return t;
  }

  private static final class RowMaterializer extends RecordMaterializer<Row> {
    private final Object[] values;
    private final GroupConverter root;

    RowMaterializer(StructType schema, MessageType requested) {
      this.values = new Object[schema.size()];
      Map<String, Integer> index = new HashMap<>();
      for (int i = 0; i < schema.size(); i++) {
        index.put(schema.fields()[i].name(), i);
      }
      List<Converter> converters = new ArrayList<>();
      for (Type t : requested.getFields()) {
        int i = index.get(t.getName());
        converters.add(converter(t, schema.fields()[i], v -> values[i] = v));
      }
      this.root = new GroupConverter() {
        @Override
        public Converter getConverter(int fieldIndex) {
          return converters.get(fieldIndex);
        }

        @Override
        public void start() {
          Arrays.fill(values, null);
        }

        @Override
        public void end() {}
      };
    }

    @Override
    public Row getCurrentRecord() {
      return RowFactory.create(values.clone());
    }

    @Override
    public GroupConverter getRootConverter() {
      return root;
    }
  }

  private interface Sink {
    void set(Object value);
  }

  /** Parquet values into the Java values of the column's Spark type. */
  private static PrimitiveConverter converter(Type parquet, StructField field, Sink sink) {
    if (!parquet.isPrimitive()) {
      throw new IllegalArgumentException("column " + field.name() + " (" + parquet
          + ") is not flat");
    }
    DataType want = field.dataType();
    PrimitiveType p = parquet.asPrimitiveType();
    LogicalTypeAnnotation logical = p.getLogicalTypeAnnotation();
    TimeUnit unit = logical instanceof TimestampLogicalTypeAnnotation ts ? ts.getUnit()
        : TimeUnit.MICROS;
    return new PrimitiveConverter() {
      @Override
      public void addBinary(Binary v) {
        if (p.getPrimitiveTypeName() == PrimitiveTypeName.INT96) {
          // Spark's legacy timestamps: nanoseconds of the day, then the Julian day, little-endian.
          ByteBuffer b = v.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
          long nanos = b.getLong();
          long day = b.getInt();
          sink.set(timestamp((day - JULIAN_EPOCH_DAY) * MICROS_PER_DAY + nanos / 1000));
        } else if (want instanceof StringType) {
          sink.set(v.toStringUsingUTF8());
        } else {
          sink.set(v.getBytes());
        }
      }

      // Each branch boxes its own type: a conditional expression would promote them all to double.
      @Override
      public void addInt(int v) {
        if (want instanceof LongType) {
          sink.set((long) v);
        } else if (want instanceof DoubleType) {
          sink.set((double) v);
        } else {
          sink.set(v);
        }
      }

      @Override
      public void addLong(long v) {
        if (want instanceof TimestampType) {
          sink.set(timestamp(switch (unit) {
            case MILLIS -> v * 1000;
            case MICROS -> v;
            case NANOS -> Math.floorDiv(v, 1000L);
          }));
        } else if (want instanceof DoubleType) {
          sink.set((double) v);
        } else {
          sink.set(v);
        }
      }

      @Override
      public void addDouble(double v) {
        sink.set(v);
      }

      @Override
      public void addFloat(float v) {
        if (want instanceof DoubleType) {
          sink.set((double) v);
        } else {
          sink.set(v);
        }
      }

      @Override
      public void addBoolean(boolean v) {
        sink.set(v);
      }
    };
  }

  /**
   * The union of {@code schemas}' columns in order of first appearance, each of the type it first
   * had, all nullable: what a table reads as when its runs wrote different columns.
   */
  static StructType union(List<StructType> schemas) {
    Map<String, StructField> fields = new LinkedHashMap<>();
    for (StructType s : schemas) {
      for (StructField f : s.fields()) {
        fields.putIfAbsent(f.name(), new StructField(f.name(), f.dataType(), true, f.metadata()));
      }
    }
    return new StructType(fields.values().toArray(StructField[]::new));
  }
}

package io.ablate.repository;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files written without Spark read back by Spark with the same values and types, and files Spark
 * wrote (its legacy INT96 timestamps included) read back without Spark: every flat type, nulls,
 * non-finite doubles, extreme values, columns one side lacks.
 */
class ParquetRowsTest {
  private static final StructType SCHEMA = new StructType()
      .add("s", DataTypes.StringType).add("i", DataTypes.IntegerType)
      .add("l", DataTypes.LongType).add("d", DataTypes.DoubleType)
      .add("f", DataTypes.FloatType).add("b", DataTypes.BooleanType)
      .add("bin", DataTypes.BinaryType).add("ts", DataTypes.TimestampType)
      .add("req", DataTypes.StringType, false);

  private static SparkSession spark;
  private final Configuration conf = new Configuration();

  @TempDir
  Path tmp;

  @BeforeAll
  static void start() {
    spark = SparkSession.builder().master("local[1]").config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1").config("spark.sql.session.timeZone", "UTC")
        .getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void whatIsWrittenWithoutSparkSparkReadsBackAsWritten() throws Exception {
    List<Row> rows = rows(new Random());
    org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(tmp.resolve("a.parquet").toUri());
    ParquetRows.write(conf, file, SCHEMA, rows);

    List<Row> bySpark = spark.read().parquet(file.toString()).collectAsList();
    assertEquals(SCHEMA.fieldNames().length, spark.read().parquet(file.toString()).schema().size());
    assertEquals(SCHEMA.toString(), spark.read().parquet(file.toString()).schema().toString()
        .replace("req,StringType,true", "req,StringType,false"), "Spark sees the same types");
    assertRowsEqual(rows, bySpark);
    assertRowsEqual(rows, ParquetRows.read(conf, file, SCHEMA));
    assertEquals(SCHEMA, ParquetRows.schema(conf, file));
  }

  @Test
  void whatSparkWroteReadsBackWithoutSparkTimestampsOfEveryEncodingIncluded() throws Exception {
    List<Row> rows = rows(new Random());
    StructType nullable = ParquetRows.union(List.of(SCHEMA));
    for (String encoding : List.of("INT96", "TIMESTAMP_MICROS", "TIMESTAMP_MILLIS")) {
      Path dir = tmp.resolve(encoding);
      spark.conf().set("spark.sql.parquet.outputTimestampType", encoding);
      try {
        List<Row> written = encoding.equals("TIMESTAMP_MILLIS") ? truncatedToMillis(rows) : rows;
        spark.createDataFrame(written, nullable).coalesce(1).write().parquet(dir.toString());
        Path part;
        try (Stream<Path> files = Files.list(dir)) {
          part = files.filter(p -> p.getFileName().toString().startsWith("part-")).findFirst()
              .orElseThrow();
        }
        org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(part.toUri());
        assertRowsEqual(written, ParquetRows.read(conf, file, nullable));
        assertEquals(nullable, ParquetRows.schema(conf, file));
      } finally {
        spark.conf().unset("spark.sql.parquet.outputTimestampType");
      }
    }
  }

  @Test
  void aColumnTheFileLacksReadsAsNullAndOneTheReaderLacksIsNotRead() throws Exception {
    StructType older = new StructType().add("a", DataTypes.StringType)
        .add("gone", DataTypes.LongType);
    org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(tmp.resolve("o.parquet").toUri());
    ParquetRows.write(conf, file, older, List.of(RowFactory.create("x", 7L)));
    StructType newer = new StructType().add("added", DataTypes.DoubleType)
        .add("a", DataTypes.StringType);
    List<Row> read = ParquetRows.read(conf, file, newer);
    assertEquals(1, read.size());
    assertNull(read.get(0).get(0));
    assertEquals("x", read.get(0).get(1));
    assertEquals(2, read.get(0).size());
  }

  @Test
  void aNullInARequiredColumnIsRefusedNamingTheColumn() {
    org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(tmp.resolve("n.parquet").toUri());
    Object[] values = new Object[SCHEMA.size()];
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ParquetRows.write(conf, file, SCHEMA, List.of(RowFactory.create(values))));
    assertEquals("column req is null but not nullable", e.getMessage());
  }

  /** Edge values, nulls in every nullable column, and fresh random draws. */
  private static List<Row> rows(Random r) {
    List<Row> out = new ArrayList<>();
    out.add(RowFactory.create("é ✓ 𝛼 \"q\"\n", Integer.MIN_VALUE, Long.MIN_VALUE, Double.NaN,
        Float.NEGATIVE_INFINITY, true, new byte[0], Timestamp.from(Instant.parse(
            "1900-01-01T00:00:00.000001Z")), ""));
    out.add(RowFactory.create("", Integer.MAX_VALUE, Long.MAX_VALUE, Double.NEGATIVE_INFINITY,
        Float.MIN_VALUE, false, new byte[] {0, -1, 127, -128}, Timestamp.from(Instant.parse(
            "2262-04-11T23:47:16.854775Z")), "z"));
    out.add(RowFactory.create(null, null, null, -0.0, Float.NaN, null, null, null, "nulls"));
    out.add(RowFactory.create("m", 0, 0L, Double.MIN_VALUE, -0f, true, null,
        Timestamp.from(Instant.EPOCH.minusNanos(1000)), "before the epoch"));
    for (int i = 0; i < 50; i++) {
      byte[] bytes = new byte[r.nextInt(20)];
      r.nextBytes(bytes);
      out.add(RowFactory.create(Long.toString(r.nextLong(), 36), r.nextInt(), r.nextLong(),
          r.nextGaussian() * Math.pow(10, r.nextInt(600) - 300), r.nextFloat() * 1e30f,
          r.nextBoolean(), bytes, Timestamp.from(Instant.ofEpochSecond(
              r.nextInt() & 0x7fffffff, r.nextInt(1_000_000) * 1000L)), "r" + i));
    }
    return out;
  }

  private static List<Row> truncatedToMillis(List<Row> rows) {
    List<Row> out = new ArrayList<>();
    for (Row r : rows) {
      Object[] v = new Object[r.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = r.get(i) instanceof Timestamp t ? new Timestamp(t.getTime()) : r.get(i);
      }
      out.add(RowFactory.create(v));
    }
    return out;
  }

  private static void assertRowsEqual(List<Row> expected, List<Row> actual) {
    assertEquals(expected.size(), actual.size());
    for (int i = 0; i < expected.size(); i++) {
      for (int c = 0; c < expected.get(i).size(); c++) {
        Object e = expected.get(i).get(c);
        Object a = actual.get(i).get(c);
        String where = "row " + i + ", column " + SCHEMA.fieldNames()[c];
        if (e instanceof byte[] eb) {
          assertArrayEquals(eb, (byte[]) a, where);
        } else if (e instanceof Double d) {
          assertEquals(Double.doubleToRawLongBits(d), Double.doubleToRawLongBits((Double) a),
              where);
        } else if (e instanceof Float f) {
          assertEquals(Float.floatToRawIntBits(f), Float.floatToRawIntBits((Float) a), where);
        } else if (e instanceof Timestamp t) {
          assertEquals(t.toInstant(), ((Timestamp) a).toInstant(), where);
        } else {
          assertEquals(e, a, where);
        }
      }
    }
  }
}

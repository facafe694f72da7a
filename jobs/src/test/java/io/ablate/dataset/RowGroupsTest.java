package io.ablate.dataset;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.input_file_name;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ablate.testing.LocalSpark;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Placing rows in row groups by their index in their file ({@link RowPlacer}): checked against
 * Spark's own {@code _metadata.row_index} of a plain read over many split sizes, on rows from the
 * Parquet reader's batches and from its row path, and failing loudly when a row does not fit the
 * footer.
 */
class RowGroupsTest {
  @TempDir
  static Path dir;
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = LocalSpark.builder("row-groups").getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void aRowIsPlacedInTheGroupThatHoldsItsIndexAndInItsSplit() {
    // Groups of 3, 0, 2 and 4 rows, midpoints at bytes 10, 30, 50 and 70.
    RowGroups g = new RowGroups(new long[] {0, 3, 3, 5, 9}, new long[] {10, 30, 50, 70});
    int[] expected = {0, 0, 0, 2, 2, 3, 3, 3, 3};
    for (int row = 0; row < 9; row++) {
      assertEquals(expected[row], g.groupOf(row, "f"), "row " + row);
    }
    for (long bad : new long[] {-1, 9, Long.MAX_VALUE}) {
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> g.groupOf(bad, "f"));
      assertTrue(e.getMessage().contains("f: the reader returned row " + bad)
          && e.getMessage().contains("counts 9 rows"), e.getMessage());
    }
    RowPlacer placer = new RowPlacer(Map.of("/data/f.parquet", g));
    UTF8String file = UTF8String.fromString("file:///data/f.parquet");
    assertEquals(0, placer.place(file, 0, 60, 1));
    assertEquals(2, placer.place(file, 0, 60, 4));
    assertEquals("/data/f.parquet", placer.fileKey());
    assertEquals(3, placer.place(file, 60, 40, 8));
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> placer.place(file, 60, 40, 2));
    assertTrue(e.getMessage().contains("/data/f.parquet, split [60, 100): row 2 is in row group 0"),
        e.getMessage());
    e = assertThrows(IllegalStateException.class,
        () -> placer.place(UTF8String.fromString("file:///data/g.parquet"), 0, 60, 0));
    assertTrue(e.getMessage().contains("g.parquet"), e.getMessage());
  }

  @Test
  void rowGroupsFromTheRowIndexEqualSparksRowIndexForAnySplitSize() {
    String path = dir.resolve("groups").toString();
    // Three files of ~1 MB, each in row groups of ~64 KB (≈ 16 per file) of uneven row counts.
    spark.sql("SELECT CAST(id % 4 AS INT) AS layer, CAST(id AS STRING) AS sample_id, "
            + "transform(sequence(1, CAST(20 + id % 300 AS INT)), i -> CAST(sin(id * 7919 + i) AS FLOAT)) AS values "
            + "FROM range(0, 6000, 1, 3)")
        .write().option("parquet.block.size", 64 * 1024).parquet(path);
    ActivationDataset ds = ActivationDataset.open(spark, path, ActivationDataset.OnBadFile.FAIL);
    long groups = ds.rowGroups().values().stream().mapToLong(RowGroups::count).sum();
    assertTrue(ds.files().size() == 3 && groups >= 24, "files " + ds.files() + ", groups " + groups);
    long[][] settings = {
        {1L << 40, 4 << 20}, // every file whole, several files per partition
        {200_000, 0}, {65_536, 0}, {40_000, 0}, {10_000, 0}, {1_000, 0}, // splits of 0..n groups
        {300_000, 1 << 20}, // split files and packing
    };
    for (String vectorized : List.of("true", "false")) { // rows from batches, or Spark's rows
      for (long[] s : vectorized.equals("true") ? settings : new long[][] {settings[4], settings[6]}) {
        spark.conf().set("spark.sql.parquet.enableVectorizedReader", vectorized);
        spark.conf().set("spark.sql.files.maxPartitionBytes", Long.toString(s[0]));
        spark.conf().set("spark.sql.files.openCostInBytes", Long.toString(s[1]));
        try {
          checkAgainstRowIndex(ds, path, s[0]);
        } finally {
          spark.conf().unset("spark.sql.parquet.enableVectorizedReader");
          spark.conf().unset("spark.sql.files.maxPartitionBytes");
          spark.conf().unset("spark.sql.files.openCostInBytes");
        }
      }
    }
  }

  /**
   * Each row's index and group as the profile pass reads them ({@link
   * ActivationDataset#placedRows()}, {@link RowPlacer#placeCurrent}) agree with the
   * {@code _metadata.row_index} of a plain read of the files.
   */
  private static void checkAgainstRowIndex(ActivationDataset ds, String path, long maxBytes) {
    Map<String, Long> truth = new HashMap<>();
    for (Row r : spark.read().parquet(path).select(input_file_name(), col("sample_id"),
        col("_metadata.row_index")).collectAsList()) {
      truth.put(ActivationDataset.fileKey(r.getString(0)) + "|" + r.getString(1), r.getLong(2));
    }
    VectorReader reader = new VectorReader(ds);
    int sample = ds.storedSchema().fieldIndex("sample_id");
    Map<String, RowGroups> layout = ds.rowGroups();
    JavaRDD<InternalRow> rows = ds.placedRows();
    int index = ds.rowIndexOrdinal();
    List<String> placed = rows.mapPartitions((Iterator<InternalRow> it) -> {
      List<String> out = new ArrayList<>();
      RowPlacer placer = new RowPlacer(layout);
      while (it.hasNext()) {
        InternalRow r = it.next();
        int group = placer.placeCurrent(r.getLong(index));
        reader.key(r);
        out.add(placer.fileKey() + "|" + r.getUTF8String(sample) + "|" + r.getLong(index) + "|"
            + group);
      }
      return out.iterator();
    }).collect();
    List<String> wrong = new ArrayList<>();
    for (String p : placed) {
      String[] f = p.split("\\|");
      int group = Integer.parseInt(f[3]);
      long row = truth.get(f[0] + "|" + f[1]);
      long[] firstRows = layout.get(f[0]).firstRows();
      if (row != Long.parseLong(f[2]) || !(firstRows[group] <= row && row < firstRows[group + 1])) {
        wrong.add(p + ": row " + row);
      }
    }
    int partitions = rows.getNumPartitions();
    assertEquals(6000, placed.size(), "maxPartitionBytes " + maxBytes);
    assertEquals(List.of(), wrong, "maxPartitionBytes " + maxBytes + ", partitions " + partitions);
    if (maxBytes < 100_000) {
      assertTrue(partitions > 3 * 16, "splits smaller than row groups: " + partitions);
    }
  }
}

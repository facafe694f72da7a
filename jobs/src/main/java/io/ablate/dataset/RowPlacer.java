package io.ablate.dataset;

import java.util.Map;
import org.apache.spark.rdd.InputFileBlockHolder;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Places the rows one task reads in their files' row groups, from each row's index in its file
 * ({@link ActivationDataset#placedRows()}) and the footer's row counts, so that rows of groups
 * Parquet's filters skipped need not be read. Each placement is checked against the split Spark
 * read the row in (its own record of it, as {@code input_file_name()}, {@code
 * input_file_block_start()} and {@code input_file_block_length()} give it): Parquet's reader reads
 * a group in the split that holds its midpoint, so a row placed elsewhere means the footer read
 * when the dataset was opened is not the file's (a file rewritten while it was read).
 */
public final class RowPlacer {
  private final Map<String, RowGroups> groups;
  private UTF8String file;
  private long start = -1;
  private long length;
  private String fileKey;
  private RowGroups current;
  private int group = -1;

  /** For files keyed by {@link ActivationDataset#fileKey}, as {@link ActivationDataset#rowGroups}. */
  public RowPlacer(Map<String, RowGroups> groups) {
    this.groups = groups;
  }

  /**
   * The row group of the row this task has just read from {@link ActivationDataset#placedRows()},
   * with index {@code rowIndex} in its file, by the file and split Spark records for it.
   */
  public int placeCurrent(long rowIndex) {
    return place(VectorReader.file(), InputFileBlockHolder.getStartOffset(),
        InputFileBlockHolder.getLength(), rowIndex);
  }

  /** The row group of row {@code rowIndex} of file, read in split {@code [start, start+length)}. */
  public int place(UTF8String file, long start, long length, long rowIndex) {
    if (current == null || start != this.start || !file.equals(this.file)) {
      this.file = file.copy();
      this.start = start;
      this.length = length;
      fileKey = ActivationDataset.fileKey(file.toString());
      current = groups.get(fileKey);
      if (current == null) {
        throw new IllegalStateException("row of a file the dataset did not list: " + file);
      }
      group = -1;
    }
    long[] first = current.firstRows();
    if (group < 0 || rowIndex < first[group] || rowIndex >= first[group + 1]) {
      group = current.groupOf(rowIndex, fileKey);
      if (!current.inSplit(group, start, length)) {
        throw new IllegalStateException(String.format("%s, split [%d, %d): row %d is in row group "
            + "%d, which the footer places in another split (was the file rewritten while it was "
            + "read?)", fileKey, start, start + length, rowIndex, group));
      }
    }
    return group;
  }

  /** The {@link ActivationDataset#fileKey} of the last row placed (the same instance per split). */
  public String fileKey() {
    return fileKey;
  }
}

package io.ablate.dataset;

import java.util.Map;
import org.apache.spark.rdd.InputFileBlockHolder;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Places the rows one task reads in their files' row groups, from the split each row was read in
 * (Spark's own record of it, as {@code input_file_name()}, {@code input_file_block_start()} and
 * {@code input_file_block_length()} give it): one {@link RowGroups.Cursor} per split, each checked
 * when its split ends.
 */
public final class RowPlacer {
  private final Map<String, RowGroups> groups;
  private UTF8String file;
  private long start = -1;
  private String fileKey;
  private RowGroups.Cursor cursor;

  /** For files keyed by {@link ActivationDataset#fileKey}, as {@link ActivationDataset#rowGroups}. */
  public RowPlacer(Map<String, RowGroups> groups) {
    this.groups = groups;
  }

  /**
   * The row group of the row this task has just read (from {@link ActivationDataset#internalRows()}
   * or any other file scan), by the file and split Spark records for it.
   */
  public int placeCurrent() {
    return place(VectorReader.file(), InputFileBlockHolder.getStartOffset(),
        InputFileBlockHolder.getLength());
  }

  /** The row group of the next row, read in split {@code [start, start + length)} of file. */
  public int place(UTF8String file, long start, long length) {
    if (cursor == null || start != this.start || !file.equals(this.file)) {
      finish();
      this.file = file.copy();
      this.start = start;
      fileKey = ActivationDataset.fileKey(file.toString());
      RowGroups g = groups.get(fileKey);
      if (g == null) {
        throw new IllegalStateException("row of a file the dataset did not list: " + file);
      }
      cursor = g.new Cursor(file.toString(), start, length);
    }
    return cursor.next();
  }

  /** The {@link ActivationDataset#fileKey} of the last row placed (the same instance per split). */
  public String fileKey() {
    return fileKey;
  }

  /** Checks that the current split ended where its row groups do (call after the last row). */
  public void finish() {
    if (cursor != null) {
      cursor.finish();
    }
  }
}

package io.ablate.dataset;

import java.io.Serializable;
import java.util.List;
import org.apache.parquet.hadoop.metadata.BlockMetaData;

/**
 * The row groups of one Parquet file, from its footer: the index of each group's first row and the
 * byte offset by which readers give the group to a split. Parquet's reader (the one Spark uses)
 * reads, for a split {@code [start, start + length)}, exactly the row groups whose midpoint (first
 * column's starting position plus half the group's compressed size) lies in that range, in file
 * order; a row is placed in its group by its index in the file ({@link #groupOf}).
 *
 * @param firstRows the index of each group's first row, then the file's row count (length
 *     groups + 1)
 * @param midpoints each group's midpoint offset in bytes
 */
public record RowGroups(long[] firstRows, long[] midpoints) implements Serializable {
  private static final long serialVersionUID = 1L;

  /** From a footer's blocks. */
  public static RowGroups of(List<BlockMetaData> blocks) {
    long[] firstRows = new long[blocks.size() + 1];
    long[] midpoints = new long[blocks.size()];
    for (int i = 0; i < blocks.size(); i++) {
      BlockMetaData b = blocks.get(i);
      firstRows[i + 1] = firstRows[i] + b.getRowCount();
      midpoints[i] = b.getColumns().isEmpty() ? -1 : b.getStartingPos() + b.getCompressedSize() / 2;
    }
    return new RowGroups(firstRows, midpoints);
  }

  public int count() {
    return midpoints.length;
  }

  public long rows(int group) {
    return firstRows[group + 1] - firstRows[group];
  }

  /** Whether a split {@code [start, start + length)} reads the group. */
  public boolean inSplit(int group, long start, long length) {
    return midpoints[group] >= start && midpoints[group] - start < length;
  }

  /**
   * The group that holds row {@code row} of the file (named in the error): the last group whose
   * first row is at most {@code row}, so empty groups are passed over.
   */
  public int groupOf(long row, String file) {
    int groups = count();
    if (row < 0 || row >= firstRows[groups]) {
      throw new IllegalStateException(String.format("%s: the reader returned row %d where the "
          + "footer counts %d rows (was the file rewritten while it was read?)", file, row,
          firstRows[groups]));
    }
    int lo = 0;
    int hi = groups; // firstRows[lo] <= row < firstRows[hi]
    while (hi - lo > 1) {
      int mid = (lo + hi) >>> 1;
      if (firstRows[mid] <= row) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}

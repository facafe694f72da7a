package io.ablate.dataset;

import java.io.Serializable;
import java.util.List;
import org.apache.parquet.hadoop.metadata.BlockMetaData;

/**
 * The row groups of one Parquet file, from its footer: the index of each group's first row and the
 * byte offset by which readers give the group to a split. Parquet's reader (the one Spark uses)
 * reads, for a split {@code [start, start + length)}, exactly the row groups whose midpoint (first
 * column's starting position plus half the group's compressed size) lies in that range, in file
 * order; so a split's rows can be placed in their row groups by counting, with no per-row
 * metadata column. {@link Cursor} does that and fails if the counts do not match the footer.
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
   * Places the rows of one split, as the reader returns them, in their row groups: each call of
   * {@link #next} is the split's next row.
   */
  public final class Cursor {
    private final String file;
    private final long start;
    private final long length;
    private int group;
    private long left;
    private long seen;

    /** A cursor before the first row of split {@code [start, start + length)} of file. */
    public Cursor(String file, long start, long length) {
      this.file = file;
      this.start = start;
      this.length = length;
      this.group = -1;
    }

    /** The row group of the split's next row. */
    public int next() {
      while (left == 0) {
        group = nextGroup(group);
        if (group == count()) {
          throw mismatch("more than");
        }
        left = rows(group);
      }
      left--;
      seen++;
      return group;
    }

    /** Checks that the split ended where its row groups do. */
    public void finish() {
      if (left != 0 || nextNonEmpty(group) != count()) {
        throw mismatch("only");
      }
    }

    private int nextGroup(int g) {
      for (g++; g < count() && !inSplit(g, start, length); g++) {
        // skip the groups of other splits
      }
      return g;
    }

    private int nextNonEmpty(int g) {
      for (g = nextGroup(g); g < count() && rows(g) == 0; g = nextGroup(g)) {
        // skip empty groups
      }
      return g;
    }

    private IllegalStateException mismatch(String howMany) {
      long expected = 0;
      for (int g = 0; g < count(); g++) {
        expected += inSplit(g, start, length) ? rows(g) : 0;
      }
      return new IllegalStateException(String.format("%s, split [%d, %d): the reader returned %s "
          + "%d rows where the footer's row groups with their midpoints in the split hold %d (was "
          + "the file rewritten while it was read?)", file, start, start + length, howMany,
          seen, expected));
    }
  }
}

package io.ablate.dataset;

import io.ablate.AblateException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.catalyst.catalog.ExternalCatalogUtils;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * The Parquet files of one input, sorted by path, with the partition values of each from its
 * {@code name=value} directories below the input (the base path), as Spark's partition discovery
 * reads them: walking up from the file's directory, the {@code name=value} directories until the
 * first that is not one; values unescaped as Spark escapes them, {@code __HIVE_DEFAULT_PARTITION__}
 * a null. Every file of an input has the same partition columns, in the same order.
 *
 * @param root the base path (a directory)
 * @param input the input as given, for messages
 * @param columns the partition columns, outermost first
 * @param files the files
 * @param values each file's partition values, typed ({@link #type})
 */
record Listing(String root, String input, List<String> columns, List<FileStatus> files,
    List<Object[]> values) {

  /** Lists {@code path} (a directory or one file); a file's base path is its directory. */
  static Listing of(Configuration conf, String path, String input) {
    List<FileStatus> files = new ArrayList<>();
    Path root;
    try {
      Path p = new Path(path);
      FileSystem fs = p.getFileSystem(conf);
      if (!fs.exists(p)) {
        throw AblateException.badInput("input %s does not exist", path);
      }
      FileStatus top = fs.getFileStatus(p);
      root = top.isDirectory() ? top.getPath() : top.getPath().getParent();
      // listStatus, not listFiles: a LocatedFileStatus of the local file system runs `ls -ld`
      // for each file's permissions (90 s for 10,000 files); data files are found by name.
      ArrayDeque<FileStatus> todo = new ArrayDeque<>();
      todo.add(top);
      while (!todo.isEmpty()) {
        FileStatus s = todo.poll();
        if (s.isDirectory()) {
          for (FileStatus child : fs.listStatus(s.getPath())) {
            if (isDataFile(root, child.getPath())) {
              todo.add(child);
            }
          }
        } else if (s.getPath().getName().endsWith(".parquet")) {
          files.add(s);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + path, e);
    }
    files.sort((a, b) -> a.getPath().toString().compareTo(b.getPath().toString()));
    List<String> columns = null;
    String first = null;
    List<Object[]> values = new ArrayList<>();
    for (FileStatus f : files) {
      List<String> names = new ArrayList<>();
      List<String> raw = new ArrayList<>();
      List<Path> dirs = new ArrayList<>();
      for (Path d = f.getPath().getParent(); d != null && !d.equals(root); d = d.getParent()) {
        int eq = d.getName().indexOf('=');
        if (eq <= 0) {
          if (!names.isEmpty()) {
            break;
          }
          continue;
        }
        names.add(0, d.getName().substring(0, eq));
        raw.add(0, d.getName().substring(eq + 1));
        dirs.add(0, d);
      }
      if (columns == null) {
        columns = names;
        first = f.getPath().getParent().toString();
      } else if (!columns.equals(names)) {
        throw AblateException.badInput("%s: conflicting partition directories: %s has partition "
            + "columns %s, %s has %s", input, first, columns, f.getPath().getParent(), names);
      }
      Object[] typed = new Object[names.size()];
      for (int i = 0; i < typed.length; i++) {
        typed[i] = value(names.get(i), raw.get(i), dirs.get(i));
      }
      values.add(typed);
    }
    return new Listing(root.toString(), input, columns == null ? List.of() : List.copyOf(columns),
        List.copyOf(files), values);
  }

  /** The same input with the files at {@code keep} (indices in order). */
  Listing subset(List<Integer> keep) {
    List<FileStatus> f = new ArrayList<>();
    List<Object[]> v = new ArrayList<>();
    for (int i : keep) {
      f.add(files.get(i));
      v.add(values.get(i));
    }
    return new Listing(root, input, columns, f, v);
  }

  /**
   * The type of a partition column: {@code layer} and {@code token} are integers, the contract's
   * other key columns and any other column strings; a vector column cannot be one.
   */
  static DataType type(String column) {
    switch (column) {
      case "layer": case "token": return DataTypes.IntegerType;
      case "values": case "data": case "dtype":
        throw AblateException.badInput("column '%s' cannot be a partition column (a directory "
            + "%s=...): it is part of each row's vector", column, column);
      default: return DataTypes.StringType;
    }
  }

  /** A directory's value as its column's type; bad input naming the directory otherwise. */
  private static Object value(String column, String escaped, Path dir) {
    String v = ExternalCatalogUtils.unescapePathName(escaped);
    DataType t = type(column);
    if (v.equals(ExternalCatalogUtils.DEFAULT_PARTITION_NAME())) {
      return null;
    }
    if (t == DataTypes.StringType) {
      return v;
    }
    long n;
    try {
      n = Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw AblateException.badInput("directory %s: partition value '%s' of column '%s' is not an "
          + "integer", dir, v, column);
    }
    if (n != (int) n) {
      throw AblateException.badInput("directory %s: partition value %d of column '%s' is beyond "
          + "the int range", dir, n, column);
    }
    return (int) n;
  }

  /** Files and directories starting with _ or . (Spark's _SUCCESS, .crc, _staging) are not data. */
  private static boolean isDataFile(Path root, Path p) {
    for (Path q = p; q != null && !q.equals(root); q = q.getParent()) {
      String n = q.getName();
      if (n.startsWith("_") || n.startsWith(".")) {
        return false;
      }
    }
    return true;
  }
}

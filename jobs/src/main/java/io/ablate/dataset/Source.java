package io.ablate.dataset;

import io.ablate.AblateException;
import java.util.Arrays;
import java.util.List;

/**
 * What a job reads: one or more inputs (directories, files or Hadoop globs such as {@code
 * /acts/llama-*}), or a table of the session's catalog by name; and an optional selection over the
 * key columns, in Spark SQL ({@code model = 'llama-8b' AND layer BETWEEN 0 AND 3}).
 *
 * @param inputs paths or globs (empty with a table)
 * @param table a catalog table name ({@code db.t}), or null
 * @param where the selection, or null for every row
 */
public record Source(List<String> inputs, String table, String where) {
  public Source {
    inputs = List.copyOf(inputs);
    where = where == null || where.isBlank() ? null : where.trim();
    if (inputs.isEmpty() == (table == null)) {
      throw AblateException.badInput(table == null ? "no input: give --input or --table"
          : "give --input or --table, not both");
    }
  }

  /** One input, or several separated by commas, every row. */
  public static Source of(String input) {
    return new Source(split(input), null, null);
  }

  /** Inputs separated by commas ({@code a,b}), each a path or a glob. */
  public static List<String> split(String input) {
    List<String> out = Arrays.stream(input.split(",")).map(String::trim)
        .filter(s -> !s.isEmpty()).toList();
    if (out.isEmpty()) {
      throw AblateException.badInput("--input is empty");
    }
    return out;
  }

  /** The same inputs with a selection. */
  public Source where(String selection) {
    return new Source(inputs, table, selection);
  }

  /** The inputs as given ({@code a,b}), or the table's name: what a run records as its inputs. */
  @Override
  public String toString() {
    return table != null ? table : String.join(",", inputs);
  }
}

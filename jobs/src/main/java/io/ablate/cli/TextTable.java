package io.ablate.cli;

import java.util.ArrayList;
import java.util.List;

/** A readable fixed-width table for the terminal, or Markdown for documents. */
public final class TextTable {
  private final List<String> header;
  private final List<List<String>> rows = new ArrayList<>();

  public TextTable(String... header) {
    this.header = List.of(header);
  }

  public TextTable row(Object... cells) {
    List<String> r = new ArrayList<>();
    for (Object c : cells) {
      r.add(c == null ? "" : c.toString());
    }
    rows.add(r);
    return this;
  }

  /** The number of rows. */
  public int size() {
    return rows.size();
  }

  public String render() {
    int[] w = widths();
    StringBuilder sb = new StringBuilder();
    line(sb, header, w, ' ');
    StringBuilder rule = new StringBuilder();
    for (int i = 0; i < w.length; i++) {
      rule.append(i == 0 ? "" : "  ").append("-".repeat(w[i]));
    }
    sb.append(rule).append('\n');
    for (List<String> r : rows) {
      line(sb, r, w, ' ');
    }
    return sb.toString();
  }

  /** A Markdown (GitHub) table; '|' in a cell is escaped and line breaks become spaces. */
  public String markdown() {
    StringBuilder sb = new StringBuilder();
    mdLine(sb, header);
    sb.append('|');
    header.forEach(h -> sb.append("---|"));
    sb.append('\n');
    for (List<String> r : rows) {
      mdLine(sb, r);
    }
    return sb.toString();
  }

  private static void mdLine(StringBuilder sb, List<String> cells) {
    sb.append('|');
    for (String c : cells) {
      sb.append(' ').append(c.replace("|", "\\|").replace("\r\n", " ").replace('\n', ' ')
          .replace('\r', ' ')).append(" |");
    }
    sb.append('\n');
  }

  private int[] widths() {
    int[] w = new int[header.size()];
    for (int i = 0; i < w.length; i++) {
      w[i] = header.get(i).length();
      for (List<String> r : rows) {
        w[i] = Math.max(w[i], i < r.size() ? r.get(i).length() : 0);
      }
    }
    return w;
  }

  private static void line(StringBuilder sb, List<String> cells, int[] w, char pad) {
    StringBuilder l = new StringBuilder();
    for (int i = 0; i < w.length; i++) {
      String c = i < cells.size() ? cells.get(i) : "";
      l.append(i == 0 ? "" : "  ").append(c).append(String.valueOf(pad).repeat(w[i] - c.length()));
    }
    sb.append(l.toString().stripTrailing()).append('\n');
  }
}

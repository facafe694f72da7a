package io.ablate.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import io.ablate.AblateException;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.temporal.TemporalAccessor;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Renders report tables (HTML: {@link HtmlReport}). Markdown is for reading (doubles to 6 significant digits); CSV (RFC 4180:
 * a header row, CRLF line ends, fields with {@code , " CR LF} quoted, quotes doubled, null empty)
 * and JSON Lines are for tools: doubles there print with enough digits to read back the same
 * value, and NaN and infinities, which JSON numbers cannot hold, as the strings {@code "NaN"},
 * {@code "Infinity"}, {@code "-Infinity"} (the same words in CSV). Timestamps are ISO-8601 UTC,
 * binary values base64; arrays, maps and structs are JSON (in CSV and Markdown, as JSON text).
 */
final class ReportWriter {
  private ReportWriter() {}

  /** The output formats of {@code ablate report}. */
  enum Format {
    MD, CSV, JSON, HTML;

    static Format parse(String s) {
      for (Format f : values()) {
        if (f.name().toLowerCase(Locale.ROOT).equals(s)) {
          return f;
        }
      }
      throw AblateException.badInput("--format %s is not a report format; valid: md, csv, json, "
          + "html", s);
    }
  }

  /**
   * One table of a report.
   *
   * @param name the table's name (the "table" field of JSON Lines)
   * @param caption the Markdown heading
   * @param schema the columns of {@code rows}
   * @param rows the rows, in output order
   */
  record Table(String name, String caption, StructType schema, List<Row> rows) {}

  static String render(Format format, List<Table> tables) {
    if (format == Format.CSV && tables.size() != 1) {
      throw new IllegalArgumentException("csv holds one table, not " + tables.size());
    }
    return switch (format) {
      case MD -> markdown(tables);
      case CSV -> csv(tables.get(0));
      case JSON -> jsonLines(tables);
      case HTML -> throw new IllegalArgumentException("html needs the repository: HtmlReport");
    };
  }

  /** Each table under a {@code ##} heading. */
  static String markdown(List<Table> tables) {
    StringBuilder sb = new StringBuilder();
    for (Table t : tables) {
      sb.append(sb.length() == 0 ? "" : "\n").append("## ").append(t.caption()).append("\n\n");
      TextTable text = new TextTable(t.schema().fieldNames());
      for (Row r : t.rows()) {
        Object[] cells = new Object[r.size()];
        for (int i = 0; i < cells.length; i++) {
          cells[i] = readable(r.get(i));
        }
        text.row(cells);
      }
      sb.append(text.markdown());
      if (t.rows().isEmpty()) {
        sb.append("\n(no rows)\n");
      }
    }
    return sb.toString();
  }

  static String csv(Table t) {
    StringBuilder sb = new StringBuilder();
    String[] names = t.schema().fieldNames();
    for (int i = 0; i < names.length; i++) {
      sb.append(i == 0 ? "" : ",").append(csvField(names[i]));
    }
    sb.append("\r\n");
    for (Row r : t.rows()) {
      for (int i = 0; i < r.size(); i++) {
        sb.append(i == 0 ? "" : ",").append(csvField(exact(r.get(i))));
      }
      sb.append("\r\n");
    }
    return sb.toString();
  }

  /** One JSON object per row and line: {@code "table"} first, then the columns in order. */
  static String jsonLines(List<Table> tables) {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
      g.setPrettyPrinter(new MinimalPrettyPrinter("\n"));
      for (Table t : tables) {
        String[] names = t.schema().fieldNames();
        for (Row r : t.rows()) {
          g.writeStartObject();
          g.writeStringField("table", t.name());
          for (int i = 0; i < names.length; i++) {
            g.writeFieldName(names[i]);
            json(g, r.get(i));
          }
          g.writeEndObject();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.getBuffer().length() == 0 ? "" : w + "\n";
  }

  private static String csvField(String s) {
    if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
      return s;
    }
    return '"' + s.replace("\"", "\"\"") + '"';
  }

  /** A value as text that reads back the same (CSV); null is empty. */
  static String exact(Object v) {
    if (v == null) {
      return "";
    } else if (v instanceof Double d) {
      return Double.toString(d); // shortest digits that round-trip; NaN, Infinity, -Infinity
    } else if (v instanceof Float f) {
      return Float.toString(f);
    } else if (v instanceof BigDecimal b) {
      return b.toPlainString();
    } else if (v instanceof byte[] b) {
      return Base64.getEncoder().encodeToString(b);
    }
    String time = time(v);
    if (time != null) {
      return time;
    }
    return complex(v) ? jsonText(v) : v.toString();
  }

  /** A value for reading (Markdown): doubles to 6 significant digits, binary as its length. */
  static String readable(Object v) {
    if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      if (!Double.isFinite(d)) {
        return Double.toString(d);
      }
      // %g pads with zeros (0.500000, 1.00000e-07): drop them.
      String s = String.format(Locale.ROOT, "%.6g", d);
      int e = s.indexOf('e');
      String mantissa = e < 0 ? s : s.substring(0, e);
      if (mantissa.indexOf('.') >= 0) {
        mantissa = mantissa.replaceAll("0+$", "").replaceAll("\\.$", "");
      }
      return mantissa + (e < 0 ? "" : s.substring(e));
    } else if (v instanceof byte[] b) {
      return "(" + b.length + " bytes)";
    }
    return exact(v);
  }

  /**
   * Writes a value as the JSON formats show it (JSON Lines here, results files too): doubles with
   * every digit, NaN and infinities as strings, timestamps ISO-8601 UTC, binary base64.
   */
  static void json(JsonGenerator g, Object v) throws IOException {
    if (v == null) {
      g.writeNull();
    } else if (v instanceof Double d) {
      if (Double.isFinite(d)) {
        g.writeNumber(d);
      } else {
        g.writeString(Double.toString(d));
      }
    } else if (v instanceof Float f) {
      if (Float.isFinite(f)) {
        g.writeNumber(f);
      } else {
        g.writeString(Float.toString(f));
      }
    } else if (v instanceof Integer || v instanceof Long || v instanceof Short
        || v instanceof Byte) {
      g.writeNumber(((Number) v).longValue());
    } else if (v instanceof BigDecimal b) {
      g.writeNumber(b);
    } else if (v instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (v instanceof byte[] b) {
      g.writeBinary(b);
    } else if (v instanceof Row r) {
      g.writeStartObject();
      String[] names = r.schema() == null ? null : r.schema().fieldNames();
      for (int i = 0; i < r.size(); i++) {
        g.writeFieldName(names == null ? "_" + (i + 1) : names[i]);
        json(g, r.get(i));
      }
      g.writeEndObject();
    } else if (v instanceof scala.collection.Map<?, ?> m) {
      g.writeStartObject();
      for (var e : CollectionConverters.asJava(m).entrySet()) {
        g.writeFieldName(String.valueOf(e.getKey()));
        json(g, e.getValue());
      }
      g.writeEndObject();
    } else if (v instanceof scala.collection.Iterable<?> s) {
      g.writeStartArray();
      for (Object o : CollectionConverters.asJava(s)) {
        json(g, o);
      }
      g.writeEndArray();
    } else {
      String time = time(v);
      g.writeString(time != null ? time : v.toString());
    }
  }

  private static boolean complex(Object v) {
    return v instanceof Row || v instanceof scala.collection.Iterable<?>;
  }

  private static String jsonText(Object v) {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
      json(g, v);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }

  /** ISO-8601 text of a date or time value (timestamps in UTC), or null if {@code v} is neither. */
  private static String time(Object v) {
    if (v instanceof java.sql.Timestamp t) {
      return t.toInstant().toString();
    } else if (v instanceof java.sql.Date d) {
      return d.toLocalDate().toString();
    } else if (v instanceof TemporalAccessor) {
      return v.toString(); // Instant, LocalDate, LocalDateTime
    }
    return null;
  }
}

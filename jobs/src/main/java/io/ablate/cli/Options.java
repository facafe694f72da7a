package io.ablate.cli;

import io.ablate.AblateException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Parsed {@code --name value} and {@code --flag} options. Every lookup records the name, so that
 * {@link #requireAllUsed} can reject options a command does not know (a typo is an error, not a
 * silently ignored setting). {@code --conf k=v} may repeat. Options may also come from a job spec
 * ({@link JobSpec}); {@link #over} lays the command line over them, and errors about an option
 * from a file name the file and line.
 */
public final class Options {
  private final Map<String, String> values;
  /** Where each option from a job spec was given ("FILE, line N"); none for the command line. */
  private final Map<String, String> origins;
  private final List<String> confs;
  private final Set<String> used = new TreeSet<>();

  /** Option names that take no value. */
  static final Set<String> FLAGS = Set.of("help", "quick", "latency", "overwrite");

  private Options() {
    this(new LinkedHashMap<>(), new LinkedHashMap<>(), new ArrayList<>());
  }

  Options(Map<String, String> values, Map<String, String> origins, List<String> confs) {
    this.values = values;
    this.origins = origins;
    this.confs = confs;
  }

  public static Options parse(List<String> args) {
    Options o = new Options();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (!a.startsWith("--") || a.length() == 2) {
        throw AblateException.badInput("unexpected argument '%s'; options look like --name value", a);
      }
      String name = a.substring(2);
      String value;
      int eq = name.indexOf('=');
      if (eq > 0 && !name.startsWith("conf")) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      } else if (FLAGS.contains(name)) {
        value = "true";
      } else {
        if (i + 1 >= args.size()) {
          throw AblateException.badInput("option --%s needs a value", name);
        }
        value = args.get(++i);
      }
      if (name.equals("conf")) {
        if (!value.contains("=")) {
          throw AblateException.badInput("--conf %s: expected key=value", value);
        }
        o.confs.add(value);
      } else if (o.values.put(name, value) != null) {
        throw AblateException.badInput("option --%s given twice", name);
      }
    }
    return o;
  }

  /**
   * These (command-line) options over {@code file}'s (a job spec's): a value given here wins, the
   * file's {@code --conf} pairs come first so that later pairs here override them. {@code job}
   * itself is consumed.
   */
  Options over(Options file) {
    Map<String, String> v = new LinkedHashMap<>(file.values);
    Map<String, String> o = new LinkedHashMap<>(file.origins);
    values.forEach((name, value) -> {
      v.put(name, value);
      o.remove(name);
    });
    v.remove("job");
    List<String> c = new ArrayList<>(file.confs);
    c.addAll(confs);
    return new Options(v, o, c);
  }

  public String get(String name, String fallback) {
    used.add(name);
    return values.getOrDefault(name, fallback);
  }

  public String require(String name) {
    used.add(name);
    String v = values.get(name);
    if (v == null) {
      throw AblateException.badInput("missing option --%s", name);
    }
    return v;
  }

  public boolean flag(String name) {
    used.add(name);
    return Boolean.parseBoolean(values.getOrDefault(name, "false"));
  }

  public long getLong(String name, long fallback, long min, long max) {
    String v = get(name, null);
    if (v == null) {
      return fallback;
    }
    try {
      long n = Long.parseLong(v.replace("_", ""));
      if (n < min || n > max) {
        throw AblateException.badInput("--%s %s is out of range; valid: %d to %d%s", name, v, min,
            max, from(name));
      }
      return n;
    } catch (NumberFormatException e) {
      throw AblateException.badInput("--%s %s is not a whole number%s", name, v, from(name));
    }
  }

  public double getDouble(String name, double fallback) {
    String v = get(name, null);
    if (v == null) {
      return fallback;
    }
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw AblateException.badInput("--%s %s is not a number%s", name, v, from(name));
    }
  }

  /** {@code --conf} pairs in order. */
  public List<String> confs() {
    used.add("conf");
    return Collections.unmodifiableList(confs);
  }

  /** The names of the options given (not defaults), {@code conf} if any pair was. */
  Set<String> given() {
    Set<String> names = new TreeSet<>(values.keySet());
    if (!confs.isEmpty()) {
      names.add("conf");
    }
    return names;
  }

  /** Rejects options that the command never looked at. */
  public void requireAllUsed(String command) {
    for (String name : values.keySet()) {
      if (!used.contains(name)) {
        throw AblateException.badInput("%s does not take --%s%s; see 'ablate %s --help'", command,
            name, from(name), command);
      }
    }
  }

  /** " (job spec FILE, line N)" for an option from a job spec, else "". */
  private String from(String name) {
    String origin = origins.get(name);
    return origin == null ? "" : " (job spec " + origin + ")";
  }
}

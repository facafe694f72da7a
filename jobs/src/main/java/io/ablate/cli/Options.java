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
 * silently ignored setting). {@code --conf k=v} may repeat.
 */
public final class Options {
  private final Map<String, String> values = new LinkedHashMap<>();
  private final List<String> confs = new ArrayList<>();
  private final Set<String> used = new TreeSet<>();

  /** Option names that take no value. */
  private static final Set<String> FLAGS = Set.of("help", "quick", "latency", "overwrite");

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
        throw AblateException.badInput("--%s %s is out of range; valid: %d to %d", name, v, min, max);
      }
      return n;
    } catch (NumberFormatException e) {
      throw AblateException.badInput("--%s %s is not a whole number", name, v);
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
      throw AblateException.badInput("--%s %s is not a number", name, v);
    }
  }

  /** {@code --conf} pairs in order. */
  public List<String> confs() {
    used.add("conf");
    return Collections.unmodifiableList(confs);
  }

  /** Rejects options that the command never looked at. */
  public void requireAllUsed(String command) {
    for (String name : values.keySet()) {
      if (!used.contains(name)) {
        throw AblateException.badInput("%s does not take --%s; see 'ablate %s --help'", command,
            name, command);
      }
    }
  }
}

package io.ablate.cli;

import io.ablate.AblateException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A job spec ({@code --job FILE.yaml}): a YAML mapping of option names (as on the command line,
 * without {@code --}) to values, for scheduled pipelines. Values are taken as written: the YAML is
 * composed into nodes, not constructed, so {@code run-id: 0123} stays {@code 0123} and is not read
 * as an octal number; the command's own option model then converts and checks them as it does
 * the command line's ({@link SpecDefaults}). Forms:
 *
 * <pre>
 * command: ablate              # optional; must match the command given, or names it
 * input: data-samples/activations
 * variants: [gelu_tanh, silu]  # a list: variants and gates joined with ';', others with ','
 * gate: [snr_db>=40, max_abs_err<=1e-3]   # a repeatable option: one item per occurrence
 * overwrite: true              # a flag: true or false
 * conf:                        # a mapping, or a list of key=value
 *   spark.sql.shuffle.partitions: 8
 * </pre>
 *
 * @param file the spec's path, as given
 * @param command the {@code command:} value, or null
 * @param values option name (without {@code --}) to value, in the file's order
 * @param origins option name to "FILE, line N", for error messages
 * @param confs the {@code conf} pairs as {@code key=value}, in order
 */
record JobSpec(String file, String command, Map<String, String> values,
    Map<String, String> origins, List<String> confs) {
  /** Reads and checks a spec; bad input names the file and, where known, the line. */
  static JobSpec load(String file) {
    Path path = Path.of(file);
    if (!Files.isRegularFile(path)) {
      throw AblateException.badInput("job spec %s does not exist (or is not a file)", file);
    }
    Node root;
    try (Reader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      root = new Yaml(new SafeConstructor(new LoaderOptions())).compose(in);
    } catch (MarkedYAMLException e) {
      Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      throw AblateException.badInput("job spec %s is not valid YAML%s: %s", file,
          m == null ? "" : String.format(Locale.ROOT, " (line %d, column %d)", m.getLine() + 1,
              m.getColumn() + 1), e.getProblem() != null ? e.getProblem() : e.getMessage());
    } catch (YAMLException e) {
      throw AblateException.badInput("job spec %s is not valid YAML: %s", file, e.getMessage());
    } catch (IOException e) {
      throw AblateException.badInput("cannot read job spec %s: %s", file, e.getMessage());
    }
    if (root == null) {
      throw AblateException.badInput("job spec %s is empty: expected a mapping of option names "
          + "to values, e.g. 'input: DIR'", file);
    }
    if (!(root instanceof MappingNode mapping)) {
      throw AblateException.badInput("job spec %s: expected a mapping of option names to "
          + "values, e.g. 'input: DIR'", at(file, root));
    }
    return parse(file, mapping);
  }

  private static JobSpec parse(String file, MappingNode mapping) {
    Map<String, String> values = new LinkedHashMap<>();
    Map<String, String> origins = new LinkedHashMap<>();
    Map<String, Integer> lines = new LinkedHashMap<>();
    List<String> confs = new ArrayList<>();
    String command = null;
    for (NodeTuple t : mapping.getValue()) {
      if (!(t.getKeyNode() instanceof ScalarNode k) || k.getValue().isEmpty()) {
        throw AblateException.badInput("job spec %s: expected an option name as the key",
            at(file, t.getKeyNode()));
      }
      String name = k.getValue();
      if (name.startsWith("-")) {
        throw AblateException.badInput("job spec %s: write '%s', not '%s'", at(file, k),
            name.replaceFirst("^-+", ""), name);
      }
      Integer earlier = lines.put(name, line(k));
      if (earlier != null) {
        throw AblateException.badInput("job spec %s: '%s' is given twice (lines %d and %d)", file,
            name, earlier, line(k));
      }
      Node value = t.getValueNode();
      switch (name) {
        case "command" -> command = scalar(file, name, value);
        case "job" -> throw AblateException.badInput(
            "job spec %s: a job spec cannot name another job spec", at(file, k));
        case "conf" -> confs.addAll(confs(file, value));
        default -> {
          String v = value instanceof SequenceNode list ? joined(file, name, list)
              : scalar(file, name, value);
          values.put(name, v);
          origins.put(name, at(file, k));
        }
      }
    }
    return new JobSpec(file, command, values, origins, confs);
  }

  /**
   * Options whose items may hold ',' (variant parameters, per-layer variant configs) and are
   * separated by ';': the variant list, and {@code --gate}, which splits its value at ';' so
   * that a list reaches it as one occurrence per item.
   */
  private static final Set<String> SEMICOLON_LISTS = Set.of("variants", "gate");

  /** A list value, its items joined with ';' ({@link #SEMICOLON_LISTS}) or ','. */
  private static String joined(String file, String name, SequenceNode list) {
    List<String> items = new ArrayList<>();
    for (Node n : list.getValue()) {
      items.add(scalar(file, name, n));
    }
    if (items.isEmpty()) {
      throw AblateException.badInput("job spec %s: '%s' is an empty list", at(file, list), name);
    }
    return String.join(SEMICOLON_LISTS.contains(name) ? ";" : ",", items);
  }

  /** {@code conf} as a mapping of Spark keys to values, or as a list of {@code key=value}. */
  private static List<String> confs(String file, Node value) {
    List<String> out = new ArrayList<>();
    if (value instanceof MappingNode m) {
      for (NodeTuple t : m.getValue()) {
        String key = scalar(file, "conf", t.getKeyNode());
        out.add(key + "=" + scalar(file, "conf: " + key, t.getValueNode()));
      }
    } else if (value instanceof SequenceNode list) {
      for (Node n : list.getValue()) {
        String kv = scalar(file, "conf", n);
        if (kv.indexOf('=') <= 0) {
          throw AblateException.badInput("job spec %s: conf entry '%s': expected key=value",
              at(file, n), kv);
        }
        out.add(kv);
      }
    } else {
      throw AblateException.badInput("job spec %s: 'conf' must be a mapping (key: value) or a "
          + "list of key=value", at(file, value));
    }
    return out;
  }

  /** A plain value, as written (null and empty values are errors). */
  private static String scalar(String file, String name, Node node) {
    if (!(node instanceof ScalarNode s)) {
      throw AblateException.badInput("job spec %s: '%s' must be a single value, not a %s",
          at(file, node), name, node instanceof MappingNode ? "mapping" : "list");
    }
    if (s.getTag().equals(Tag.NULL) || s.getValue().isEmpty()) {
      throw AblateException.badInput("job spec %s: '%s' has no value", at(file, node), name);
    }
    return s.getValue();
  }

  /** "FILE, line N": where a node starts. */
  private static String at(String file, Node n) {
    return file + ", line " + line(n);
  }

  private static int line(Node n) {
    return n.getStartMark() == null ? 0 : n.getStartMark().getLine() + 1;
  }
}

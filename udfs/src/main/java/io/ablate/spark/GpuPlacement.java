package io.ablate.spark;

import com.nvidia.spark.rapids.ExplainPlan;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Where the RAPIDS Accelerator would run each activation call of a query, without a GPU: the plugin
 * in explain-only mode plans the query as if it had one, and {@link ExplainPlan} reports the plan.
 * In the report {@code *} marks what runs on the GPU, {@code !} what cannot, {@code ^} what runs on
 * the CPU through the "CPU bridge"; the bridge is off in {@link #explainOnlySession}, so a UDF marked
 * {@code *} really has a GPU form.
 */
public final class GpuPlacement {
  /**
   * {@code *Expression <ScalaUDF> gelu_tanh(x#1) will run on GPU} and its {@code !}, {@code @}
   * ("could run", its operator stays on the CPU) and {@code ^} kin.
   */
  private static final Pattern UDF_LINE = Pattern.compile(
      "^([*!^@#])Expression <ScalaUDF> (.*?) ((?:will|cannot|could|will not) .*)$");

  /** Where a call runs. */
  public enum Where {
    GPU, CPU
  }

  /** One UDF of the report: the name shown in the plan, where it runs, and the plugin's words. */
  public record Placement(String name, Where where, String reason) {}

  private GpuPlacement() {}

  /**
   * A local session with the RAPIDS plugin in explain-only mode and the CPU bridge off. The plugin
   * needs Spark's mutable class loader as the thread's context loader when the session starts.
   */
  public static SparkSession explainOnlySession(String master) {
    return explainOnlySession(master, java.util.Map.of());
  }

  /** As {@link #explainOnlySession(String)}, with further Spark settings (e.g. {@code --conf}). */
  public static SparkSession explainOnlySession(String master, java.util.Map<String, String> confs) {
    Thread t = Thread.currentThread();
    if (!(t.getContextClassLoader() instanceof org.apache.spark.util.MutableURLClassLoader)) {
      t.setContextClassLoader(new org.apache.spark.util.MutableURLClassLoader(
          new java.net.URL[0], t.getContextClassLoader()));
    }
    SparkSession.Builder b = SparkSession.builder();
    if (master != null) {
      b.master(master);
    }
    confs.forEach(b::config);
    return b
        .appName("ablate-explain-gpu")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.plugins", "com.nvidia.spark.SQLPlugin")
        .config("spark.rapids.sql.mode", "explainOnly")
        .config("spark.rapids.sql.explain", "NONE")
        .config("spark.rapids.sql.expression.cpuBridge.enabled", "false")
        // Planning only: keep Spark's own shuffle (the plugin's is for GPU executors).
        .config("spark.rapids.shuffle.enabled", "false")
        .getOrCreate();
  }

  /** The plugin's report for a query (every node, GPU or not). */
  public static String report(Dataset<Row> query) {
    return ExplainPlan.explainPotentialGpuPlan(query, "ALL");
  }

  /**
   * The report's lines that would not run on the GPU (any node not marked {@code *}), trimmed:
   * empty when the whole plan is placed on the GPU.
   */
  public static java.util.List<String> notOnGpu(String report) {
    java.util.List<String> out = new java.util.ArrayList<>();
    for (String line : report.split("\n")) {
      String t = line.trim();
      if (t.contains(" <") && !t.startsWith("*") && !t.isEmpty()) {
        out.add(t);
      }
    }
    return out;
  }

  /**
   * The report's {@code !} lines: what cannot run on the GPU, each with the plugin's reason (an
   * operator that falls back takes its other expressions with it, reported as {@code @}).
   */
  public static java.util.List<String> cannotRunOnGpu(String report) {
    return notOnGpu(report).stream().filter(l -> l.startsWith("!")).toList();
  }

  /** {@code act(gelu@bf16)(v#3, x#1)} → {@code act(gelu@bf16)}: the part before the argument list. */
  static String functionName(String call) {
    int attribute = call.indexOf('#');
    int open = call.lastIndexOf('(', attribute < 0 ? call.length() - 1 : attribute);
    return open < 0 ? call : call.substring(0, open);
  }

  /** The ScalaUDFs of a report, by the name shown in the plan (first occurrence wins). */
  public static Map<String, Placement> udfs(String report) {
    Map<String, Placement> out = new LinkedHashMap<>();
    for (String line : report.split("\n")) {
      Matcher m = UDF_LINE.matcher(line.trim());
      if (m.find()) {
        Where where = m.group(1).equals("*") ? Where.GPU : Where.CPU;
        String name = functionName(m.group(2));
        out.putIfAbsent(name, new Placement(name, where, m.group(3).trim()));
      }
    }
    return out;
  }
}

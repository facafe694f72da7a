package io.ablate.eval;

import ai.djl.ndarray.NDManager;
import io.ablate.model.ModelConfig;
import io.ablate.model.VariantConfig;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Prompt evaluation on Spark: prompts partitioned, each partition's prompts run in batches by the
 * executor's one copy of the model ({@link ExecutorModels}) under every variant config, one
 * NDManager per partition (closed when the partition ends). Per-prompt results travel to the
 * driver, which sorts them (config, prompt id) and aggregates per (config, task) in that fixed
 * order: the tables do not depend on the order partitions finish in.
 *
 * @param configs the variant configs as given; the baseline is evaluated first whether listed or not
 */
public record PromptEval(String modelDir, List<String> configs, int batch, int partitions,
    int maxNew) implements Serializable {

  static final StructType RESULT = new StructType()
      .add("config", DataTypes.IntegerType).add("prompt_id", DataTypes.StringType)
      .add("task", DataTypes.StringType).add("output", DataTypes.StringType)
      .add("correct", DataTypes.BooleanType).add("nll_sum", DataTypes.DoubleType)
      .add("nll_tokens", DataTypes.IntegerType).add("kl_sum", DataTypes.DoubleType)
      .add("max_kl", DataTypes.DoubleType).add("agree", DataTypes.IntegerType)
      .add("positions", DataTypes.IntegerType).add("prefill_ms", DataTypes.DoubleType)
      .add("decode_ms_per_token", DataTypes.DoubleType).add("generated", DataTypes.IntegerType)
      .add("batch_ms", DataTypes.DoubleType).add("batch_size", DataTypes.IntegerType)
      .add("score_ms", DataTypes.DoubleType).add("load_ms", DataTypes.DoubleType);

  /** The config every other is compared with: the model's own activation. */
  public static final String BASELINE = "baseline";

  /** The configs evaluated, baseline first. */
  public List<String> evaluated() {
    List<String> out = new ArrayList<>();
    out.add(BASELINE);
    for (String c : configs) {
      if (!c.trim().equals(BASELINE)) {
        out.add(c.trim());
      }
    }
    return out;
  }

  /** Checks every config against the model's config (bad input before Spark runs anything). */
  public List<VariantConfig> resolve(ModelConfig config) {
    List<VariantConfig> out = new ArrayList<>();
    for (String c : evaluated()) {
      out.add(VariantConfig.parse(c, config));
    }
    return out;
  }

  /** Runs over {@code prompts} (from {@link PromptData#read}); per-prompt results, sorted. */
  public List<PromptRunner.Result> run(Dataset<Row> prompts) {
    PromptEval self = this;
    Dataset<Row> parts = prompts.repartition(partitions, prompts.col("id"));
    List<Row> rows = parts.mapPartitions(
        (MapPartitionsFunction<Row, Row>) it -> self.partition(it).iterator(),
        Encoders.row(RESULT)).collectAsList();
    List<PromptRunner.Result> out = new ArrayList<>(rows.size());
    for (Row r : rows) {
      out.add(new PromptRunner.Result(r.getInt(0), r.getString(1), r.getString(2), r.getString(3),
          r.isNullAt(4) ? null : r.getBoolean(4), r.getDouble(5), r.getInt(6), r.getDouble(7),
          r.getDouble(8), r.getInt(9), r.getInt(10), r.getDouble(11), r.getDouble(12),
          r.getInt(13), r.getDouble(14), r.getInt(15), r.getDouble(16), r.getDouble(17)));
    }
    out.sort(Comparator.comparingInt(PromptRunner.Result::config)
        .thenComparing(PromptRunner.Result::promptId));
    return out;
  }

  List<Row> partition(Iterator<Row> it) {
    long l0 = System.nanoTime();
    PromptRunner runner = ExecutorModels.get(modelDir, maxNew);
    double loadMs = (System.nanoTime() - l0) / 1e6; // about 0 once this JVM has the model
    List<VariantConfig> resolved = resolve(runner.modelDir().config());
    List<Row> out = new ArrayList<>();
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      List<Prompt> batchList = new ArrayList<>(batch);
      while (it.hasNext() || !batchList.isEmpty()) {
        if (it.hasNext()) {
          batchList.add(PromptData.prompt(it.next()));
        }
        if (batchList.size() == batch || (!it.hasNext() && !batchList.isEmpty())) {
          for (PromptRunner.Result r0 : runner.run(m, batchList, resolved)) {
            PromptRunner.Result r = r0.withLoadMs(loadMs); // counted once, on the first row
            loadMs = 0;
            out.add(RowFactory.create(r.config(), r.promptId(), r.task(), r.output(), r.correct(),
                r.nllSum(), r.nllTokens(), r.klSum(), r.maxKl(), r.agree(), r.positions(),
                r.prefillMs(), r.decodeMsPerToken(), r.generated(), r.batchMs(), r.batchSize(),
                r.scoreMs(), r.loadMs()));
          }
          batchList.clear();
        }
      }
    }
    return out;
  }

  /** One {@code prompt_eval} row: a config over one task, or over all ({@code task = "*"}). */
  public record Summary(String config, String task, long nPrompts, double exactMatch,
      double meanNll, double perplexity, double top1Agreement, double meanKl, double maxKl,
      double prefillMsP50, double decodeMsPerTokenP50, double tokensPerS, double latencyMsP95) {}

  /**
   * Where the executors' time went, summed over all tasks (milliseconds): model loads, greedy
   * prefill and decoding (each batch counted once), teacher-forced scoring.
   */
  public record TimeSplit(double loadMs, double prefillMs, double decodeMs, double scoreMs,
      long generatedTokens) {}

  public static TimeSplit timeSplit(List<PromptRunner.Result> results) {
    double load = 0;
    double prefill = 0;
    double decode = 0;
    double score = 0;
    long tokens = 0;
    for (PromptRunner.Result r : results) {
      load += r.loadMs();
      // a batch's times are on each of its rows: count a row's share
      prefill += r.prefillMs() / r.batchSize();
      decode += (r.batchMs() - r.prefillMs()) / r.batchSize();
      score += r.scoreMs();
      tokens += r.generated();
    }
    return new TimeSplit(load, prefill, decode, score, tokens);
  }

  /** Aggregates sorted per-prompt results per (config, task), tasks sorted, then "*". */
  public List<Summary> summarise(List<PromptRunner.Result> results) {
    List<String> names = evaluated();
    Map<String, List<PromptRunner.Result>> groups = new LinkedHashMap<>();
    for (int c = 0; c < names.size(); c++) {
      final int ci = c;
      List<PromptRunner.Result> mine = results.stream().filter(r -> r.config() == ci).toList();
      mine.stream().map(PromptRunner.Result::task).distinct().sorted()
          .forEach(t -> groups.put(ci + "\u0000" + t,
              mine.stream().filter(r -> r.task().equals(t)).toList()));
      groups.put(ci + "\u0000*", mine);
    }
    List<Summary> out = new ArrayList<>();
    for (Map.Entry<String, List<PromptRunner.Result>> e : groups.entrySet()) {
      String[] k = e.getKey().split("\u0000");
      out.add(summary(names.get(Integer.parseInt(k[0])), k[1], e.getValue()));
    }
    return out;
  }

  static Summary summary(String config, String task, List<PromptRunner.Result> rs) {
    long answered = 0;
    long correct = 0;
    double nll = 0;
    long nllTokens = 0;
    double kl = 0;
    double maxKl = 0;
    long agree = 0;
    long positions = 0;
    long generated = 0;
    double share = 0;
    double[] prefill = new double[rs.size()];
    double[] decode = new double[rs.size()];
    double[] latency = new double[rs.size()];
    for (int i = 0; i < rs.size(); i++) {
      PromptRunner.Result r = rs.get(i);
      if (r.correct() != null) {
        answered++;
        correct += r.correct() ? 1 : 0;
        nll += r.nllSum();
        nllTokens += r.nllTokens();
      }
      kl += r.klSum();
      maxKl = Math.max(maxKl, r.maxKl());
      agree += r.agree();
      positions += r.positions();
      generated += r.generated();
      share += r.batchMs() / r.batchSize();
      prefill[i] = r.prefillMs();
      decode[i] = r.decodeMsPerToken();
      latency[i] = r.batchMs();
    }
    double meanNll = nllTokens == 0 ? Double.NaN : nll / nllTokens;
    return new Summary(config, task, rs.size(), answered == 0 ? Double.NaN
        : (double) correct / answered, meanNll, Math.exp(meanNll),
        positions == 0 ? Double.NaN : (double) agree / positions,
        positions == 0 ? Double.NaN : kl / positions, maxKl, quantile(prefill, 0.5),
        quantile(decode, 0.5), share == 0 ? Double.NaN : generated / (share / 1000),
        quantile(latency, 0.95));
  }

  /** Nearest-rank quantile. */
  static double quantile(double[] x, double q) {
    if (x.length == 0) {
      return Double.NaN;
    }
    double[] s = x.clone();
    Arrays.sort(s);
    int rank = (int) Math.ceil(q * s.length);
    return s[Math.max(0, Math.min(s.length - 1, rank - 1))];
  }
}

package io.ablate.repository;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The tables of a metrics repository: the name, the columns (after {@code run_id}, which the
 * repository adds as the partition column) and the key columns of each. The one place they are
 * defined; the documentation's contracts list the same columns.
 */
public final class Tables {
  private Tables() {}

  public static final String RUNS = MetricsRepository.RUNS;
  public static final String ACCURACY = "accuracy";
  public static final String LATENCY = "latency";
  public static final String PROFILES = "profiles";
  public static final String DRIFT = "drift";
  public static final String PROMPT_EVAL = "prompt_eval";
  public static final String PROMPT_RESULTS = "prompt_results";
  public static final String TRAINING = "training";
  public static final String TRAINING_SUMMARY = "training_summary";
  public static final String GATES = "gates";
  public static final String COMPARISONS = "comparisons";

  /** One row per (key, variant) of an ablation run: the error against the float64 reference. */
  public static final StructType ACCURACY_SCHEMA = new StructType()
      .add("model", DataTypes.StringType).add("checkpoint", DataTypes.StringType)
      .add("layer", DataTypes.IntegerType).add("site", DataTypes.StringType)
      .add("variant", DataTypes.StringType).add("precision", DataTypes.StringType)
      .add("reference", DataTypes.StringType).add("impl", DataTypes.StringType)
      .add("n", DataTypes.LongType).add("nan_in", DataTypes.LongType)
      .add("inf_in", DataTypes.LongType).add("nan_out", DataTypes.LongType)
      .add("max_abs_err", DataTypes.DoubleType).add("mean_abs_err", DataTypes.DoubleType)
      .add("rmse", DataTypes.DoubleType).add("max_rel_err", DataTypes.DoubleType)
      .add("max_ulp", DataTypes.DoubleType).add("ulp_excluded", DataTypes.LongType)
      .add("cos_sim", DataTypes.DoubleType)
      .add("snr_db", DataTypes.DoubleType).add("sparsity_out", DataTypes.DoubleType);

  /** One row per timed (variant, implementation, batch size, executor): kernels, blocks, jobs. */
  public static final StructType LATENCY_SCHEMA = new StructType()
      .add("variant", DataTypes.StringType).add("precision", DataTypes.StringType)
      .add("impl", DataTypes.StringType).add("batch_elems", DataTypes.LongType)
      .add("host", DataTypes.StringType).add("executor_id", DataTypes.StringType)
      .add("device", DataTypes.StringType).add("site", DataTypes.StringType)
      .add("bytes_per_elem", DataTypes.IntegerType)
      .add("reps", DataTypes.IntegerType).add("n_elems", DataTypes.LongType)
      .add("ns_per_elem_p50", DataTypes.DoubleType)
      .add("ns_per_elem_p95", DataTypes.DoubleType)
      .add("ns_per_elem_p99", DataTypes.DoubleType)
      .add("elems_per_s", DataTypes.DoubleType)
      .add("bytes_per_s", DataTypes.DoubleType)
      .add("roofline_bytes_per_s", DataTypes.DoubleType)
      .add("roofline_frac", DataTypes.DoubleType)
      .add("scope", DataTypes.StringType)
      .add("shape", DataTypes.StringType).add("tokens", DataTypes.IntegerType)
      .add("stage", DataTypes.StringType).add("mode", DataTypes.StringType)
      .add("flops_per_s", DataTypes.DoubleType)
      .add("roofline_flops_per_s", DataTypes.DoubleType)
      .add("limit", DataTypes.StringType);

  /** One row per (model, checkpoint, layer, site, variant): moments, counts and a sketch. */
  public static final StructType PROFILES_SCHEMA = new StructType()
      .add("model", DataTypes.StringType).add("checkpoint", DataTypes.StringType)
      .add("layer", DataTypes.IntegerType).add("site", DataTypes.StringType)
      .add("variant", DataTypes.StringType).add("n", DataTypes.LongType)
      .add("mean", DataTypes.DoubleType).add("m2", DataTypes.DoubleType)
      .add("m3", DataTypes.DoubleType).add("m4", DataTypes.DoubleType)
      .add("min", DataTypes.DoubleType).add("max", DataTypes.DoubleType)
      .add("zeros", DataTypes.LongType).add("nans", DataTypes.LongType)
      .add("infs", DataTypes.LongType).add("outliers", DataTypes.LongType)
      .add("sketch", DataTypes.BinaryType).add("sketch_k", DataTypes.IntegerType);

  /** One row per key two profile runs share: the drift metrics and the gate's status. */
  public static final StructType DRIFT_SCHEMA = new StructType()
      .add("baseline", DataTypes.StringType).add("candidate", DataTypes.StringType)
      .add("model", DataTypes.StringType).add("layer", DataTypes.IntegerType)
      .add("site", DataTypes.StringType).add("variant", DataTypes.StringType)
      .add("n_baseline", DataTypes.LongType).add("n_candidate", DataTypes.LongType)
      .add("psi", DataTypes.DoubleType).add("ks", DataTypes.DoubleType)
      .add("js", DataTypes.DoubleType).add("w1", DataTypes.DoubleType)
      .add("w1_norm", DataTypes.DoubleType).add("mean_shift_sigma", DataTypes.DoubleType)
      .add("std_ratio", DataTypes.DoubleType).add("q01_delta", DataTypes.DoubleType)
      .add("q50_delta", DataTypes.DoubleType).add("q99_delta", DataTypes.DoubleType)
      .add("q999_delta", DataTypes.DoubleType).add("sparsity_delta", DataTypes.DoubleType)
      .add("outlier_rate_delta", DataTypes.DoubleType).add("status", DataTypes.StringType)
      .add("reason", DataTypes.StringType);

  /** One row per (variant config, task) of a prompt evaluation. */
  public static final StructType PROMPT_EVAL_SCHEMA = new StructType()
      .add("model", DataTypes.StringType).add("variant_config", DataTypes.StringType)
      .add("task", DataTypes.StringType).add("n_prompts", DataTypes.LongType)
      .add("exact_match", DataTypes.DoubleType).add("mean_nll", DataTypes.DoubleType)
      .add("perplexity", DataTypes.DoubleType).add("top1_agreement", DataTypes.DoubleType)
      .add("mean_kl", DataTypes.DoubleType).add("max_kl", DataTypes.DoubleType)
      .add("prefill_ms_p50", DataTypes.DoubleType)
      .add("decode_ms_per_token_p50", DataTypes.DoubleType)
      .add("tokens_per_s", DataTypes.DoubleType).add("latency_ms_p95", DataTypes.DoubleType);

  /** One row per (variant config, prompt) of a prompt evaluation. */
  public static final StructType PROMPT_RESULTS_SCHEMA = new StructType()
      .add("variant_config", DataTypes.StringType).add("prompt_id", DataTypes.StringType)
      .add("task", DataTypes.StringType).add("output", DataTypes.StringType)
      .add("correct", DataTypes.BooleanType).add("nll", DataTypes.DoubleType)
      .add("mean_kl", DataTypes.DoubleType).add("latency_ms", DataTypes.DoubleType)
      .add("max_kl", DataTypes.DoubleType).add("top1_agreement", DataTypes.DoubleType)
      .add("generated_tokens", DataTypes.IntegerType).add("prefill_ms", DataTypes.DoubleType);

  /**
   * One row per (training, logged step, layer) of a sweep: the step's loss and optimiser figures
   * (repeated on each layer's row) and the layer's FFN activation statistics.
   */
  public static final StructType TRAINING_SCHEMA = new StructType()
      .add("variant", DataTypes.StringType).add("seed", DataTypes.LongType)
      .add("lr", DataTypes.DoubleType).add("hidden", DataTypes.IntegerType)
      .add("n_layers", DataTypes.IntegerType).add("ffn", DataTypes.IntegerType)
      .add("step", DataTypes.IntegerType)
      .add("layer", DataTypes.IntegerType).add("loss", DataTypes.DoubleType)
      .add("grad_norm", DataTypes.DoubleType).add("learning_rate", DataTypes.DoubleType)
      .add("tokens_per_s", DataTypes.DoubleType).add("act_in_mean", DataTypes.DoubleType)
      .add("act_in_std", DataTypes.DoubleType).add("act_in_max_abs", DataTypes.DoubleType)
      .add("act_out_mean", DataTypes.DoubleType).add("act_out_std", DataTypes.DoubleType)
      .add("act_out_zero_frac", DataTypes.DoubleType)
      .add("act_saturated_frac", DataTypes.DoubleType).add("activation", DataTypes.StringType);

  /** One row per training of a sweep: its configuration and outcome. */
  public static final StructType TRAINING_SUMMARY_SCHEMA = new StructType()
      .add("variant", DataTypes.StringType).add("seed", DataTypes.LongType)
      .add("lr", DataTypes.DoubleType).add("hidden", DataTypes.IntegerType)
      .add("n_layers", DataTypes.IntegerType).add("ffn", DataTypes.IntegerType)
      .add("ffn_kind", DataTypes.StringType)
      .add("d_ff", DataTypes.IntegerType).add("params", DataTypes.LongType)
      .add("steps_run", DataTypes.IntegerType).add("final_train_loss", DataTypes.DoubleType)
      .add("test_loss", DataTypes.DoubleType).add("exact_match", DataTypes.DoubleType)
      .add("exact_match_by_task", DataTypes.StringType)
      .add("target_loss", DataTypes.DoubleType).add("steps_to_target", DataTypes.IntegerType)
      .add("diverged", DataTypes.BooleanType).add("diverged_at", DataTypes.IntegerType)
      .add("wall_s", DataTypes.DoubleType).add("model_dir", DataTypes.StringType)
      .add("trained_activation", DataTypes.StringType);

  /**
   * One row per (gate, checked row) of a run given {@code --gate}: every check, pass or fail. A
   * missing value (null or NaN) is stored as null and fails.
   */
  public static final StructType GATES_SCHEMA = new StructType()
      .add("gate", DataTypes.StringType).add("table_name", DataTypes.StringType)
      .add("subject", DataTypes.StringType).add("key", DataTypes.StringType)
      .add("metric", DataTypes.StringType).add("op", DataTypes.StringType)
      .add("threshold", DataTypes.DoubleType).add("value", DataTypes.DoubleType)
      .add("status", DataTypes.StringType).add("reason", DataTypes.StringType);

  /** One row per (key, metric) of an {@code ablate compare} run: both values, how they differ. */
  public static final StructType COMPARISONS_SCHEMA = new StructType()
      .add("baseline", DataTypes.StringType).add("candidate", DataTypes.StringType)
      .add("table_name", DataTypes.StringType).add("subject", DataTypes.StringType)
      .add("key", DataTypes.StringType).add("metric", DataTypes.StringType)
      .add("baseline_value", DataTypes.DoubleType).add("candidate_value", DataTypes.DoubleType)
      .add("delta", DataTypes.DoubleType).add("ratio", DataTypes.DoubleType)
      .add("status", DataTypes.StringType).add("gate", DataTypes.StringType);

  /** The key columns of each table, {@code run_id} first: a row is unique by them. */
  public static final Map<String, List<String>> KEYS = Map.ofEntries(
      Map.entry(RUNS, List.of("run_id")),
      Map.entry(ACCURACY, List.of("run_id", "model", "checkpoint", "layer", "site", "variant",
          "precision", "reference", "impl")),
      Map.entry(LATENCY, List.of("run_id", "variant", "precision", "impl", "batch_elems", "host",
          "executor_id", "device")),
      Map.entry(PROFILES, List.of("run_id", "model", "checkpoint", "layer", "site", "variant")),
      Map.entry(DRIFT, List.of("run_id", "baseline", "candidate", "model", "layer", "site",
          "variant")),
      Map.entry(PROMPT_EVAL, List.of("run_id", "model", "variant_config", "task")),
      Map.entry(PROMPT_RESULTS, List.of("run_id", "variant_config", "prompt_id")),
      Map.entry(TRAINING, List.of("run_id", "variant", "hidden", "n_layers", "ffn", "lr", "seed",
          "step", "layer")),
      Map.entry(TRAINING_SUMMARY, List.of("run_id", "variant", "hidden", "n_layers", "ffn", "lr",
          "seed")),
      Map.entry(GATES, List.of("run_id", "gate", "table_name", "subject", "key", "metric")),
      Map.entry(COMPARISONS, List.of("run_id", "table_name", "subject", "key", "metric")));

  /** The columns of a metric table, or null for a table not in this list. */
  public static StructType schema(String table) {
    return switch (table) {
      case ACCURACY -> ACCURACY_SCHEMA;
      case LATENCY -> LATENCY_SCHEMA;
      case PROFILES -> PROFILES_SCHEMA;
      case DRIFT -> DRIFT_SCHEMA;
      case PROMPT_EVAL -> PROMPT_EVAL_SCHEMA;
      case PROMPT_RESULTS -> PROMPT_RESULTS_SCHEMA;
      case TRAINING -> TRAINING_SCHEMA;
      case TRAINING_SUMMARY -> TRAINING_SUMMARY_SCHEMA;
      case GATES -> GATES_SCHEMA;
      case COMPARISONS -> COMPARISONS_SCHEMA;
      default -> null;
    };
  }
}

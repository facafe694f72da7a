package io.ablate.cli;

import io.ablate.AblateException;
import io.ablate.job.SweepJob;
import io.ablate.repository.Tables;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code ablate sweep}: the training sweep ({@link SweepJob}). */
@Command(name = "sweep", mixinStandardHelpOptions = true, sortOptions = false,
    versionProvider = Cli.Version.class,
    description = "Trains a grid of tiny decoders (activation variants × seeds × learning rates), "
        + "one training per Spark task, on a prompt corpus: every step's loss, gradient norm and "
        + "FFN activation statistics into the training table, each training's outcome into "
        + "training_summary, every model into --out.",
    footer = {"", "Example:",
        "  ablate sweep --prompts data-samples/prompts --metrics /tmp/metrics --out /tmp/sweep \\",
        "      --variants 'gelu;relu;silu;swiglu;geglu;reglu' --seeds 3 --lr 1e-3,3e-3,1e-2 "
            + "--steps 1000"})
final class SweepCommand implements Callable<Integer> {
  @ParentCommand
  Cli cli;

  @Option(names = "--prompts", required = true, paramLabel = "DIR",
      description = "A prompt corpus directory: train.jsonl, test.jsonl and vocab.json (as "
          + "'ablate prompts' writes it).")
  String prompts;

  @Mixin
  RunOptions run;

  @Option(names = "--out", required = true, paramLabel = "DIR",
      description = "Where every trained model is written, one model directory per training "
          + "(on a cluster: a path every executor can write).")
  String out;

  @Option(names = "--variants", paramLabel = "LIST", defaultValue = "gelu;relu;silu;swiglu;"
      + "geglu;reglu", description = "Activations to train with, ';'-separated, elementwise or "
          + "gated; an item may be a per-layer mix (0-1:swiglu,2-3:gelu) and may learn its "
          + "parameters per layer: swish(beta=learn), rational(p=learn,q=learn) (started at a "
          + "fit of gelu) (default: ${DEFAULT-VALUE}).")
  String variants;

  @Option(names = "--seeds", paramLabel = "N", defaultValue = "3",
      description = "Seeds per configuration: 1..N (default: ${DEFAULT-VALUE}).")
  int seeds;

  @Option(names = "--lr", paramLabel = "LIST", defaultValue = "0.003",
      description = "Peak learning rates, ',' separated (default: ${DEFAULT-VALUE}).")
  String lrs;

  @Option(names = "--steps", paramLabel = "N", defaultValue = "1000",
      description = "Steps per training (default: ${DEFAULT-VALUE}).")
  int steps;

  @Option(names = "--batch", paramLabel = "B", defaultValue = "32",
      description = "Examples per step (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--hidden", paramLabel = "D,...", defaultValue = "64",
      description = "Model width; a list trains every size of the grid (default: "
          + "${DEFAULT-VALUE}).")
  String hidden;

  @Option(names = "--layers", paramLabel = "L,...", defaultValue = "2",
      description = "Decoder layers; a list trains every size of the grid (default: "
          + "${DEFAULT-VALUE}).")
  String layers;

  @Option(names = "--heads", paramLabel = "H", defaultValue = "4",
      description = "Attention heads (default: ${DEFAULT-VALUE}).")
  int heads;

  @Option(names = "--kv-heads", paramLabel = "K", defaultValue = "2",
      description = "Key/value heads (default: ${DEFAULT-VALUE}).")
  int kvHeads;

  @Option(names = "--ffn", paramLabel = "F,...",
      description = "Width of an elementwise FFN; a gated one gets round(2F/3), which matches "
          + "their parameter counts; a list trains every size of the grid (default: 4 × "
          + "--hidden).")
  String ffn;

  @Option(names = "--target-loss", paramLabel = "X", defaultValue = "0.5",
      description = "Training loss whose first crossing is reported as steps_to_target "
          + "(default: ${DEFAULT-VALUE}).")
  double targetLoss;

  @Option(names = "--log-every", paramLabel = "N", defaultValue = "" + SweepJob.DEFAULT_LOG_EVERY,
      description = "Steps between rows of the training table (default: ${DEFAULT-VALUE}).")
  int logEvery;

  @Option(names = "--test-per-task", paramLabel = "N", defaultValue = "40",
      description = "Test prompts per task for the test loss and exact match; 0 takes all "
          + "(default: ${DEFAULT-VALUE}).")
  int testPerTask;

  @Mixin
  SparkOptions sparkOptions;

  @Mixin
  CommonOptions common;

  @Override
  public Integer call() throws Exception {
    List<Double> rates = new ArrayList<>();
    for (String s : lrs.split(",")) {
      double lr;
      try {
        lr = Double.parseDouble(s.trim());
      } catch (NumberFormatException e) {
        throw AblateException.badInput("--lr: '%s' is not a number (e.g. 1e-3,3e-3)", s);
      }
      if (!(lr > 0 && lr <= 1)) {
        throw AblateException.badInput("--lr: %s is not in (0, 1]", s);
      }
      rates.add(lr);
    }
    SweepJob.Options options = new SweepJob.Options(prompts, run.metrics, out,
        Arrays.stream(variants.split(";")).map(String::trim).filter(s -> !s.isEmpty()).toList(),
        common.range("--seeds", seeds, 1, 1000), rates, common.range("--steps", steps, 1,
            10_000_000), common.range("--batch", batch, 1, 100_000),
        sizes(), common.range("--heads", heads, 1, 64),
        common.range("--kv-heads", kvHeads, 1, 64), targetLoss,
        common.range("--log-every", logEvery, 1, 1_000_000),
        common.range("--test-per-task", testPerTask, 0, 1_000_000), run.runId());
    Console console = cli.console(common);
    Sessions.Settings settings = sparkOptions.settings("local[*]", common.specConfs());
    return run.results.run(common, run.metrics, settings, console.listener(), listener -> {
      SparkSession spark = Sessions.create("sweep", settings);
      Thread progress = settings.local() ? progress(console.quiet() ? null : console.err())
          : null;
      try {
        console.progressOf(spark);
        show(console, SweepJob.run(spark, options, listener));
        return 0;
      } finally {
        if (progress != null) {
          progress.interrupt();
        }
        spark.stop();
      }
    });
  }

  /** Every combination of the --hidden, --layers and --ffn lists, in that order. */
  private List<SweepJob.Size> sizes() {
    List<SweepJob.Size> out = new ArrayList<>();
    for (int d : ints("--hidden", hidden, 8, 4096)) {
      for (int l : ints("--layers", layers, 1, 64)) {
        for (int f : ffn == null ? List.of(4 * d) : ints("--ffn", ffn, 3, 1 << 16)) {
          out.add(new SweepJob.Size(d, l, f));
        }
      }
    }
    return out;
  }

  /** A comma-separated list of integers in [lo, hi]; bad input names the option and item. */
  private List<Integer> ints(String option, String list, int lo, int hi) {
    List<Integer> out = new ArrayList<>();
    for (String s : list.split(",")) {
      try {
        out.add(common.range(option, Integer.parseInt(s.trim()), lo, hi));
      } catch (NumberFormatException e) {
        throw AblateException.badInput("%s: '%s' is not an integer (e.g. 32,64)", option, s);
      }
    }
    return out;
  }

  /** In local mode the trainings run in this JVM: every 15 s, each one's step and loss. */
  private static Thread progress(PrintStream err) {
    if (err == null) {
      return null;
    }
    Thread t = new Thread(() -> {
      try {
        while (true) {
          Thread.sleep(15_000);
          List<String> running = new ArrayList<>();
          SweepJob.RUNNING.forEach((i, s) -> running.add(String.format(Locale.ROOT,
              "#%d step %d loss %.4f", i, (long) s[0], s[1])));
          if (!running.isEmpty()) {
            err.println("  training " + String.join("; ", running.stream().sorted().toList()));
          }
        }
      } catch (InterruptedException e) {
        // the sweep ended
      }
    }, "sweep-progress");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** Every training, then per variant and learning rate the mean ± sd over seeds, then speed. */
  static void show(Console console, SweepJob.Result r) {
    boolean sized = SweepStats.sized(r.summary());
    TextTable t = new TextTable("variant", "size", "lr", "seed", "d_ff", "params", "train_loss",
        "test_loss", "exact_match", "to_target", "diverged", "wall_s");
    Map<String, List<Row>> groups = new LinkedHashMap<>();
    for (Row row : r.summary()) {
      t.row(row.getAs("variant"), SweepStats.size(row), row.getAs("lr"), row.getAs("seed"),
          row.getAs("d_ff"),
          row.getAs("params"), f(row.getAs("final_train_loss")), f(row.getAs("test_loss")),
          f(row.getAs("exact_match")), row.getAs("steps_to_target") == null ? "-"
              : row.getAs("steps_to_target"), row.<Boolean>getAs("diverged")
              ? "at " + row.getAs("diverged_at") : "no", String.format(Locale.ROOT, "%.1f",
              row.<Double>getAs("wall_s")));
      groups.computeIfAbsent(SweepStats.group(row, sized), k -> new ArrayList<>()).add(row);
    }
    console.out().print(t.render());
    TextTable g = new TextTable("variant", "size", "lr", "seeds", "diverged",
        "test_loss mean ± sd", "exact_match mean ± sd");
    groups.forEach((key, rows) -> {
      double[] loss = SweepStats.finite(rows, "test_loss");
      double[] em = SweepStats.finite(rows, "exact_match");
      long diverged = rows.stream().filter(row -> row.<Boolean>getAs("diverged")).count();
      g.row(rows.get(0).getAs("variant"), SweepStats.size(rows.get(0)), rows.get(0).getAs("lr"),
          rows.size(), diverged,
          SweepStats.meanSd(loss), SweepStats.meanSd(em));
    });
    console.out().print(g.render());
    // Each variant against the first, at the same size and learning rate: is the difference in
    // test loss larger than the seeds' spread? (Welch's t-test, two-sided.)
    List<String> order = new ArrayList<>(new java.util.LinkedHashSet<>(r.summary().stream()
        .map(row -> row.<String>getAs("variant")).toList()));
    TextTable c = new TextTable("variant", "against", "size", "lr", "test_loss diff (mean)",
        "welch_t", "p");
    Map<String, List<Row>> firstVariant = new LinkedHashMap<>();
    for (Row row : r.summary()) {
      if (row.getAs("variant").equals(order.get(0))) {
        firstVariant.computeIfAbsent(SweepStats.size(row) + " lr " + row.getAs("lr"),
            k -> new ArrayList<>()).add(row);
      }
    }
    for (List<Row> rows : groups.values()) {
      Row first = rows.get(0);
      List<Row> baseRows = firstVariant.get(SweepStats.size(first) + " lr " + first.getAs("lr"));
      if (first.getAs("variant").equals(order.get(0)) || baseRows == null) {
        continue;
      }
      SweepStats.Welch w = SweepStats.welch(SweepStats.finite(rows, "test_loss"),
          SweepStats.finite(baseRows, "test_loss"));
      c.row(first.getAs("variant"), order.get(0), SweepStats.size(first), first.getAs("lr"), f(w.diff()),
          f(w.t()), f(w.p()));
    }
    if (c.size() > 0) {
      console.out().print(c.render());
    }
    console.out().printf(Locale.ROOT, "%d trainings in %.0f s wall: %.0f trainings per hour; "
        + "parallel efficiency %.2f (their %.0f s over %d task slots)%n", r.summary().size(),
        r.wallSeconds(), r.summary().size() * 3600 / r.wallSeconds(),
        r.trainingSeconds() / (r.wallSeconds() * r.slots()), r.trainingSeconds(), r.slots());
    console.note("Metrics in %s (tables runs, %s, %s; run_id %s)", r.metrics(), Tables.TRAINING,
        Tables.TRAINING_SUMMARY, r.runId().value());
  }

  private static String f(Object v) {
    return v == null ? "-" : String.format(Locale.ROOT, "%.4f", ((Number) v).doubleValue());
  }
}

package io.ablate.job;

import io.ablate.AblateException;
import io.ablate.activation.Variant;
import io.ablate.eval.Prompt;
import io.ablate.eval.PromptFiles;
import io.ablate.eval.PromptRunner;
import io.ablate.model.CharVocab;
import io.ablate.model.Ffn;
import io.ablate.model.LearnableFfn;
import io.ablate.model.VariantConfig;
import io.ablate.model.ModelConfig;
import io.ablate.model.ModelDir;
import io.ablate.model.ObservedFfn;
import io.ablate.model.Safetensors;
import io.ablate.model.TorchFfn;
import io.ablate.model.Trainer;
import io.ablate.model.Weights;
import io.ablate.repository.MetricsRepository;
import io.ablate.repository.RunId;
import io.ablate.repository.RunRecord;
import io.ablate.repository.Tables;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;

/**
 * The training sweep: a grid of trainings (activation variants × seeds × learning rates), one
 * training per Spark task, on a prompt corpus; every trained model written as a model directory,
 * every step's figures into the {@code training} table and each training's outcome into {@code
 * training_summary}, as one run.
 *
 * <p>Every training uses one backbone (LLaMA: RMSNorm, rotary positions), so only the FFN differs:
 * an elementwise activation gets {@code Wd·act(Wu·x)} of width {@code ffn}, a gated one {@code
 * Wd·(act(Wg·x) ⊙ Wu·x)} of width round(2·ffn/3), the usual rule that matches their parameter
 * counts (Shazeer 2020). Each training is seeded and runs on one PyTorch thread, so its figures
 * and weights are the same bytes whatever the number of executors or tasks beside it.
 */
public final class SweepJob {
  private SweepJob() {}

  /** Steps between two rows of the {@code training} table (and the last step always). */
  public static final int DEFAULT_LOG_EVERY = 25;

  /**
   * What to run.
   *
   * @param variants catalogue variant names, elementwise or gated, per-layer mixes, learnable
   * @param sizes the backbone sizes of the grid
   * @param targetLoss the training loss whose first crossing is reported (steps to target)
   * @param testPerTask test prompts per task for the test loss and exact match (0: all)
   */
  public record Options(String prompts, String metrics, String out, List<String> variants,
      int seeds, List<Double> lrs, int steps, int batch, List<Size> sizes, int heads,
      int kvHeads, double targetLoss, int logEvery, int testPerTask, RunId runId)
      implements Serializable {
    public Options {
      variants = List.copyOf(variants);
      lrs = List.copyOf(lrs);
      sizes = List.copyOf(sizes);
      for (Size size : sizes) {
        if (size.hidden() % heads != 0 || heads % kvHeads != 0) {
          throw AblateException.badInput("--hidden %d must be a multiple of the %d --heads, and "
              + "the heads a multiple of the %d --kv-heads", size.hidden(), heads, kvHeads);
        }
      }
      for (String v : variants) {
        // Bad input names it, before Spark: an unknown variant, a mix that misses a layer, or a
        // variant with no differentiable form (dynamically calibrated int8, whose scale is a
        // whole tensor's).
        for (Variant variant : sizes.stream().map(Size::layers).distinct()
            .flatMap(l -> java.util.Arrays.stream(ModelConfig.layerActivations(
                LearnableFfn.resolve(v, l).initial(), l))).toList()) {
          if (variant.expression().isEmpty()) {
            throw AblateException.badInput("%s cannot be trained: its int8 scale is calibrated "
                + "per tensor, so it has no single expression to differentiate; give a fixed "
                + "scale, e.g. %s", v, variant.name().replaceAll("@int8.*", "@int8(scale=0.05)"));
          }
        }
      }
      for (String file : List.of("train.jsonl", "test.jsonl", CharVocab.FILE)) {
        if (!java.nio.file.Files.isRegularFile(Path.of(prompts, file))) {
          throw AblateException.badInput("--prompts %s has no %s: give a corpus as 'ablate "
              + "prompts' writes it (train.jsonl, test.jsonl, %s)", prompts, file, CharVocab.FILE);
        }
      }
      if (variants.isEmpty() || lrs.isEmpty() || seeds < 1 || sizes.isEmpty()) {
        throw AblateException.badInput("a sweep needs at least one variant, size, seed and "
            + "learning rate");
      }
    }

    /** The grid, variant-major, then size, then learning rate, then seed. */
    public List<Point> grid(int vocabSize, int maxLen) {
      List<Point> points = new ArrayList<>();
      for (String name : variants) {
        for (Size size : sizes) {
          LearnableFfn.Spec spec = LearnableFfn.resolve(name, size.layers());
          // A gated FFN gets the parameters of an elementwise one; a model of both kinds is
          // described by its elementwise width (ModelConfig.widths()).
          boolean gated = java.util.Arrays.stream(ModelConfig.layerActivations(spec.initial(),
              size.layers())).allMatch(Variant::gated);
          int width = gated ? ModelConfig.gatedWidth(size.ffn()) : size.ffn();
          ModelConfig config = new ModelConfig(ModelConfig.Arch.LLAMA, vocabSize, size.hidden(),
              size.layers(), heads, kvHeads, width, 2 * maxLen, 1e-6, 10000, spec.initial(),
              false);
          String label = spec.learnsAny() || VariantConfig.isMix(name) ? name.trim()
              : config.activation();
          for (double lr : lrs) {
            for (int s = 1; s <= seeds; s++) {
              points.add(new Point(points.size(), label, size, sizes.size() > 1, s, lr, config,
                  spec));
            }
          }
        }
      }
      return points;
    }
  }

  /**
   * A backbone size of the grid.
   *
   * @param ffn the elementwise FFN's width (a gated one's is round(2·ffn/3))
   */
  public record Size(int hidden, int layers, int ffn) implements Serializable {
    /** How it reads in names: {@code d64-L2-F256}. */
    public String label() {
      return "d" + hidden + "-L" + layers + "-F" + ffn;
    }
  }

  /** One training of the grid; {@code sized}: the grid has more than one size. */
  public record Point(int index, String variant, Size size, boolean sized, long seed, double lr,
      ModelConfig config, LearnableFfn.Spec spec) implements Serializable {
    /** The FFN activation this training runs: learnable where the variant learns. */
    Ffn ffn() {
      return spec.learnsAny() ? new LearnableFfn(config, spec.learns()) : new TorchFfn(config);
    }

    /** A directory name for its model: variant, size (if the grid has several), lr, seed. */
    public String slug() {
      return String.format(Locale.ROOT, "%03d-%s%s-lr%s-s%d", index,
          variant.replaceAll("[^A-Za-z0-9_.=@-]+", "_"), sized ? "-" + size.label() : "", lr,
          seed);
    }
  }

  /** What one training gave: its {@code training} rows and its {@code training_summary} row. */
  record Trained(int index, List<Object[]> steps, Object[] summary, double seconds)
      implements Serializable {}

  /** What ran: the summary rows in grid order, the grid's wall time and its trainings' time. */
  public record Result(RunId runId, String metrics, List<Row> summary, double wallSeconds,
      double trainingSeconds, int slots) {}

  /** Running losses of the trainings of this JVM, for progress lines: index → "step, loss". */
  public static final Map<Integer, double[]> RUNNING = new ConcurrentHashMap<>();

  public static Result run(SparkSession spark, Options o, JobListener listener) {
    Path prompts = Path.of(o.prompts());
    CharVocab vocab = CharVocab.read(prompts);
    int maxLen = maxLength(examples(vocab, PromptFiles.readJsonl(prompts.resolve("train.jsonl"))));
    List<Point> grid = o.grid(vocab.size(), maxLen);
    String args = new RunArgs().put("variants", String.join(";", o.variants()))
        .put("seeds", o.seeds()).put("lr", o.lrs().toString()).put("steps", o.steps())
        .put("batch", o.batch())
        .put("sizes", o.sizes().stream().map(Size::label).toList().toString())
        .put("heads", o.heads()).put("kv_heads", o.kvHeads())
        .put("target_loss", o.targetLoss()).put("out", o.out()).json();
    RunRecord record = RunRecord.start(o.runId(), "sweep", args, o.prompts(), "", spark);
    listener.runStarted(o.runId().value(), String.format(Locale.ROOT, "%d trainings (%d "
        + "variants × %s%d learning rates × %d seeds) of %d steps on %s", grid.size(),
        o.variants().size(), o.sizes().size() > 1 ? o.sizes().size() + " sizes × " : "",
        o.lrs().size(), o.seeds(), o.steps(), o.prompts()));
    MetricsRepository repo = MetricsRepository.open(spark, o.metrics());
    return RunLifecycle.inRun(repo, record, run -> {
      long t0 = System.nanoTime();
      List<Trained> trained = new ArrayList<>(Phases.run(spark, listener, "trainings",
          () -> JavaSparkContext.fromSparkContext(spark.sparkContext())
              .parallelize(IntStream.range(0, grid.size()).boxed().toList(), grid.size())
              .map(i -> train(o, grid.get(i))).collect()));
      trained.sort(Comparator.comparingInt(Trained::index));
      List<Row> steps = new ArrayList<>();
      List<Row> summary = new ArrayList<>();
      double trainingSeconds = 0;
      for (Trained t : trained) {
        t.steps().forEach(r -> steps.add(RowFactory.create(r)));
        summary.add(new GenericRowWithSchema(t.summary(), Tables.TRAINING_SUMMARY_SCHEMA));
        trainingSeconds += t.seconds();
      }
      run.write(Tables.TRAINING, Tables.TRAINING_SCHEMA, steps);
      run.write(Tables.TRAINING_SUMMARY, Tables.TRAINING_SUMMARY_SCHEMA, summary);
      return new Result(o.runId(), o.metrics(), summary, (System.nanoTime() - t0) / 1e9,
          trainingSeconds, spark.sparkContext().defaultParallelism());
    });
  }

  /** One training, in a task: train, write the model, measure it on the test prompts. */
  static Trained train(Options o, Point p) throws IOException {
    long t0 = System.nanoTime();
    Path prompts = Path.of(o.prompts());
    CharVocab vocab = CharVocab.read(prompts);
    List<Trainer.Example> data = examples(vocab, PromptFiles.readJsonl(
        prompts.resolve("train.jsonl")));
    List<Prompt> test = perTask(PromptFiles.readJsonl(prompts.resolve("test.jsonl")),
        o.testPerTask());
    List<Object[]> rows = new ArrayList<>();
    int[] toTarget = {-1};
    long[] tokensSoFar = {0};
    double[] lastLosses = new double[Math.max(1, o.steps() / 20)];
    Ffn ffn = p.ffn();
    Trainer.Outcome outcome = Trainer.train(p.config(), data,
        new Trainer.Settings(p.seed(), o.steps(), o.batch(), p.lr(), 0.02), ffn, s -> {
          lastLosses[s.step() % lastLosses.length] = s.loss();
          tokensSoFar[0] += s.tokens();
          if (toTarget[0] < 0 && s.loss() <= o.targetLoss()) {
            toTarget[0] = s.step();
          }
          RUNNING.put(p.index(), new double[] {s.step(), s.loss()});
          for (ObservedFfn.LayerStats l : s.layers()) {
            rows.add(new Object[] {p.variant(), p.seed(), p.lr(), p.size().hidden(),
                p.size().layers(), p.size().ffn(), s.step(), l.layer(), s.loss(),
                s.gradNorm(), s.lr(), tokensSoFar[0] / Math.max(1e-9, s.seconds()),
                l.inMean(), l.inStd(), l.inMaxAbs(), l.outMean(), l.outStd(), l.outZeroFrac(),
                l.saturatedFrac(), l.activation()});
          }
        }, step -> step % o.logEvery() == 0 || step == o.steps() - 1);
    RUNNING.remove(p.index());
    double trainSeconds = (System.nanoTime() - t0) / 1e9;
    Path dir = Path.of(o.out()).resolve(p.slug());
    // The trained model runs what it learned: each layer's variant with its learned values.
    ModelConfig trained = ffn instanceof LearnableFfn learnable
        ? p.config().withActivation(VariantConfig.mixText(
            learnable.trained(outcome.activationParameters())))
        : p.config();
    Weights weights = outcome.weights().reconfigured(trained);
    ModelDir.write(dir, weights, vocab, Safetensors.Dtype.F32);
    double testLoss = Double.NaN;
    double exact = Double.NaN;
    String byTask = "{}";
    if (!outcome.diverged()) {
      testLoss = Trainer.meanLoss(weights, examples(vocab, test), 64, new TorchFfn(trained));
      Map<String, double[]> em;
      try (ModelDir model = ModelDir.load(dir)) {
        em = PromptRunner.exactMatch(model, test, 32);
      }
      double right = 0;
      double all = 0;
      Map<String, Double> tasks = new TreeMap<>();
      for (Map.Entry<String, double[]> e : em.entrySet()) {
        tasks.put(e.getKey(), e.getValue()[0]);
        right += e.getValue()[0] * e.getValue()[1];
        all += e.getValue()[1];
      }
      exact = right / all;
      byTask = json(tasks);
    }
    int window = Math.min(lastLosses.length, outcome.stepsRun());
    double finalLoss = 0;
    for (int i = 0; i < window; i++) {
      finalLoss += lastLosses[i];
    }
    finalLoss /= window;
    long params = Weights.expected(p.config()).values().stream()
        .mapToLong(shape -> IntStream.of(shape).asLongStream().reduce(1, (a, b) -> a * b)).sum()
        + outcome.activationParameters().values().stream().mapToLong(v -> v.length).sum();
    Object[] summary = {p.variant(), p.seed(), p.lr(), p.size().hidden(), p.size().layers(),
        p.size().ffn(), p.config().mixedKinds() ? "mixed"
        : p.config().gated() ? "gated" : "elementwise", p.config().intermediate(), params,
        outcome.stepsRun(),
        outcome.diverged() ? Double.NaN : finalLoss, testLoss, exact, byTask,
        o.targetLoss(), toTarget[0] < 0 ? null : toTarget[0], outcome.diverged(),
        outcome.diverged() ? outcome.divergedAt() : null, trainSeconds, dir.toString(),
        trained.activation()};
    return new Trained(p.index(), rows, summary, (System.nanoTime() - t0) / 1e9);
  }

  static List<Trainer.Example> examples(CharVocab vocab, List<Prompt> prompts) {
    return prompts.stream().map(p -> Trainer.example(vocab, p.prompt(), p.answer())).toList();
  }

  private static int maxLength(List<Trainer.Example> data) {
    return data.stream().mapToInt(e -> e.tokens().length).max().orElse(1);
  }

  /** The first {@code n} prompts of each task by id (all when n is 0), in task and id order. */
  static List<Prompt> perTask(List<Prompt> prompts, int n) {
    Map<String, List<Prompt>> byTask = new TreeMap<>();
    prompts.stream().sorted(Comparator.comparing(Prompt::id))
        .forEach(p -> byTask.computeIfAbsent(p.task(), k -> new ArrayList<>()).add(p));
    List<Prompt> out = new ArrayList<>();
    byTask.values().forEach(l -> out.addAll(n > 0 && l.size() > n ? l.subList(0, n) : l));
    return out;
  }

  private static String json(Map<String, Double> m) {
    Map<String, Object> sorted = new LinkedHashMap<>(m);
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(sorted);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

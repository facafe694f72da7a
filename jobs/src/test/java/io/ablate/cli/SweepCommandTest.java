package io.ablate.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ablate.activation.Catalogue;
import io.ablate.model.LearnableFfn;
import io.ablate.model.ModelConfig;
import io.ablate.model.ModelDir;
import io.ablate.model.Weights;
import io.ablate.repository.MetricsRepository;
import io.ablate.repository.Tables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ablate sweep} on the committed prompt corpus, tiny: an elementwise and a gated variant,
 * two seeds, one backbone. The grid's tables and models, the matched parameter counts, and the
 * same bytes whether the trainings run one at a time or side by side in one JVM.
 */
class SweepCommandTest {
  private static final int STEPS = 30;
  private static final int LOG_EVERY = 25;
  private static final int HIDDEN = 16;
  private static final int FFN = 48;

  @TempDir
  Path tmp;

  private CliTest.Result sweep(String name, String master) {
    return CliTest.run("sweep", "--prompts", CliTest.repoRoot().resolve("data-samples/prompts")
        .toString(), "--metrics", tmp.resolve(name).resolve("metrics").toString(), "--out",
        tmp.resolve(name).resolve("models").toString(), "--variants", "gelu;swiglu",
        "--seeds", "2", "--lr", "0.003", "--steps", "" + STEPS, "--batch", "8", "--hidden",
        "" + HIDDEN, "--layers", "1", "--heads", "2", "--kv-heads", "1", "--ffn", "" + FFN,
        "--log-every", "" + LOG_EVERY, "--test-per-task", "2", "--run-id", "sweep-" + name,
        "--master", master);
  }

  @Test
  void trainsTheGridWritesItsTablesAndModelsTheSameWhateverRunsBesideIt() throws Exception {
    CliTest.Result parallel = sweep("parallel", "local[2]");
    assertEquals(0, parallel.code(), parallel.out() + parallel.err());
    CliTest.Result serial = sweep("serial", "local[1]");
    assertEquals(0, serial.code(), serial.out() + serial.err());
    assertTrue(parallel.out().contains("4 trainings in "), parallel.out());
    assertTrue(parallel.out().contains("swiglu   gelu"), "the comparison with the first variant: "
        + parallel.out());

    List<Row> summary = rows("parallel", Tables.TRAINING_SUMMARY);
    assertEquals(4, summary.size());
    for (Row r : summary) {
      boolean gated = r.getAs("variant").equals("swiglu");
      assertEquals(gated ? "gated" : "elementwise", r.getAs("ffn_kind"));
      // The usual rule: a gated FFN (three matrices) is 2/3 as wide as an elementwise one (two).
      assertEquals(gated ? Math.round(2.0 * FFN / 3) : FFN, (int) r.getAs("d_ff"));
      ModelDir model = ModelDir.load(Path.of(r.<String>getAs("model_dir")));
      ModelConfig c = model.config();
      assertEquals(r.getAs("variant"), c.activation());
      assertEquals(gated, c.gated());
      long params = Weights.expected(c).values().stream()
          .mapToLong(s -> IntStream.of(s).asLongStream().reduce(1, (a, b) -> a * b)).sum();
      assertEquals(params, (long) r.getAs("params"));
      assertEquals(STEPS, (int) r.getAs("steps_run"));
      assertFalse(r.<Boolean>getAs("diverged"));
      double loss = r.getAs("test_loss");
      assertTrue(loss > 0 && loss < Math.log(c.vocabSize()) + 1, "test loss " + loss);
      model.close();
    }
    // Within 1% of each other: the FFNs' parameters match, the rest of the backbone is the same.
    long elementwise = summary.get(0).getAs("params");
    long gated = summary.get(2).getAs("params");
    assertTrue(Math.abs(elementwise - gated) < 0.01 * elementwise, elementwise + " vs " + gated);

    // One row per training, logged step (0, 25 and the last) and layer.
    List<Row> steps = rows("parallel", Tables.TRAINING);
    assertEquals(4 * 3, steps.size());
    for (Row r : steps) {
      assertTrue(List.of(0, LOG_EVERY, STEPS - 1).contains((int) r.getAs("step")), r.toString());
      assertTrue(r.<Double>getAs("grad_norm") > 0, r.toString());
      assertTrue(r.<Double>getAs("act_in_std") > 0, r.toString());
      double zeros = r.getAs("act_out_zero_frac");
      assertTrue(zeros >= 0 && zeros < 0.5, r.toString());
      double saturated = r.getAs("act_saturated_frac");
      assertTrue(saturated >= 0 && saturated < 0.5, r.toString());
      assertEquals(r.<String>getAs("variant"), r.<String>getAs("activation"));
    }

    // The same bytes with the trainings side by side (2 slots) or one at a time (1 slot).
    assertEquals(values(steps, "loss"), values(rows("serial", Tables.TRAINING), "loss"));
    assertEquals(values(summary, "test_loss"),
        values(rows("serial", Tables.TRAINING_SUMMARY), "test_loss"));
    for (Row r : summary) {
      Path a = Path.of(r.<String>getAs("model_dir")).resolve(Weights.FILE);
      Path b = tmp.resolve("serial").resolve("models").resolve(a.getParent().getFileName())
          .resolve(Weights.FILE);
      assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b), a.toString());
    }
  }

  /**
   * A per-layer mix and two learnable activations: the mix's model holds both FFN kinds at matched
   * parameters, the learned parameters are recorded per step and become the trained model's own
   * catalogue variants, which eval, capture and the ablation job then run.
   */
  @Test
  void trainsMixesAndLearnableActivationsWhoseModelsTheOtherCommandsRun() throws Exception {
    String mix = "0:swiglu,1:gelu";
    String swish = "swish(beta=learn)";
    String rational = "0:rational(p=learn,q=learn),1:gelu";
    CliTest.Result r = CliTest.run("sweep", "--prompts", CliTest.repoRoot()
        .resolve("data-samples/prompts").toString(), "--metrics", tmp.resolve("metrics")
        .toString(), "--out", tmp.resolve("models").toString(), "--variants",
        mix + ";" + swish + ";" + rational, "--seeds", "1", "--lr", "0.01", "--steps", "" + STEPS,
        "--batch", "8", "--hidden", "" + HIDDEN, "--layers", "2", "--heads", "2", "--kv-heads",
        "1", "--ffn", "" + FFN, "--log-every", "" + LOG_EVERY, "--test-per-task", "2",
        "--run-id", "learn", "--master", "local[2]");
    assertEquals(0, r.code(), r.out() + r.err());
    List<Row> summary = MetricsRepository.open(new Configuration(), tmp.resolve("metrics")
        .toString()).rows(Tables.TRAINING_SUMMARY, null).rows();
    List<Row> steps = MetricsRepository.open(new Configuration(), tmp.resolve("metrics")
        .toString()).rows(Tables.TRAINING, null).rows();
    assertEquals(List.of(mix, swish, rational), summary.stream().map(x -> x.getAs("variant"))
        .toList());

    Row mixed = summary.get(0);
    assertEquals("mixed", mixed.getAs("ffn_kind"));
    assertEquals(FFN, (int) mixed.getAs("d_ff"));
    assertEquals(mix, mixed.getAs("trained_activation"));
    ModelConfig mc = ModelConfig.read(Path.of(mixed.<String>getAs("model_dir")));
    assertEquals(mix, mc.activation());
    assertEquals(Math.round(2.0 * FFN / 3), mc.intermediate(0));
    assertEquals(FFN, mc.intermediate(1));
    // the learnable ones add only their few parameters to the elementwise count
    long plain = summary.get(1).<Long>getAs("params") - 2;
    assertEquals(plain, (long) mixed.getAs("params"), "a gated layer has an elementwise one's");

    // swish: one β per layer, recorded at every logged step, the last being the trained model's
    Row learned = summary.get(1);
    String trained = learned.getAs("trained_activation");
    ModelConfig lc = ModelConfig.read(Path.of(learned.<String>getAs("model_dir")));
    assertEquals(trained, lc.activation());
    for (int layer = 0; layer < 2; layer++) {
      List<String> seen = activations(steps, swish, layer);
      assertEquals(3, seen.size(), "steps 0, 25 and the last: " + seen);
      // each row: what the step's forward pass ran, before the step's update
      assertEquals("swish(beta=1)", seen.get(0));
      assertNotEquals(seen.get(0), seen.get(2), "β learned in layer " + layer);
      // the model holds the value after the last update, which the cosine decay makes tiny
      double last = Catalogue.variant(seen.get(2)).params().get("beta");
      double kept = lc.layerActivation(layer).params().get("beta");
      assertTrue(kept != last && Math.abs(kept - last) < 1e-3, last + " then " + kept);
    }
    // rational: layer 0 learns from the fit of gelu, layer 1 runs gelu throughout
    List<String> r0 = activations(steps, rational, 0);
    assertEquals(Catalogue.variant(LearnableFfn.resolve("rational(p=learn,q=learn)", 1)
        .initial()).params().list("q").length, Catalogue.variant(r0.get(2)).params().list("q")
        .length);
    assertNotEquals(r0.get(0), r0.get(2));
    assertEquals(List.of("gelu", "gelu", "gelu"), activations(steps, rational, 1));

    // The trained models run unchanged elsewhere: eval on the mixed one (its own and a swap per
    // layer), capture of the learned one, and the ablation job measuring its layer 0 against gelu.
    CliTest.Result eval = CliTest.run("eval", "--model", mixed.getAs("model_dir"), "--prompts",
        CliTest.repoRoot().resolve("data-samples/prompts/test.jsonl").toString(), "--metrics",
        tmp.resolve("metrics").toString(), "--variants", "baseline;0:geglu,1:relu",
        "--per-task", "2", "--run-id", "eval-mixed", "--master", "local[2]");
    assertEquals(0, eval.code(), eval.out() + eval.err());
    assertTrue(eval.out().contains("0:geglu,1:relu"), eval.out());
    Path acts = tmp.resolve("acts");
    CliTest.Result capture = CliTest.run("capture", "--model", learned.getAs("model_dir"),
        "--prompts", CliTest.repoRoot().resolve("data-samples/prompts/test.jsonl").toString(),
        "--out", acts.toString(), "--per-task", "1", "--master", "local[2]");
    assertEquals(0, capture.code(), capture.out() + capture.err());
    String layer0 = lc.layerActivation(0).name();
    CliTest.Result ablate = CliTest.run("ablate", "--input", acts.toString(), "--metrics",
        tmp.resolve("metrics").toString(), "--variants", layer0, "--reference", "gelu",
        "--run-id", "learned-vs-gelu", "--master", "local[2]");
    assertEquals(0, ablate.code(), ablate.out() + ablate.err());
    List<Row> accuracy = MetricsRepository.open(new Configuration(), tmp.resolve("metrics")
        .toString()).rows(Tables.ACCURACY, java.util.Set.of("learned-vs-gelu")).rows();
    assertTrue(accuracy.stream().anyMatch(a -> a.getAs("variant").equals(layer0)
        && a.getAs("reference").equals("gelu") && a.<Double>getAs("max_abs_err") > 0),
        accuracy.toString());
  }

  /** A grid over backbone sizes: every size trained, named, compared within its size. */
  @Test
  void trainsEverySizeOfTheGridAndComparesWithinASize() throws Exception {
    CliTest.Result r = CliTest.run("sweep", "--prompts", CliTest.repoRoot()
        .resolve("data-samples/prompts").toString(), "--metrics", tmp.resolve("metrics")
        .toString(), "--out", tmp.resolve("models").toString(), "--variants", "gelu;swiglu",
        "--seeds", "2", "--lr", "0.01", "--steps", "8", "--batch", "4", "--hidden", "8,16",
        "--layers", "1", "--heads", "2", "--kv-heads", "1", "--log-every", "4",
        "--test-per-task", "1", "--run-id", "sizes", "--master", "local[2]");
    assertEquals(0, r.code(), r.out() + r.err());
    List<Row> summary = MetricsRepository.open(new Configuration(), tmp.resolve("metrics")
        .toString()).rows(Tables.TRAINING_SUMMARY, null).rows();
    assertEquals(8, summary.size());
    for (Row s : summary) {
      int hidden = s.getAs("hidden");
      boolean gated = s.getAs("variant").equals("swiglu");
      assertEquals(4 * hidden, (int) s.getAs("ffn"), "--ffn defaults to 4 × --hidden");
      assertEquals(gated ? Math.round(2.0 * 4 * hidden / 3) : 4 * hidden, (int) s.getAs("d_ff"));
      assertEquals(1, (int) s.getAs("n_layers"));
      ModelConfig c = ModelConfig.read(Path.of(s.<String>getAs("model_dir")));
      assertEquals(hidden, c.hidden());
      assertTrue(s.<String>getAs("model_dir").contains("-d" + hidden + "-L1-F" + 4 * hidden
          + "-lr"), s.<String>getAs("model_dir"));
    }
    assertEquals(List.of(8, 8, 16, 16, 8, 8, 16, 16), summary.stream()
        .map(s -> s.<Integer>getAs("hidden")).toList(), "variant, then size, then seed");
    assertTrue(summary.get(2).<Long>getAs("params") > summary.get(0).<Long>getAs("params"));
    List<Row> steps = MetricsRepository.open(new Configuration(), tmp.resolve("metrics")
        .toString()).rows(Tables.TRAINING, null).rows();
    assertEquals(8 * 3, steps.size(), "steps 0, 4 and 7 of each training");
    assertEquals(2, steps.stream().map(s -> s.<Integer>getAs("hidden")).distinct().count());
    // the comparison with the first variant, once per size
    assertTrue(r.out().contains("swiglu   gelu     d8-L1-F32"), r.out());
    assertTrue(r.out().contains("swiglu   gelu     d16-L1-F64"), r.out());
  }

  /** The {@code activation} column of one training's rows of one layer, in step order. */
  private static List<String> activations(List<Row> steps, String variant, int layer) {
    return steps.stream().filter(s -> s.getAs("variant").equals(variant)
        && (int) s.getAs("layer") == layer).map(s -> s.<String>getAs("activation")).toList();
  }

  @Test
  void badInputIsNamedBeforeAnyTraining() {
    CliTest.Result noCorpus = CliTest.run("sweep", "--prompts", tmp.toString(), "--metrics",
        tmp.resolve("m").toString(), "--out", tmp.resolve("o").toString());
    assertEquals(2, noCorpus.code());
    assertTrue(noCorpus.err().contains("--prompts " + tmp + " has no train.jsonl"),
        noCorpus.err());
    CliTest.Result badLr = CliTest.run("sweep", "--prompts", tmp.toString(), "--metrics",
        tmp.resolve("m").toString(), "--out", tmp.resolve("o").toString(), "--lr", "0.01,x");
    assertEquals(2, badLr.code());
    assertTrue(badLr.err().contains("--lr: 'x' is not a number"), badLr.err());
    CliTest.Result badVariant = CliTest.run("sweep", "--prompts", tmp.toString(), "--metrics",
        tmp.resolve("m").toString(), "--out", tmp.resolve("o").toString(), "--variants",
        "gelu;nope");
    assertEquals(2, badVariant.code());
    assertTrue(badVariant.err().contains("nope"), badVariant.err());
    CliTest.Result dynamic = CliTest.run("sweep", "--prompts", tmp.toString(), "--metrics",
        tmp.resolve("m").toString(), "--out", tmp.resolve("o").toString(), "--variants",
        "gelu;swiglu@int8");
    assertEquals(2, dynamic.code());
    assertTrue(dynamic.err().contains("swiglu@int8 cannot be trained: its int8 scale is "
        + "calibrated per tensor"), dynamic.err());
    CliTest.Result badSize = CliTest.run("sweep", "--prompts", CliTest.repoRoot()
        .resolve("data-samples/prompts").toString(), "--metrics", tmp.resolve("m").toString(),
        "--out", tmp.resolve("o").toString(), "--hidden", "64,66");
    assertEquals(2, badSize.code());
    assertTrue(badSize.err().contains("--hidden 66 must be a multiple of the 4 --heads"),
        badSize.err());
    CliTest.Result notInt = CliTest.run("sweep", "--prompts", CliTest.repoRoot()
        .resolve("data-samples/prompts").toString(), "--metrics", tmp.resolve("m").toString(),
        "--out", tmp.resolve("o").toString(), "--layers", "2,x");
    assertEquals(2, notInt.code());
    assertTrue(notInt.err().contains("--layers: 'x' is not an integer"), notInt.err());
    CliTest.Result mixTooShort = CliTest.run("sweep", "--prompts", CliTest.repoRoot()
        .resolve("data-samples/prompts").toString(), "--metrics", tmp.resolve("m").toString(),
        "--out", tmp.resolve("o").toString(), "--layers", "2,3", "--variants", "0:swiglu,1:gelu");
    assertEquals(2, mixTooShort.code());
    assertTrue(mixTooShort.err().contains("names no activation for layer 2 of 0-2"),
        mixTooShort.err());
    assertFalse(Files.exists(tmp.resolve("m")), "no repository made");
  }

  private List<Row> rows(String name, String table) {
    return MetricsRepository.open(new Configuration(), tmp.resolve(name).resolve("metrics")
        .toString()).rows(table, null).rows();
  }

  private static List<Double> values(List<Row> rows, String column) {
    List<Double> out = new ArrayList<>();
    rows.forEach(r -> out.add(r.getAs(column)));
    return out;
  }
}

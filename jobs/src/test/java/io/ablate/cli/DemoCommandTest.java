package io.ablate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ablate.repository.MetricsRepository;
import io.ablate.testing.HeadlessChromium;
import io.ablate.testing.LocalSpark;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ablate demo}: the ablation job on the committed sample (data-samples/activations: 4 layers
 * × 256 vectors, dim 512, ffn.pre and ffn.gate_up) into a metrics repository, the table printed.
 */
class DemoCommandTest {
  private static final List<String> ELEMENTWISE = List.of("gelu_tanh", "gelu_sigmoid", "silu",
      "relu", "gelu@bf16", "gelu@fp8_e4m3", "gelu@int8");
  private static final int LAYERS = 4;
  private static final long VALUES_PER_LAYER = 256L * 512;

  @TempDir
  Path tmp;

  @TempDir
  Path elsewhere;

  @BeforeEach
  void home() {
    // As the launcher does: the sample is found under ablate.home (tests run in jobs/).
    System.setProperty("ablate.home", CliTest.repoRoot().toString());
  }

  @AfterEach
  void clearHome() {
    System.clearProperty("ablate.home");
  }

  @Test
  void runsTheAblationJobOnTheCommittedSampleAndPrintsTheTable() throws Exception {
    Path dir = tmp.resolve("demo");
    String out = dir.resolve("metrics").toString();
    Path results = elsewhere.resolve("results.json");
    CliTest.Result r = CliTest.run("demo", "--master", "local[2]", "--out", dir.toString(),
        "--output-json", results.toString());
    assertEquals(0, r.code(), r.out() + r.err());
    // Progress, on stderr: each stage's completion is printed once, named after the job's phase.
    java.util.Map<String, Long> done = r.err().lines()
        .filter(l -> l.matches("  [a-z].* \\[stage \\d+\\]: .*done"))
        .collect(java.util.stream.Collectors.groupingBy(l -> l.substring(l.indexOf("[stage")),
            java.util.stream.Collectors.counting()));
    assertTrue(!done.isEmpty(), r.err());
    done.forEach((stage, n) -> assertEquals(1L, n, stage + " printed " + n + " times"));
    assertTrue(r.err().lines().anyMatch(l -> l.startsWith("  accuracy pass [stage ")), r.err());
    assertTrue(r.err().lines().anyMatch(l -> l.startsWith("  profile pass [stage ")), r.err());
    // Nothing beside the demo's directory: only metrics/ and data/ inside it.
    try (java.util.stream.Stream<Path> beside = java.nio.file.Files.list(tmp)) {
      assertEquals(List.of(dir), beside.toList());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    try (java.util.stream.Stream<Path> inside = java.nio.file.Files.list(dir)) {
      assertEquals(Set.of(dir.resolve("metrics"), dir.resolve("data"),
          dir.resolve(DemoCommand.REPORT)), inside.collect(java.util.stream.Collectors.toSet()));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }

    // Every (layer, site, variant): the 7 elementwise variants on ffn.pre, swiglu@bf16 on gate_up.
    Set<String> expected = new TreeSet<>();
    for (int layer = 0; layer < LAYERS; layer++) {
      for (String v : ELEMENTWISE) {
        expected.add(layer + " ffn.pre " + v);
      }
      expected.add(layer + " ffn.gate_up swiglu@bf16");
    }
    Map<String, Row> rows = new HashMap<>();
    SparkSession spark = LocalSpark.builder("demo-check").getOrCreate();
    try {
      MetricsRepository repo = MetricsRepository.open(spark, out);
      // the ablation job on the sample; with the tiny model, its eval and the captured ablation
      boolean model = java.nio.file.Files.isDirectory(
          CliTest.repoRoot().resolve(DemoCommand.TINY_MODEL));
      assertEquals(model ? 2 : 1,
          repo.runs().where("status = 'succeeded' AND job = 'ablate'").count());
      // The drift step: two profile runs and one drift run, alert in exactly the drifted layers;
      // with the tiny model a third profile run, of its captured activations.
      assertEquals(model ? 3 : 2,
          repo.runs().where("status = 'succeeded' AND job = 'profile'").count());
      assertEquals(1, repo.runs().where("status = 'succeeded' AND job = 'drift'").count());
      List<Integer> alerted = new ArrayList<>();
      for (Row row : repo.read("drift").where("status = 'alert'").orderBy("layer")
          .collectAsList()) {
        alerted.add(row.getAs("layer"));
      }
      assertEquals(DemoCommand.DRIFT_LAYERS, alerted, repo.read("drift").collectAsList().toString());
      assertEquals(4, repo.read("drift").count());
      // The results file: every run of the demo, in the order they began, all succeeded.
      com.fasterxml.jackson.databind.JsonNode doc = ResultsFileTest.valid(results);
      assertEquals("demo", doc.get("command").asText());
      assertEquals(0, doc.get("exit_code").asInt());
      List<String> made = new ArrayList<>();
      doc.get("runs").forEach(run -> made.add(run.at("/run/run_id").asText()));
      assertEquals(repo.runs().orderBy("started_at").collectAsList().stream()
          .map(run -> run.<String>getAs("run_id")).toList(), made);
      doc.get("runs").forEach(run -> assertEquals("succeeded", run.at("/run/status").asText()));
      String sampleRun = repo.runs().where("job = 'ablate' AND inputs LIKE '%data-samples/activations'")
          .first().getAs("run_id");
      if (model) {
        // 4 configs x (5 tasks + "*"); baseline against itself: agreement 1, KL 0
        assertEquals(24, repo.read("prompt_eval").count());
        Row base = repo.read("prompt_eval").where("variant_config = 'baseline' AND task = '*'")
            .first();
        assertEquals(1.0, (double) base.getAs("top1_agreement"));
        assertEquals(0.0, (double) base.getAs("mean_kl"));
        assertEquals(100L, (long) base.getAs("n_prompts"));
        assertTrue(repo.read("accuracy").where("model = 'tiny-gpt2' AND site = 'ffn.pre'").count()
            > 0);
        assertTrue(r.out().contains("Demo, model level"), r.out());
        // The profile step on the captured FFN inputs: one row per layer of the model (3), over
        // the raw inputs (no variant), every captured value counted once.
        List<Row> profiles = repo.read("profiles").where("model = 'tiny-gpt2'").orderBy("layer")
            .collectAsList();
        assertEquals(List.of(0, 1, 2), profiles.stream().map(p -> (int) p.getAs("layer")).toList(),
            profiles.toString());
        long perLayer = (long) profiles.get(0).getAs("n");
        for (Row p : profiles) {
          assertEquals("ffn.pre", p.getAs("site"));
          assertTrue(p.isNullAt(p.fieldIndex("variant")), p.toString());
          assertEquals(perLayer, (long) p.getAs("n"), p.toString());
          assertEquals(0L, (long) p.getAs("nans"), p.toString());
          assertTrue((double) p.getAs("max") > (double) p.getAs("min"), p.toString());
        }
        // 100 prompts (20 per task) of at least 5 tokens, 256 FFN channels each
        assertTrue(perLayer >= 100L * 5 * 256 && perLayer % 256 == 0, "n " + perLayer);
        assertEquals(perLayer, repo.read("accuracy").where("model = 'tiny-gpt2' AND layer = 0 "
            + "AND variant = 'gelu_tanh'").first().<Long>getAs("n"));
        assertTrue(r.out().contains("Profiles of the captured FFN inputs"), r.out());
        for (int layer = 0; layer < 3; layer++) {
          String line = "^\\S+ +" + layer + " +ffn\\.pre +- +" + perLayer + " .*";
          assertTrue(r.out().lines().anyMatch(l -> l.matches(line)), line + "\n" + r.out());
        }
      }
      for (Row row : repo.read("accuracy").where(
          org.apache.spark.sql.functions.col("run_id").equalTo(sampleRun)).collectAsList()) {
        rows.put(row.getAs("layer") + " " + row.getAs("site") + " " + row.getAs("variant"), row);
      }
    } finally {
      spark.stop();
    }
    assertEquals(expected, new TreeSet<>(rows.keySet()));
    for (Row row : rows.values()) {
      assertEquals(VALUES_PER_LAYER, (long) row.getAs("n"), row.toString());
      assertEquals(0L, (long) row.getAs("nan_out"), row.toString());
      boolean gated = row.getAs("site").equals("ffn.gate_up");
      assertEquals(gated ? "swiglu" : "gelu", row.getAs("reference"), row.toString());
    }
    for (int layer = 0; layer < LAYERS; layer++) {
      // relu vs gelu: at least the gap at x = -0.75 (gelu(-0.75) = -0.17), on every layer.
      assertTrue(metric(rows, layer, "ffn.pre", "relu", "max_abs_err") > 0.16);
      // gelu_tanh is a close approximation: its worst error is about 4.7e-4.
      assertTrue(metric(rows, layer, "ffn.pre", "gelu_tanh", "max_abs_err") < 1e-3);
      // bf16 output rounding (8 significand bits). Its SNR is above the ~50-59 dB of uniform
      // rounding: the outlier channels dominate sum(ref^2), and in this bf16 dataset they are bf16
      // numbers, where gelu(x) = x rounds without error.
      double bf16Snr = metric(rows, layer, "ffn.pre", "gelu@bf16", "snr_db");
      assertTrue(bf16Snr > 55 && bf16Snr < 75, "gelu@bf16 snr_db " + bf16Snr);
      // Half a bf16 ulp is 2^15 float32 ulps; the float32 kernel's own error adds a little.
      assertTrue(metric(rows, layer, "ffn.pre", "gelu@bf16", "max_ulp") < 33_000);
      double fp8Snr = metric(rows, layer, "ffn.pre", "gelu@fp8_e4m3", "snr_db");
      assertTrue(fp8Snr > 20 && fp8Snr < bf16Snr, "gelu@fp8_e4m3 snr_db " + fp8Snr);
      double swigluSnr = metric(rows, layer, "ffn.gate_up", "swiglu@bf16", "snr_db");
      assertTrue(swigluSnr > 45 && swigluSnr < 75, "swiglu@bf16 snr_db " + swigluSnr);
    }

    // The printed table: one line per (variant, layer, site), with its n.
    for (String key : expected) {
      String[] k = key.split(" ");
      assertTrue(r.out().lines().anyMatch(l -> l.matches(Pattern.quote(k[2])
          + " +" + k[0] + " +" + k[1].replace(".", "\\.") + " +" + VALUES_PER_LAYER + " .*")),
          key + "\n" + r.out());
    }
    assertTrue(r.out().contains("How to read this"), r.out());
    assertTrue(r.out().contains("Against gelu, closest: gelu_tanh"), r.out());
    assertTrue(r.out().contains("furthest: relu"), r.out());
    assertTrue(r.out().contains("jobs/bin/ablate report --metrics " + out), r.out());
    assertTrue(r.out().contains("Alert in layers [1, 3] (generated\nwith drift in [1, 3])"),
        r.out());
    Path report = dir.resolve(DemoCommand.REPORT);
    assertTrue(r.out().contains("Report with plots: " + report), r.out());
    reportDrawsInABrowser(report);
  }

  /**
   * The demo's report in headless Chromium: no errors, the title and a heading per table, every
   * plot drawn with marks (the trade-off plots among them: the demo times its kernels), nothing
   * wider than a phone's screen; screenshots under target/ to look at.
   */
  private static void reportDrawsInABrowser(Path report) throws Exception {
    Path shots = Path.of("target", "report-screenshots");
    java.nio.file.Files.createDirectories(shots);
    try (HeadlessChromium browser = HeadlessChromium.start(1200, 900);
        HeadlessChromium.Page page = browser.open(report)) {
      assertEquals(List.of(), page.consoleErrors());
      assertTrue(String.valueOf(page.evaluate("document.title")).startsWith("Ablate report: "));
      assertEquals(List.of("Accuracy", "Drift", "Prompt evaluation", "Latency", "Profiles",
          "Prompt results", "Runs"), page.evaluate(
              "Array.from(document.querySelectorAll('h2')).map(h => h.textContent)"));
      // Marks per plot, by plot label: none may be empty.
      @SuppressWarnings("unchecked")
      Map<String, Object> marks = (Map<String, Object>) page.evaluate("Object.fromEntries("
          + "Array.from(document.querySelectorAll('svg.plot')).map((s, i) => "
          + "[i + ' ' + s.getAttribute('aria-label'), s.querySelectorAll('.mark').length]))");
      assertTrue(marks.size() >= 10, marks.toString());
      marks.forEach((plot, n) -> assertTrue(((Number) n).intValue() > 0, plot + ": no marks"));
      for (String kind : List.of("SNR against cost", "Largest error against cost",
          "SNR by variant and layer", "Drift by key and statistic", "Distributions of",
          "Exact match by task", "Mean KL against the baseline", "Nanoseconds per value")) {
        assertTrue(marks.keySet().stream().anyMatch(k -> k.contains(kind)), kind + " in "
            + marks.keySet());
      }
      // The drift step alerts in two layers: one distribution plot each, two lines in each.
      assertEquals(DemoCommand.DRIFT_LAYERS.size(), marks.keySet().stream()
          .filter(k -> k.contains("Distributions of")).count(), marks.keySet().toString());
      page.screenshot(shots.resolve("demo-report.png"));
      page.setViewport(360, 800);
      assertTrue(((Number) page.evaluate("document.documentElement.scrollWidth")).intValue()
          <= 360, "the page is wider than a 360 px window");
      page.screenshot(shots.resolve("demo-report-narrow.png"));
      assertEquals(List.of(), page.consoleErrors());
    }
  }

  @Test
  void aMissingSampleIsNamed() {
    System.setProperty("ablate.home", tmp.toString());
    CliTest.Result r = CliTest.run("demo", "--master", "local[2]");
    assertEquals(2, r.code(), r.out() + r.err());
    assertTrue(r.err().contains("sample dataset " + tmp.resolve("data-samples/activations")
        + " not found"), r.err());
  }

  private static double metric(Map<String, Row> rows, int layer, String site, String variant,
      String column) {
    return rows.get(layer + " " + site + " " + variant).<Double>getAs(column);
  }
}

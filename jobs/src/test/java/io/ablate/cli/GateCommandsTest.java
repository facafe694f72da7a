package io.ablate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ablate.gate.Metric;
import io.ablate.repository.MetricsRepository;
import io.ablate.repository.RunId;
import io.ablate.repository.RunRecord;
import io.ablate.repository.Tables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --gate} on ablate (the committed sample dataset) and eval (the committed tiny model): a
 * gate that holds exits 0 and records every check as a pass; one that fails for some rows prints
 * them, records every check, commits the run and exits 3; a gate naming an unknown metric or
 * subject is bad input before any run begins.
 */
class GateCommandsTest {
  @TempDir
  Path dir;

  private static Map<String, Row> rows(String metrics, String table, String runId,
      String... keyColumns) {
    MetricsRepository repo = MetricsRepository.open(new Configuration(), metrics);
    return repo.rowsOfRuns(table, List.of(repo.runRecord(RunId.of(runId)).orElseThrow())).rows()
        .stream().collect(Collectors.toMap(r -> java.util.Arrays.stream(keyColumns)
            .map(c -> String.valueOf((Object) r.getAs(c))).collect(Collectors.joining("|")),
            Function.identity()));
  }

  private static RunRecord record(String metrics, String runId) {
    return MetricsRepository.open(new Configuration(), metrics).runRecord(RunId.of(runId))
        .orElseThrow();
  }

  @Test
  void ablateGatesPassOrTripAndTheRunCommitsEitherWay() {
    String data = CliTest.repoRoot().resolve("data-samples/activations").toString();
    String metrics = dir.resolve("metrics").toString();
    List<String> base = List.of("ablate", "--master", "local[2]", "--input", data, "--metrics",
        metrics, "--variants", "gelu_tanh;gelu@int8");

    CliTest.Result metric = run(base, "--gate", "snr>=40");
    assertEquals(2, metric.code(), metric.err());
    assertTrue(metric.err().contains("gate 'snr>=40': unknown metric 'snr'; valid: n, nan_in, "
        + "inf_in, nan_out, max_abs_err, mean_abs_err, rmse, max_rel_err, max_ulp, ulp_excluded, "
        + "cos_sim, snr_db, sparsity_out"), metric.err());
    CliTest.Result variant = run(base, "--gate", "silu:snr_db>=40");
    assertEquals(2, variant.code(), variant.err());
    assertTrue(variant.err().contains("variant 'silu' is not among the variants checked: "
        + "gelu@int8, gelu_tanh"), variant.err());
    assertFalse(Files.exists(dir.resolve("metrics")), "no run began");

    // Every accuracy row has elements; gelu_tanh (any spelling) is close to gelu.
    CliTest.Result pass = run(base, "--run-id", "pass", "--gate", "n>=1", "--gate",
        "gelu_tanh@fp32:cos_sim>0.9");
    assertEquals(0, pass.code(), pass.out() + pass.err());
    // The sample has 4 layers of ffn.pre: 8 rows, 4 of them gelu_tanh's.
    assertTrue(pass.out().contains("All 12 gate checks passed: n>=1 (8 rows), "
        + "gelu_tanh@fp32:cos_sim>0.9 (4 rows)."), pass.out());
    Map<String, Row> passed = rows(metrics, Tables.GATES, "pass", "gate", "subject", "key");
    assertEquals(12, passed.size());
    assertTrue(passed.values().stream().allMatch(r -> r.getAs("status").equals("pass")
        && r.getAs("reason") == null && r.getAs("table_name").equals("accuracy")),
        passed.toString());

    // int8 rounds gelu's outputs to 1/127 of their range: far above 1e-3; gelu_tanh stays within.
    CliTest.Result fail = run(base, "--run-id", "fail", "--gate", "max_abs_err<=1e-3");
    assertEquals(3, fail.code(), fail.out() + fail.err());
    List<String> failures = fail.out().lines().dropWhile(l -> !l.matches("\\d+ gate failures?:"))
        .toList();
    assertEquals("4 gate failures:", failures.get(0), fail.out());
    assertTrue(failures.get(1).matches("gate +subject +key +value +threshold"), fail.out());
    List<String> failed = failures.stream().skip(3).filter(l -> l.startsWith("max_abs_err"))
        .toList();
    assertEquals(4, failed.size(), fail.out());
    assertTrue(failed.stream().allMatch(l -> l.matches("max_abs_err<=1e-3 +gelu@int8 +model="
        + "tiny-synthetic .* <= 0\\.001")), failed.toString());

    Map<String, Row> accuracy = rows(metrics, Tables.ACCURACY, "fail", "variant", "layer");
    Map<String, Row> checks = rows(metrics, Tables.GATES, "fail", "subject", "key");
    assertEquals(8, checks.size());
    for (Row c : checks.values()) {
      Row a = accuracy.get(c.getAs("subject") + "|" + c.<String>getAs("key")
          .replaceAll(".*layer=(\\d+).*", "$1"));
      double err = a.getAs("max_abs_err");
      assertEquals(err, (double) c.getAs("value"));
      assertEquals(err <= 1e-3 ? "pass" : "fail", c.getAs("status"));
      assertEquals(c.getAs("subject").equals("gelu@int8") ? "fail" : "pass", c.getAs("status"));
      assertEquals("model=tiny-synthetic checkpoint=ckpt-0 layer=" + a.getAs("layer")
          + " site=ffn.pre precision=" + a.getAs("precision") + " reference=gelu impl="
          + a.getAs("impl"), c.getAs("key"));
    }
    RunRecord run = record(metrics, "fail");
    assertEquals(RunRecord.Status.SUCCEEDED, run.status());
    assertEquals(3, run.exitCode());
    assertTrue(run.args().contains("\"gate\":\"max_abs_err<=1e-3\""), run.args());
    assertEquals(0, record(metrics, "pass").exitCode());
  }

  @Test
  void evalGatesOnTheBaselineDeltaAndOnOneConfig() {
    String model = CliTest.repoRoot().resolve("data-samples/models/tiny-gpt2").toString();
    String prompts = CliTest.repoRoot().resolve("data-samples/prompts/test.jsonl").toString();
    String metrics = dir.resolve("metrics").toString();
    List<String> base = List.of("eval", "--master", "local[2]", "--model", model, "--prompts",
        prompts, "--metrics", metrics, "--variants", "baseline;gelu_tanh", "--per-task", "1",
        "--max-new-tokens", "4", "--partitions", "1");

    CliTest.Result ratio = run(base, "--gate", "exact_match_ratio>=0.9");
    assertEquals(2, ratio.code(), ratio.err());
    assertTrue(ratio.err().contains("unknown metric 'exact_match_ratio'") && ratio.err()
        .contains("(and METRIC_delta of each)"), ratio.err());
    CliTest.Result config = run(base, "--gate", "*:gelu@int8:mean_kl<=1e-3");
    assertEquals(2, config.code(), config.err());
    assertTrue(config.err().contains("variant config '*:gelu@int8' is not among the variant "
        + "configs checked: baseline, gelu_tanh"), config.err());

    // Agreement with the baseline is at most the baseline's own (1); a KL is never negative.
    CliTest.Result r = run(base, "--run-id", "e1", "--gate", "top1_agreement_delta<=0",
        "--gate", "gelu_tanh:mean_kl<0");
    assertEquals(3, r.code(), r.out() + r.err());
    // 5 tasks and '*': each gelu_tanh row fails the KL gate.
    assertTrue(r.out().contains("6 gate failures:"), r.out());
    Map<String, Row> evals = rows(metrics, Tables.PROMPT_EVAL, "e1", "variant_config", "task");
    Map<String, Row> checks = rows(metrics, Tables.GATES, "e1", "gate", "subject", "key");
    assertEquals(12 + 6, checks.size(), checks.keySet().toString());
    for (Row c : checks.values()) {
      String task = c.<String>getAs("key").replaceAll(".*task=", "");
      assertTrue(c.<String>getAs("key").startsWith("model=tiny-gpt2 task="), c.toString());
      Row row = evals.get(c.getAs("subject") + "|" + task);
      if (c.getAs("gate").equals("top1_agreement_delta<=0")) {
        Row baseline = evals.get("baseline|" + task);
        assertEquals(Metric.delta(row.getAs("top1_agreement"), baseline.getAs("top1_agreement")),
            (Double) c.getAs("value"));
        assertEquals("pass", c.getAs("status"), c.toString());
      } else {
        assertEquals("gelu_tanh", c.getAs("subject"));
        assertEquals((double) row.getAs("mean_kl"), (double) c.getAs("value"));
        assertEquals("fail", c.getAs("status"));
        assertEquals("prompt_eval", c.getAs("table_name"));
      }
    }
    RunRecord run = record(metrics, "e1");
    assertEquals(RunRecord.Status.SUCCEEDED, run.status());
    assertEquals(3, run.exitCode());
  }

  private static CliTest.Result run(List<String> base, String... more) {
    List<String> args = new java.util.ArrayList<>(base);
    args.addAll(List.of(more));
    return CliTest.run(args.toArray(String[]::new));
  }
}

package io.ablate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * generate → profile → drift as a user (or a nightly schedule) runs it: exit 3 on alert naming the
 * drifted layer only, 0 for identical profiles, 2 with a message for each kind of bad reference.
 */
@ExtendWith(RepoHome.class)
class DriftCommandTest {
  @TempDir
  Path dir;

  private String generate(String name, String... extra) {
    String out = dir.resolve(name).toString();
    List<String> args = new java.util.ArrayList<>(List.of("generate", "--master", "local[2]",
        "--out", out, "--rows", "400", "--dim", "64", "--layers", "3", "--encoding", "array"));
    args.addAll(List.of(extra));
    CliTest.Result r = CliTest.run(args.toArray(String[]::new));
    assertEquals(0, r.code(), r.err());
    return out;
  }

  private CliTest.Result profile(String input, String metrics, String runId, String... extra) {
    List<String> args = new java.util.ArrayList<>(List.of("profile", "--master", "local[2]",
        "--input", input, "--metrics", metrics, "--run-id", runId));
    args.addAll(List.of(extra));
    return CliTest.run(args.toArray(String[]::new));
  }

  private static CliTest.Result drift(String metrics, String baseline, String candidate) {
    return CliTest.run("drift", "--master", "local[2]", "--metrics", metrics, "--baseline",
        baseline, "--candidate", candidate);
  }

  @Test
  void nightlyDriftAlertsOnTheDriftedLayerOnlyAndBadReferencesAreNamed() {
    String metrics = dir.resolve("metrics").toString();
    String day1 = generate("day1", "--checkpoint", "ckpt-1", "--seed", "1");
    String day2 = generate("day2", "--checkpoint", "ckpt-2", "--seed", "2", "--shift", "1",
        "--drift-layers", "1");
    CliTest.Result p1 = profile(day1, metrics, "day1", "--variants", "relu");
    assertEquals(0, p1.code(), p1.err());
    assertTrue(p1.out().contains("ckpt-1") && p1.out().contains("relu"), p1.out());
    CliTest.Result p2 = profile(day2, metrics, "day2", "--variants", "relu");
    assertEquals(0, p2.code(), p2.err());

    CliTest.Result nightly = drift(metrics, "previous", "latest");
    assertEquals(3, nightly.code(), nightly.out() + nightly.err());
    assertTrue(nightly.out().contains("baseline day1, candidate day2"), nightly.out());
    List<String> rows = nightly.out().lines().filter(l -> l.startsWith("alert")
        || l.startsWith("warn") || l.startsWith("ok ")).toList();
    assertEquals(6, rows.size(), nightly.out()); // 3 layers × (raw, relu)
    for (String row : rows) {
      String[] cells = row.trim().split("\\s+");
      boolean drifted = cells[2].equals("1");
      assertEquals(drifted ? "alert" : "ok", cells[0], row);
    }
    assertTrue(rows.get(0).startsWith("alert"), "worst first: " + rows);

    CliTest.Result same = drift(metrics, "day1", "day1/ckpt-1");
    assertEquals(0, same.code(), same.out() + same.err());
    assertTrue(same.out().contains("0 alert, 0 warn, 6 ok"), same.out());

    CliTest.Result missing = drift(metrics, "day0", "day2");
    assertEquals(2, missing.code());
    assertTrue(missing.err().contains("run day0 is not a succeeded profile run")
        && missing.err().contains("[day1, day2]"), missing.err());
    CliTest.Result checkpoint = drift(metrics, "day1/ckpt-9", "day2");
    assertEquals(2, checkpoint.code());
    assertTrue(checkpoint.err().contains("run day1 has no checkpoint 'ckpt-9'; its checkpoints: "
        + "[ckpt-1]"), checkpoint.err());
    CliTest.Result noPrevious = drift(metrics, "previous", "day1");
    assertEquals(2, noPrevious.code());
    assertTrue(noPrevious.err().contains("no 'previous' profile run"), noPrevious.err());

    CliTest.Result small = profile(day1, metrics, "small-k", "--sketch-k", "256");
    assertEquals(0, small.code(), small.err());
    CliTest.Result k = drift(metrics, "small-k", "day2");
    assertEquals(2, k.code());
    assertTrue(k.err().contains("sketches of different k") && k.err().contains("k=256")
        && k.err().contains("k=1024"), k.err());

    String other = generate("other", "--model", "other-model");
    assertEquals(0, profile(other, metrics, "other").code());
    CliTest.Result disjoint = drift(metrics, "other", "day2");
    assertEquals(2, disjoint.code());
    assertTrue(disjoint.err().contains("no (model, layer, site, variant) in common")
        && disjoint.err().contains("other-model layer 0"), disjoint.err());
  }

  @Test
  void theNightlySpecProfilesThenGatesOnThePreviousRun() {
    String metrics = dir.resolve("nightly").toString();
    String spec = CliTest.repoRoot().resolve("conf/jobs/nightly-drift.yaml").toString();
    String day1 = generate("n1", "--checkpoint", "ckpt-1", "--seed", "1");
    String day2 = generate("n2", "--checkpoint", "ckpt-2", "--seed", "2", "--scale", "2.5",
        "--drift-layers", "2");
    CliTest.Result first = CliTest.run("--job", spec, "--input", day1, "--metrics", metrics,
        "--master", "local[2]", "--run-id", "night-1");
    assertEquals(0, first.code(), first.out() + first.err());
    assertTrue(first.out().contains("nothing to compare with yet"), first.out());
    CliTest.Result second = CliTest.run("--job", spec, "--input", day2, "--metrics", metrics,
        "--master", "local[2]", "--run-id", "night-2");
    assertEquals(3, second.code(), second.out() + second.err());
    assertTrue(second.out().contains("baseline night-1, candidate night-2"), second.out());
    List<String> alerts = second.out().lines().filter(l -> l.startsWith("alert")).toList();
    assertEquals(1, alerts.size(), second.out());
    assertEquals("2", alerts.get(0).trim().split("\\s+")[2], alerts.get(0));
  }
}

package io.ablate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.ablate.eval.TaskCorpus;
import io.ablate.model.CharVocab;
import io.ablate.model.ModelConfig;
import io.ablate.model.ModelDir;
import io.ablate.model.Safetensors;
import io.ablate.model.Weights;
import io.ablate.repository.MetricsRepository;
import io.ablate.repository.RunId;
import io.ablate.repository.RunRecord;
import io.ablate.testing.LocalSpark;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Ablate on a Spark standalone cluster of separate JVMs, started by {@code jobs/bin/ablate-cluster}
 * (a master and two workers of one core each) and used through its {@code submit}, which runs
 * Spark's own {@code SparkSubmit} with the app jar, as a user would. Metrics are compared, bit for
 * bit, with the same commands run in {@code local[1]}; faults are injected at points the driver's
 * own progress report names, never after a guessed delay.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterIT {
  private static final Path APP_JAR = Path.of(property("ablate.app.jar"));
  private static final Path CONF = Path.of(property("ablate.conf.dir"));
  private static final Path SCRIPT = Path.of(property("ablate.bin.dir"), "ablate-cluster");
  /** Timing columns: the only ones allowed to differ between two runs over the same data. */
  private static final Pattern TIMING = Pattern.compile(".*(_ms|_ms_.*|tokens_per_s)$");

  private Path root;
  private Path cluster;
  private String masterUrl;
  private Path shared;
  private Path acts;
  private Path drifted;
  private Path big;

  @BeforeAll
  void startCluster() throws Exception {
    root = Files.createTempDirectory("ablate-cluster-it");
    cluster = root.resolve("cluster");
    Result started = run(List.of(SCRIPT.toString(), "start", "--workers", "2", "--cores", "1",
        "--memory", "1500m", "--port", "0", "--webui-port", "0"), Map.of(), line -> {}, 180);
    assertEquals(0, started.code(), started.output());
    masterUrl = Files.readString(cluster.resolve("master-url")).trim();
    assertTrue(masterUrl.startsWith("spark://127.0.0.1:"), masterUrl);
    Result status = run(List.of(SCRIPT.toString(), "status"), Map.of(), line -> {}, 30);
    assertEquals(0, status.code(), status.output());
    assertTrue(status.output().contains("worker-2  running"), status.output());
    // The stand-in for storage every node sees.
    shared = Files.createDirectories(root.resolve("shared"));
    acts = shared.resolve("acts");
    drifted = shared.resolve("drifted");
    big = shared.resolve("big");
  }

  /**
   * A session to read what the runs wrote, made anew when a command run in this JVM (local[1])
   * stopped the last one.
   */
  private static SparkSession session() {
    return LocalSpark.builder("cluster-it").getOrCreate();
  }

  @AfterAll
  void stopCluster() throws Exception {
    session().stop();
    Result stopped = run(List.of(SCRIPT.toString(), "stop"), Map.of(), line -> {}, 60);
    assertEquals(0, stopped.code(), stopped.output());
    // Nothing of the cluster is left running: no daemon, executor or driver of its directory.
    assertEquals(List.of(), clusterJvms(""), "JVMs left after stop");
    try (Stream<Path> files = Files.walk(root)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }

  @Test
  @Order(1)
  void thePipelineOnTheClusterGivesTheMetricsOfLocalOneBitForBit() throws Exception {
    Path metrics = shared.resolve("metrics");
    Path local = root.resolve("local-metrics");
    // generate on the cluster and in local[1]: the same dataset.
    assertOk(submit("generate", "--out", acts.toString(), "--rows", "300", "--dim", "128",
        "--layers", "2", "--partitions", "4", "--sites", "ffn.pre,ffn.gate_up"));
    assertLocal("generate", "--out", drifted.toString(), "--rows", "300", "--dim", "128",
        "--layers", "2", "--partitions", "3", "--seed", "7", "--shift", "0.5", "--scale", "2");
    Path localActs = root.resolve("local-acts");
    assertLocal("generate", "--out", localActs.toString(), "--rows", "300", "--dim", "128",
        "--layers", "2", "--partitions", "4", "--sites", "ffn.pre,ffn.gate_up");
    assertEquals(rows(session().read().parquet(localActs.toString())),
        rows(session().read().parquet(acts.toString())), "generate: the same vectors");

    Path model = model(shared.resolve("model"));
    Path prompts = shared.resolve("test.jsonl");
    assertEquals(0, CliTest.run("prompts", "--out", shared.resolve("prompts").toString(),
        "--train", "1", "--test", "1").code());
    Files.copy(shared.resolve("prompts/test.jsonl"), prompts);

    List<String[]> commands = List.of(
        new String[] {"ablate", "--input", acts.toString(), "--run-id", "a1"},
        new String[] {"profile", "--input", acts.toString(), "--run-id", "p1"},
        new String[] {"profile", "--input", drifted.toString(), "--run-id", "p2"},
        new String[] {"eval", "--model", model.toString(), "--prompts", prompts.toString(),
            "--variants", "baseline;gelu_tanh;*:gelu@int8", "--max-new-tokens", "4",
            "--partitions", "2", "--run-id", "e1"});
    for (String[] c : commands) {
      assertOk(submit(List.of("--jars", nativesJar().toString()),
          with(c, "--metrics", metrics.toString())));
      assertLocal(with(c, "--metrics", local.toString()));
    }
    // A drift alert reaches the caller as exit 3 (client mode).
    String[] drift = {"drift", "--baseline", "p1", "--candidate", "p2", "--run-id", "d1"};
    Result alert = submit(with(drift, "--metrics", metrics.toString()));
    assertEquals(3, alert.code(), alert.output());
    assertEquals(3, Main.run(with(with(drift, "--metrics", local.toString()), "--master",
        "local[1]"), System.out, System.err));

    MetricsRepository onCluster = MetricsRepository.open(session(), metrics.toString());
    MetricsRepository inLocal = MetricsRepository.open(session(), local.toString());
    for (String table : List.of("accuracy", "profiles", "drift", "prompt_eval",
        "prompt_results")) {
      List<String> expected = rows(inLocal.read(table));
      assertFalse(expected.isEmpty(), table);
      assertEquals(expected, rows(onCluster.read(table)), table + ": cluster vs local[1]");
    }
    for (String id : List.of("a1", "p1", "p2", "e1")) {
      RunRecord r = onCluster.runRecord(RunId.of(id)).orElseThrow();
      assertEquals(masterUrl, r.sparkMaster(), id);
      assertEquals(2, r.executors(), id + ": two workers, one executor each");
      assertEquals("client", r.platform().deployMode());
      assertTrue(r.platform().appId().startsWith("app-"), r.platform().appId());
      assertEquals(0, r.exitCode(), id);
      assertTrue(r.platform().settings().contains("KryoSerializer"), r.platform().settings());
    }
    // Drift compares stored profiles in the driver alone: submitted or not, it starts no session.
    RunRecord d1 = onCluster.runRecord(RunId.of("d1")).orElseThrow();
    assertEquals(RunRecord.NO_SPARK, d1.sparkMaster());
    assertEquals(1, d1.executors());
    assertNull(d1.platform().appId());
    assertNull(d1.platform().deployMode());
    assertEquals(3, d1.exitCode());
    assertEquals(RunRecord.Status.SUCCEEDED, d1.status());
  }

  @Test
  @Order(2)
  void clusterDeployModeRunsTheDriverOnAWorkerAndTheRunsTableSaysHowItEnded() throws Exception {
    // Against the repository of the first test: its local[1] twin holds the expected rows.
    Path metrics = shared.resolve("metrics");
    List<String> clusterMode = List.of("--deploy-mode", "cluster",
        "--conf", "spark.standalone.submit.waitAppCompletion=true");
    assertOk(submit(clusterMode, "ablate", "--input", acts.toString(), "--metrics",
        metrics.toString(), "--run-id", "c1"));
    // The alert: no caller sees the driver's exit code in cluster mode; the runs table keeps it.
    submit(clusterMode, "profile", "--input", drifted.toString(), "--metrics",
        metrics.toString(), "--run-id", "cp2", "--drift-against", "p1");
    MetricsRepository repo = MetricsRepository.open(session(), metrics.toString());
    assertEquals(rows(repo.read("accuracy").where("run_id = 'a1'").drop("run_id")),
        rows(repo.read("accuracy").where("run_id = 'c1'").drop("run_id")),
        "cluster mode vs client mode (itself equal to local[1])");
    assertEquals(rows(repo.read("profiles").where("run_id = 'p2'").drop("run_id")),
        rows(repo.read("profiles").where("run_id = 'cp2'").drop("run_id")));
    RunRecord c1 = repo.runRecord(RunId.of("c1")).orElseThrow();
    assertEquals("cluster", c1.platform().deployMode());
    assertEquals(0, c1.exitCode());
    RunRecord drift = repo.runRecords().stream().filter(r -> r.job().equals("drift")
        && r.platform().deployMode().equals("cluster")).findFirst().orElseThrow();
    assertEquals(RunRecord.Status.SUCCEEDED, drift.status());
    assertEquals(3, drift.exitCode(), "the gate tripped");
    // The drivers ran in workers' directories, not here.
    try (Stream<Path> drivers = Files.find(cluster.resolve("work"), 2,
        (p, a) -> p.getFileName().toString().startsWith("driver-"))) {
      assertEquals(2, drivers.count());
    }
  }

  @Test
  @Order(3)
  void theNightlySpecSubmittedWithAMasterRunsOnThatMaster() throws Exception {
    // The spec says 'profile: local'; what spark-submit says wins.
    Path metrics = shared.resolve("metrics-nightly");
    String spec = CONF.resolve("jobs/nightly-drift.yaml").toString();
    Result first = submit("--job", spec, "--input", acts.toString(), "--metrics",
        metrics.toString(), "--run-id", "n1");
    assertEquals(0, first.code(), first.output());
    assertTrue(first.output().contains("nothing to compare with yet"), first.output());
    Result second = submit("--job", spec, "--input", drifted.toString(), "--metrics",
        metrics.toString(), "--run-id", "n2");
    assertEquals(3, second.code(), second.output());
    // Bad input reaches the caller as exit 2, named.
    Path missing = shared.resolve("missing");
    Result bad = submit("--job", spec, "--input", missing.toString(), "--metrics",
        metrics.toString(), "--run-id", "n3");
    assertEquals(2, bad.code(), bad.output());
    assertTrue(bad.output().contains("ablate: input " + missing + " does not exist"),
        bad.output());
    RunRecord n1 = MetricsRepository.open(session(), metrics.toString()).runRecord(RunId.of("n1"))
        .orElseThrow();
    assertEquals(masterUrl, n1.sparkMaster());
    assertEquals(2, n1.executors());
  }

  @Test
  @Order(4)
  void anExecutorKilledDuringTheAccuracyPassLosesNothing() throws Exception {
    bigDataset();
    Path metrics = shared.resolve("metrics-executor-kill");
    Path local = root.resolve("local-executor-kill");
    String[] ablate = {"ablate", "--input", big.toString(), "--run-id", "k1", "--variants",
        "gelu_tanh;silu;relu;gelu@bf16"};
    List<Long> killed = new ArrayList<>();
    Result r = submit(List.of("--conf", "spark.sql.files.maxPartitionBytes=3m"), Map.of(),
        midPass("accuracy pass", () -> {
          List<Long> executors = clusterJvms("CoarseGrainedExecutorBackend");
          assertEquals(2, executors.size(), "one executor per worker");
          kill(executors.get(0));
          killed.add(executors.get(0));
        }), with(ablate, "--metrics", metrics.toString()));
    assertOk(r);
    assertEquals(1, killed.size(), "killed during the pass:\n" + r.output());
    assertTrue(r.output().contains("Lost executor"), r.output());
    assertLocal(with(ablate, "--metrics", local.toString()));
    assertEquals(rows(MetricsRepository.open(session(), local.toString()).read("accuracy")),
        rows(MetricsRepository.open(session(), metrics.toString()).read("accuracy")),
        "after an executor was killed vs local[1]");
  }

  @Test
  @Order(5)
  void aDriverKilledBeforeTheCommitLeavesNoRunAndTheSameRunIdRunsAgain() throws Exception {
    Path metrics = shared.resolve("metrics-driver-kill");
    String[] ablate = {"ablate", "--input", acts.toString(), "--metrics", metrics.toString(),
        "--run-id", "dk", "--variants", "gelu_tanh;relu"};
    // The driver ends itself as kill -9 would, after the metric files are in place and before the
    // record that commits them.
    Result killed = submit(List.of(), Map.of("ABLATE_JAVA_OPTS",
        "-Dablate.fault.halt=before-commit-record"), line -> {}, ablate);
    assertEquals(137, killed.code(), killed.output());
    MetricsRepository repo = MetricsRepository.open(session(), metrics.toString());
    assertEquals(RunRecord.Status.RUNNING, repo.runRecord(RunId.of("dk")).orElseThrow().status());
    assertEquals(0, repo.read("accuracy").count(), "Ablate's readers see no partial run");
    CliTest.Result report = CliTest.run("report", "--metrics", metrics.toString(), "--runs", "all");
    String tables = report.out().substring(report.out().indexOf("## accuracy"));
    assertFalse(tables.contains("| dk |"), "report shows no rows of the killed run:\n"
        + report.out() + report.err());
    repo = MetricsRepository.open(session(), metrics.toString()); // report stopped the session
    // A plain Parquet reader of the table directory does see the files: it must keep only the
    // rows of runs whose latest record says succeeded (contracts.md, "Reading the tables").
    long raw = session().read().parquet(metrics.resolve("accuracy").toString()).count();
    assertTrue(raw > 0, "the killed run's files are there");
    long filtered = session().read().parquet(metrics.resolve("accuracy").toString())
        .join(repo.runs().where("status = 'succeeded'").select("run_id"), "run_id").count();
    assertEquals(0, filtered);

    assertOk(submit(ablate));
    repo = MetricsRepository.open(session(), metrics.toString());
    assertEquals(RunRecord.Status.SUCCEEDED, repo.runRecord(RunId.of("dk")).orElseThrow()
        .status());
    assertEquals(2L * 2, repo.read("accuracy").count(),
        "2 layers x 2 elementwise variants (measured on ffn.pre only)");
  }

  @Test
  @Order(6)
  void twoSubmissionsToOneRepositoryAtOnceBothLand() throws Exception {
    Path metrics = shared.resolve("metrics-concurrent");
    List<String> oneCore = List.of("--total-executor-cores", "1");
    CompletableFuture<Result> first = CompletableFuture.supplyAsync(() -> uncheck(() ->
        submit(oneCore, Map.of(), line -> {}, "ablate", "--input", acts.toString(),
            "--metrics", metrics.toString(), "--run-id", "x1")));
    CompletableFuture<Result> second = CompletableFuture.supplyAsync(() -> uncheck(() ->
        submit(oneCore, Map.of(), line -> {}, "profile", "--input", drifted.toString(),
            "--metrics", metrics.toString(), "--run-id", "x2")));
    assertOk(first.get(5, TimeUnit.MINUTES));
    assertOk(second.get(5, TimeUnit.MINUTES));
    MetricsRepository repo = MetricsRepository.open(session(), metrics.toString());
    assertEquals(List.of("x1", "x2"), repo.runRecords().stream()
        .filter(r -> r.status() == RunRecord.Status.SUCCEEDED).map(r -> r.runId().value())
        .toList());
    assertEquals(rows(MetricsRepository.open(session(), shared.resolve("metrics").toString())
        .read("profiles").where("run_id = 'p2'").drop("run_id")),
        rows(repo.read("profiles").drop("run_id")), "as the undisturbed run p2");
    assertTrue(repo.read("accuracy").count() > 0);
  }

  /** Last: the cluster is left with one worker. */
  @Test
  @Order(7)
  void aWorkerKilledDuringTheProfilePassLosesNothing() throws Exception {
    bigDataset();
    Path metrics = shared.resolve("metrics-worker-kill");
    Path local = root.resolve("local-worker-kill");
    String[] profile = {"profile", "--input", big.toString(), "--run-id", "w1"};
    List<Long> killed = new ArrayList<>();
    Result r = submit(List.of("--conf", "spark.sql.files.maxPartitionBytes=3m"), Map.of(),
        midPass("profile pass", () -> {
          long worker = Long.parseLong(uncheck(() ->
              Files.readString(cluster.resolve("pids/worker-2.pid")).trim()));
          kill(worker);
          killed.add(worker);
        }), with(profile, "--metrics", metrics.toString()));
    assertOk(r);
    assertEquals(1, killed.size(), "killed during the pass:\n" + r.output());
    assertLocal(with(profile, "--metrics", local.toString()));
    assertEquals(rows(MetricsRepository.open(session(), local.toString()).read("profiles")),
        rows(MetricsRepository.open(session(), metrics.toString()).read("profiles")),
        "after a worker was killed vs local[1]");
    Result status = run(List.of(SCRIPT.toString(), "status"), Map.of(), line -> {}, 30);
    assertEquals(1, status.code(), "status says a JVM is down:\n" + status.output());
    assertTrue(status.output().contains("worker-2  stopped"), status.output());
  }

  // ---------------------------------------------------------------------------------------------

  /** 4000 vectors of 1024 floats in 12 files: 12 tasks of about a second each on a cold worker. */
  private void bigDataset() {
    if (!Files.exists(big)) {
      assertLocal("generate", "--out", big.toString(), "--rows", "2000", "--dim", "1024",
          "--layers", "2", "--partitions", "12");
    }
  }

  /**
   * Runs {@code fault} once, when the driver reports the first tasks of {@code phase} done while
   * at least half its tasks are still to run.
   */
  private static Consumer<String> midPass(String phase, Runnable fault) {
    Pattern progress = Pattern.compile(Pattern.quote(phase) + " \\[stage \\d+\\]: (\\d+)/(\\d+) tasks");
    boolean[] done = {false};
    return line -> {
      Matcher m = progress.matcher(line);
      if (!done[0] && m.find()) {
        int finished = Integer.parseInt(m.group(1));
        int total = Integer.parseInt(m.group(2));
        if (finished >= 1 && finished <= total / 2) {
          done[0] = true;
          fault.run();
        }
      }
    };
  }

  private static void kill(long pid) {
    ProcessHandle p = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("no pid " + pid));
    assertTrue(p.destroyForcibly(), "SIGKILL " + pid);
  }

  /** The pids of this cluster's JVMs whose command line holds {@code marker}. */
  private List<Long> clusterJvms(String marker) {
    List<Long> out = new ArrayList<>();
    ProcessHandle.allProcesses().forEach(p -> {
      try {
        String cmd = Files.readString(Path.of("/proc", Long.toString(p.pid()), "cmdline"))
            .replace('\0', ' ');
        if (cmd.contains(cluster.toString()) && cmd.contains(marker)
            && cmd.contains("org.apache.spark")) {
          out.add(p.pid());
        }
      } catch (IOException | RuntimeException e) {
        // The process ended, or is not ours to read.
      }
    });
    out.sort(null);
    return out;
  }

  private static Path nativesJar() throws IOException {
    try (var files = Files.list(APP_JAR.getParent().resolve("natives"))) {
      return files.filter(f -> f.getFileName().toString().startsWith("pytorch-native-cpu"))
          .findFirst().orElseThrow();
    }
  }

  private static Path model(Path dir) throws Exception {
    ModelConfig c = new ModelConfig(ModelConfig.Arch.GPT2, TaskCorpus.ALPHABET.length() + 3, 32,
        2, 2, 2, 64, 48, 1e-5, 0, "gelu", true);
    ModelDir.write(dir, Weights.random(c, 2, 0.3), CharVocab.of(TaskCorpus.ALPHABET),
        Safetensors.Dtype.BF16);
    return dir;
  }

  /**
   * A table's rows, one string each, sorted: every column but the timing ones, doubles by their
   * exact decimal form and binary columns in hex, so equal strings mean equal bits.
   */
  private static List<String> rows(org.apache.spark.sql.Dataset<Row> table) {
    List<String> out = new ArrayList<>();
    StructField[] fields = table.schema().fields();
    for (Row r : table.collectAsList()) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < fields.length; i++) {
        if (TIMING.matcher(fields[i].name()).matches()) {
          continue;
        }
        Object v = r.get(i);
        b.append(fields[i].name()).append('=').append(v instanceof byte[] bytes
            ? HexFormat.of().formatHex(bytes) : String.valueOf(v)).append(' ');
      }
      out.add(b.toString());
    }
    out.sort(null);
    return out;
  }

  private static String[] with(String[] args, String... more) {
    return Stream.concat(Stream.of(args), Stream.of(more)).toArray(String[]::new);
  }

  private static void assertOk(Result r) {
    assertEquals(0, r.code(), r.output());
  }

  /** The command in this JVM with {@code --master local[1]}. */
  private static void assertLocal(String... args) {
    CliTest.Result r = CliTest.run(with(args, "--master", "local[1]"));
    assertEquals(0, r.code(), r.err());
  }

  record Result(int code, String output) {}

  private Result submit(String... args) throws Exception {
    return submit(List.of(), args);
  }

  private Result submit(List<String> sparkArgs, String... args) throws Exception {
    return submit(sparkArgs, Map.of(), line -> {}, args);
  }

  /**
   * {@code ablate-cluster submit} with the cluster profile and the app jar: Spark's SparkSubmit in
   * a JVM of its own (in client mode, the driver). Each line of its output goes to {@code watch}.
   */
  private Result submit(List<String> sparkArgs, Map<String, String> env, Consumer<String> watch,
      String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(SCRIPT.toString(), "submit",
        "--properties-file", CONF.resolve("cluster.conf").toString(),
        "--conf", "spark.sql.shuffle.partitions=4", "--conf", "spark.ui.enabled=false"));
    cmd.addAll(sparkArgs);
    cmd.addAll(List.of("--class", Main.class.getName(), APP_JAR.toString()));
    cmd.addAll(List.of(args));
    return run(cmd, env, watch, 300);
  }

  private Result run(List<String> cmd, Map<String, String> env, Consumer<String> watch,
      int timeoutSeconds) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(root.toFile())
        .redirectErrorStream(true);
    pb.environment().put("ABLATE_CLUSTER_DIR", root.resolve("cluster").toString());
    pb.environment().put("ABLATE_HEAP", "1g");
    // Drivers here live seconds: C1 alone spends about a third less CPU (executors keep C2).
    pb.environment().put("ABLATE_JAVA_OPTS", "-XX:TieredStopAtLevel=1");
    env.forEach((k, v) -> pb.environment().merge(k, v, (a, b) -> a + " " + b));
    Process p = pb.start();
    StringBuilder output = new StringBuilder();
    CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(),
          StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          synchronized (output) {
            output.append(line).append('\n');
          }
          watch.accept(line);
        }
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly().waitFor();
      fail(String.join(" ", cmd) + " did not finish in " + timeoutSeconds + " s:\n" + output);
    }
    reader.get(30, TimeUnit.SECONDS);
    synchronized (output) {
      return new Result(p.exitValue(), output.toString());
    }
  }

  interface Checked<T> {
    T get() throws Exception;
  }

  private static <T> T uncheck(Checked<T> c) {
    try {
      return c.get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String property(String key) {
    String v = System.getProperty(key);
    if (v == null) {
      throw new IllegalStateException(key + " is not set: run this test with Maven (failsafe)");
    }
    return v;
  }
}

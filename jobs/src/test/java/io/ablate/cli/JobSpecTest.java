package io.ablate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ablate.eval.PromptEval;
import io.ablate.gate.Gate;
import io.ablate.job.AblationJob;
import io.ablate.job.CompareJob;
import io.ablate.job.EvalJob;
import io.ablate.repository.MetricsRepository;
import io.ablate.testing.LocalSpark;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --job FILE.yaml}: options from YAML reach the command, the command line overrides them,
 * mistakes name the file and line, and every committed spec in conf/jobs/ is accepted by its
 * command (and ablate → report run on the committed sample dataset).
 */
@ExtendWith(RepoHome.class) // committed specs use 'profile: local', found under ablate.home
class JobSpecTest {
  @TempDir
  Path tmp;


  @Test
  void specOptionsReachTheCommandAndTheCommandLineOverridesThem() throws IOException {
    String repo = tmp.resolve("metrics").toString();
    ReportCommandTest.writeRepository(repo);
    Path spec = write("report.yaml", """
        command: report
        metrics: %s
        table: accuracy
        runs: [%s, %s]      # a list: joined with ','
        format: csv
        master: local[2]
        """.formatted(repo, ReportCommandTest.A, ReportCommandTest.B));
    CliTest.Result csv = CliTest.run("report", "--job", spec.toString());
    assertEquals(0, csv.code(), csv.err());
    String[] lines = csv.out().split("\r\n");
    assertEquals(1 + 5, lines.length, csv.out()); // header, A's 2 rows and B's 3
    assertTrue(lines[0].startsWith("run_id,model,"), lines[0]);
    // The command line wins over the file; the command comes from the spec's 'command:'.
    CliTest.Result json = CliTest.run("--job", spec.toString(), "--format", "json", "--runs",
        ReportCommandTest.B);
    assertEquals(0, json.code(), json.err());
    List<String> rows = json.out().lines().toList();
    assertEquals(3, rows.size(), json.out());
    assertTrue(rows.stream().allMatch(l -> l.startsWith("{\"table\":\"accuracy\",\"run_id\":\""
        + ReportCommandTest.B + "\"")), json.out());
  }

  @Test
  void valuesAreTakenAsWrittenAndConfPairsMerge() throws IOException {
    Path spec = write("values.yaml", """
        command: ablate
        run-id: 0123            # not octal 83
        rows: 1_000             # not 1000: the command decides what a number is
        variants:
          - gelu_tanh
          - swish(beta=1.5)@bf16
        sites: [ffn.pre, ffn.gate_up]
        overwrite: false
        conf:
          spark.sql.shuffle.partitions: 3
          spark.app.x: "a b"
        """);
    JobSpec job = JobSpec.load(spec.toString());
    assertEquals("ablate", job.command());
    assertEquals("0123", job.values().get("run-id"));
    assertEquals("1_000", job.values().get("rows"));
    assertEquals("gelu_tanh;swish(beta=1.5)@bf16", job.values().get("variants"));
    assertEquals("ffn.pre,ffn.gate_up", job.values().get("sites"));
    assertEquals("false", job.values().get("overwrite"));
    assertEquals(List.of("spark.sql.shuffle.partitions=3", "spark.app.x=a b"), job.confs());
    // Through the command's option model: the spec's values are the defaults, the command line
    // wins, the spec's --conf pairs come before the command line's.
    Path gen = write("gen.yaml", """
        command: generate
        out: /tmp/never
        run-id-is-not-an-option-here: x
        """);
    CliTest.Result unknown = CliTest.run("--job", gen.toString());
    assertEquals(2, unknown.code());
    assertTrue(unknown.err().contains("generate does not take --run-id-is-not-an-option-here (job "
        + "spec " + gen + ", line 3)"), unknown.err());
    Path spec2 = write("gen2.yaml", """
        out: /tmp/never
        rows: 1_000
        overwrite: true
        conf:
          spark.sql.shuffle.partitions: 3
        """);
    picocli.CommandLine cl = Main.commandLine(System.out, System.err);
    String[] args = Main.withJobSpec(cl, new String[] {"generate", "--job", spec2.toString(),
        "--rows", "7", "--conf", "spark.sql.shuffle.partitions=5"});
    picocli.CommandLine.ParseResult parsed = cl.parseArgs(args);
    GenerateCommand g = (GenerateCommand) parsed.subcommand().commandSpec().userObject();
    assertEquals(7, g.rows);
    assertTrue(g.overwrite);
    assertEquals("/tmp/never", g.out);
    assertEquals("5", g.sparkOptions.settings("local[1]", g.common.specConfs()).confs()
        .get("spark.sql.shuffle.partitions"));
    parsed = cl.parseArgs(Main.withJobSpec(cl, new String[] {"generate", "--job",
        spec2.toString()}));
    g = (GenerateCommand) parsed.subcommand().commandSpec().userObject();
    assertEquals(1000, g.rows, "underscores in whole numbers, as written");
    assertEquals("3", g.sparkOptions.settings("local[1]", g.common.specConfs()).confs()
        .get("spark.sql.shuffle.partitions"));
    // A list of key=value is the other form of conf.
    Path list = write("list.yaml", "conf: [spark.a=1, spark.b=x=y]\n");
    assertEquals(List.of("spark.a=1", "spark.b=x=y"), JobSpec.load(list.toString()).confs());
  }

  @Test
  void mistakesNameTheFileAndTheLine() throws IOException {
    Path typo = write("typo.yaml", "# a report\nmetrics: /tmp/m\ntabel: accuracy\n");
    CliTest.Result r = CliTest.run("report", "--job", typo.toString());
    assertEquals(2, r.code(), r.out() + r.err());
    assertTrue(r.err().contains("report does not take --tabel (job spec " + typo + ", line 3)"),
        r.err());
    // A value from the file that the command rejects also says where it came from.
    Path number = write("number.yaml", "input: in\nmetrics: m\nlatency: true\n"
        + "latency-batch: many\n");
    r = CliTest.run("ablate", "--job", number.toString());
    assertEquals(2, r.code(), r.out() + r.err());
    assertTrue(r.err().contains("Invalid value for option '--latency-batch': 'many' is not a whole "
        + "number (job spec " + number + ", line 4)"), r.err());

    assertBadSpec("metrics: [unclosed\ntable: runs\n", "is not valid YAML (line 2, column 6)");
    assertBadSpec("metrics: a\n  table: b\n", "is not valid YAML (line 2, column 8)");
    assertBadSpec("- metrics\n- a\n", ", line 1: expected a mapping of option names to values");
    assertBadSpec("", "is empty");
    assertBadSpec("metrics: a\nmetrics: b\n", "'metrics' is given twice (lines 1 and 2)");
    assertBadSpec("metrics:\n", ", line 1: 'metrics' has no value");
    assertBadSpec("--metrics: a\n", ", line 1: write 'metrics', not '--metrics'");
    assertBadSpec("metrics: a\nconf: 3\n", ", line 2: 'conf' must be a mapping");
    assertBadSpec("conf:\n  - spark.a\n", ", line 2: conf entry 'spark.a': expected key=value");
    Path flag = write("flag.yaml", "out: x\noverwrite: yes\n");
    CliTest.Result f = CliTest.run("generate", "--job", flag.toString());
    assertEquals(2, f.code(), f.err());
    assertTrue(f.err().contains("job spec " + flag + ", line 2: 'overwrite' is a flag: write true "
        + "or false, not 'yes'"), f.err());
    assertBadSpec("table: {a: 1}\n", ", line 1: 'table' must be a single value, not a mapping");
    assertBadSpec("command: bench\n", "is for 'ablate bench', not 'ablate report'");
    assertBadSpec("command: reprot\n", ": unknown command 'reprot'; valid: demo,");
    assertBadSpec("job: other.yaml\n", "a job spec cannot name another job spec");
    CliTest.Result missing = CliTest.run("report", "--job", tmp.resolve("none.yaml").toString());
    assertEquals(2, missing.code());
    assertTrue(missing.err().contains("job spec " + tmp.resolve("none.yaml") + " does not exist"),
        missing.err());
    Path noCommand = write("nocommand.yaml", "metrics: a\n");
    CliTest.Result none = CliTest.run("--job", noCommand.toString());
    assertEquals(2, none.code());
    assertTrue(none.err().contains("no command: give one"), none.err());
  }

  private void assertBadSpec(String yaml, String message) throws IOException {
    Path spec = write("bad.yaml", yaml);
    CliTest.Result r = CliTest.run("report", "--job", spec.toString());
    assertEquals(2, r.code(), yaml + " -> " + r.out() + r.err());
    assertTrue(r.err().contains("job spec " + spec) && r.err().contains(message),
        yaml + " -> " + r.err());
  }

  /**
   * Every committed spec names a command and only options that command lists in its help (or the
   * Spark options every session command takes), with a profile that exists. No typos.
   */
  @Test
  void everyCommittedSpecIsAcceptedByItsCommand() throws IOException {
    Path dir = CliTest.repoRoot().resolve("conf/jobs");
    List<Path> specs;
    try (Stream<Path> files = Files.list(dir)) {
      specs = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertFalse(specs.isEmpty(), "no specs in " + dir);
    picocli.CommandLine cl = Main.commandLine(System.out, System.err);
    for (Path p : specs) {
      JobSpec spec = JobSpec.load(p.toString());
      picocli.CommandLine command = cl.getSubcommands().get(spec.command());
      assertTrue(command != null, p + ": command " + spec.command());
      new SpecDefaults(spec, command.getCommandSpec()); // every key an option of the command
      String profile = spec.values().get("profile");
      if (profile != null) {
        assertFalse(SparkProfile.load(profile).isEmpty(), p + ": profile " + profile);
      }
    }
    JobSpec demo = JobSpec.load(dir.resolve("ablate-demo.yaml").toString());
    assertEquals(AblationJob.DEFAULT_VARIANTS, demo.values().get("variants"));
    assertEquals("data-samples/activations", demo.values().get("input"));
  }

  /** The command a committed spec parses into, its values converted (no path is read). */
  private static Object parsed(String spec) {
    picocli.CommandLine cl = Main.commandLine(System.out, System.err);
    String file = CliTest.repoRoot().resolve("conf/jobs").resolve(spec).toString();
    return cl.parseArgs(Main.withJobSpec(cl, new String[] {"--job", file})).subcommand()
        .commandSpec().userObject();
  }

  /**
   * The nightly specs, one per kind of gate: their gates parse and bind to the tables they check
   * (metrics and subjects known), as they would before a run.
   */
  @Test
  void theNightlyGateSpecsBindTheirGates() {
    AblateCommand accuracy = (AblateCommand) parsed("nightly-accuracy.yaml");
    assertEquals(List.of("cos_sim>=0.998", "snr_db>=24", "gelu_tanh:max_abs_err<=1e-3"),
        accuracy.gates.stream().map(Gate::text).toList());
    assertEquals(3, AblationJob.gates(accuracy.gates, accuracy.variants.variants()).gates()
        .size());

    EvalCommand eval = (EvalCommand) parsed("nightly-eval.yaml");
    assertEquals("*:gelu@int8", eval.gates.get(1).subject());
    assertEquals(3, EvalJob.gates(eval.gates, new PromptEval(eval.model,
        List.of(eval.variants.split(";")), 1, 1, 1)).gates().size());

    CompareCommand compare = (CompareCommand) parsed("nightly-compare.yaml");
    assertEquals("previous", compare.baseline);
    assertEquals("latest", compare.candidate);
    assertEquals(List.of("max_abs_err", "rmse", "snr_db", "cos_sim"), compare.metricNames);
    assertEquals(Set.of("snr_db", "max_abs_err"),
        CompareJob.gates(compare.gates, compare.table, List.of()).columns());

    ProfileCommand drift = (ProfileCommand) parsed("nightly-drift.yaml");
    assertEquals("previous", drift.driftAgainst);
  }

  /** A YAML list of gates is one --gate per item; the command line's --gate replaces it. */
  @Test
  void aListOfGatesIsARepeatedOption() throws IOException {
    Path spec = write("gates.yaml", """
        command: ablate
        input: in
        metrics: m
        variants: [gelu_tanh, "swish(beta=1.5)@bf16"]
        gate:
          - snr_db>=40
          - "swish(beta=1.5)@bf16:max_abs_err <= 1e-2"
        """);
    picocli.CommandLine cl = Main.commandLine(System.out, System.err);
    AblateCommand fromSpec = (AblateCommand) cl.parseArgs(Main.withJobSpec(cl,
        new String[] {"--job", spec.toString()})).subcommand().commandSpec().userObject();
    assertEquals(List.of("snr_db>=40", "swish(beta=1.5)@bf16:max_abs_err <= 1e-2"),
        fromSpec.gates.stream().map(Gate::text).toList());
    assertEquals("swish(beta=1.5)@bf16", fromSpec.gates.get(1).subject());
    cl = Main.commandLine(System.out, System.err);
    AblateCommand overridden = (AblateCommand) cl.parseArgs(Main.withJobSpec(cl,
        new String[] {"--job", spec.toString(), "--gate", "cos_sim>0.99", "--gate",
            "n>=1;nan_out<=0"})).subcommand().commandSpec().userObject();
    assertEquals(List.of("cos_sim>0.99", "n>=1", "nan_out<=0"),
        overridden.gates.stream().map(Gate::text).toList());
    // A malformed gate in the file names the file and the line.
    Path bad = write("bad-gate.yaml", "input: in\nmetrics: m\ngate: [snr_db=40]\n");
    CliTest.Result r = CliTest.run("ablate", "--job", bad.toString());
    assertEquals(2, r.code(), r.out() + r.err());
    assertTrue(r.err().contains("gate 'snr_db=40' is not valid") && r.err().contains("(job spec "
        + bad + ", line 3)"), r.err());
  }

  /**
   * ablate → report from the committed specs, on the committed sample dataset: the spec's relative
   * input is the repository's data-samples/activations (tests run in jobs/, so it is given whole).
   */
  @Test
  void theCommittedSpecsRunOnTheCommittedDataset() throws IOException {
    Path jobs = CliTest.repoRoot().resolve("conf/jobs");
    Path data = CliTest.repoRoot().resolve(JobSpec.load(jobs.resolve("ablate-demo.yaml")
        .toString()).values().get("input"));
    String metrics = tmp.resolve("metrics").toString();
    Path report = tmp.resolve("report.md");
    CliTest.Result ablate = CliTest.run("ablate", "--job", jobs.resolve("ablate-demo.yaml")
        .toString(), "--input", data.toString(), "--metrics", metrics, "--master", "local[2]");
    assertEquals(0, ablate.code(), ablate.err());
    CliTest.Result rep = CliTest.run("--job", jobs.resolve("report-latest.yaml").toString(),
        "--metrics", metrics, "--out", report.toString());
    assertEquals(0, rep.code(), rep.err());
    String md = Files.readString(report, StandardCharsets.UTF_8);
    assertTrue(md.contains("## accuracy (latest succeeded run "), md);
    // The spec's variant list (and its gated variant on the gate_up site) ran.
    for (String v : AblationJob.DEFAULT_VARIANTS.split(";")) {
      assertTrue(md.contains("| " + v + " |"), v + "\n" + md);
    }
    SparkSession spark = LocalSpark.builder("job-spec-check").getOrCreate();
    try {
      MetricsRepository repo = MetricsRepository.open(spark, metrics);
      List<Row> runs = repo.runs().collectAsList();
      assertEquals(1, runs.size());
      assertTrue(runs.get(0).<String>getAs("args").contains(AblationJob.DEFAULT_VARIANTS));
      // --master on the command line beat the spec's profile (local.conf: local[*]).
      assertEquals("local[2]", runs.get(0).getAs("spark_master"));
      // The committed sample: 4 layers × (7 elementwise variants + swiglu@bf16), model as written.
      assertEquals(32, repo.read("accuracy").where("model = 'tiny-synthetic'").count());
    } finally {
      spark.stop();
    }
  }

  private Path write(String name, String yaml) throws IOException {
    Path p = tmp.resolve(name);
    Files.writeString(p, yaml, StandardCharsets.UTF_8);
    return p;
  }
}

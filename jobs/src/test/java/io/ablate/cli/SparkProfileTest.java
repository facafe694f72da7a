package io.ablate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ablate.AblateException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --profile}: properties reach the Spark session; precedence profile &lt; --conf &lt;
 * --master; the committed profiles parse; a missing profile lists the ones there are.
 */
@ExtendWith(RepoHome.class)
class SparkProfileTest {
  @TempDir
  Path tmp;


  private Path profile() throws IOException {
    Path p = tmp.resolve("test.conf");
    Files.writeString(p, """
        # a test profile, in spark-defaults.conf syntax
        spark.master                    local[1]
        spark.sql.shuffle.partitions    3
        spark.ablate.test.marker=from profile
        """, StandardCharsets.UTF_8);
    return p;
  }

  @Test
  void profilePropertiesReachTheSessionAndConfAndMasterOverrideThem() throws IOException {
    String p = profile().toString();
    SparkSession spark = session("--profile", p);
    try {
      assertEquals("3", spark.conf().get("spark.sql.shuffle.partitions"));
      assertEquals("from profile", spark.conf().get("spark.ablate.test.marker"));
      assertEquals("local[1]", spark.sparkContext().master());
    } finally {
      spark.stop();
    }
    spark = session("--profile", p, "--conf", "spark.sql.shuffle.partitions=5", "--master",
        "local[2]");
    try {
      assertEquals("5", spark.conf().get("spark.sql.shuffle.partitions"));
      assertEquals("from profile", spark.conf().get("spark.ablate.test.marker"));
      assertEquals("local[2]", spark.sparkContext().master());
    } finally {
      spark.stop();
    }
    // --conf spark.master beats the profile's too; --master beats both.
    assertEquals("local[3]", settings("--profile", p, "--conf", "spark.master=local[3]").master());
    assertEquals("local[2]", settings("--profile", p, "--conf", "spark.master=local[3]",
        "--master", "local[2]").master());
    assertEquals("local[*]", settings().master());
  }

  @Test
  void whatSparkSubmitSetOutranksAProfile() throws IOException {
    String p = profile().toString();
    // spark-submit --master spark://... --conf spark.sql.shuffle.partitions=7 (system properties)
    Map<String, String> submitted = Map.of("spark.master", "spark://host:7077",
        "spark.sql.shuffle.partitions", "7");
    Sessions.Settings s = Sessions.Settings.of(p, List.of(), null, "local[*]", submitted);
    assertEquals(null, s.master(), "the session keeps the submitter's master");
    assertEquals(null, s.confs().get("spark.sql.shuffle.partitions"));
    assertEquals("from profile", s.confs().get("spark.ablate.test.marker"));
    // The command line still outranks both.
    Sessions.Settings cli = Sessions.Settings.of(p, List.of("spark.sql.shuffle.partitions=9"),
        "local[2]", "local[*]", submitted);
    assertEquals("local[2]", cli.master());
    assertEquals("9", cli.confs().get("spark.sql.shuffle.partitions"));
    // Nothing submitted: the profile's master, as before.
    assertEquals("local[1]", Sessions.Settings.of(p, List.of(), null, "local[*]", Map.of())
        .master());
  }

  @Test
  void withKryoTheRecordRegistratorIsAddedOnce() {
    Map<String, String> kryo = Sessions.Settings.of("cluster", List.of(), "local[1]", "local[*]",
        Map.of()).confs();
    assertEquals(io.ablate.job.RecordKryo.NAME, kryo.get("spark.kryo.registrator"));
    Map<String, String> mine = Sessions.Settings.of(null, List.of(
        "spark.serializer=org.apache.spark.serializer.KryoSerializer",
        "spark.kryo.registrator=com.example.Mine"), "local[1]", "local[*]", Map.of()).confs();
    assertEquals("com.example.Mine," + io.ablate.job.RecordKryo.NAME,
        mine.get("spark.kryo.registrator"));
    Map<String, String> submitted = Map.of("spark.serializer",
        "org.apache.spark.serializer.KryoSerializer", "spark.kryo.registrator",
        "com.example.Mine," + io.ablate.job.RecordKryo.NAME);
    assertEquals(null, Sessions.Settings.of(null, List.of(), null, "local[*]", submitted).confs()
        .get("spark.kryo.registrator"), "already there: left as submitted");
    assertEquals(null, Sessions.Settings.of("local", List.of(), null, "local[*]", Map.of())
        .confs().get("spark.kryo.registrator"), "Java serialization: nothing to add");
  }

  @Test
  void theClusterProfileRunsEveryPassWithKryo() {
    String data = tmp.resolve("acts").toString();
    String metrics = tmp.resolve("metrics").toString();
    CliTest.Result gen = CliTest.run("generate", "--profile", "cluster", "--master", "local[2]",
        "--out", data, "--rows", "20", "--dim", "16", "--layers", "2", "--sites",
        "ffn.pre,ffn.gate_up");
    assertEquals(0, gen.code(), gen.err());
    for (String engine : List.of("cpu", "gpu")) {
      for (String command : List.of("ablate", "profile")) {
        CliTest.Result r = CliTest.run(command, "--profile", "cluster", "--master", "local[2]",
            "--conf", "spark.sql.shuffle.partitions=4", "--input", data, "--metrics", metrics,
            "--variants", "relu;swiglu", "--engine", engine, "--run-id", command + "-" + engine);
        assertEquals(0, r.code(), command + " --engine " + engine + ": " + r.err());
      }
    }
    // The same data profiled by both engines: no drift (the GPU engine's sketch comes from the
    // histogram, well within the thresholds).
    CliTest.Result drift = CliTest.run("drift", "--profile", "cluster", "--master", "local[2]",
        "--metrics", metrics, "--baseline", "profile-cpu", "--candidate", "profile-gpu");
    assertEquals(0, drift.code(), drift.out() + drift.err());
  }

  @Test
  void aCommandRunsWithTheProfilesMaster() throws IOException {
    String p = profile().toString();
    // demo prints its session's master.
    CliTest.Result r = CliTest.run("demo", "--profile", p, "--variants", "relu", "--out",
        tmp.resolve("metrics").toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains(" (local[1])"), r.out());
  }

  @Test
  void committedProfilesParseAndMissingOnesAreListed() {
    Map<String, String> local = SparkProfile.load("local");
    assertEquals("local[*]", local.get("spark.master"));
    assertEquals("8", local.get("spark.sql.shuffle.partitions"));
    for (String profile : new String[] {"cluster", "gpu"}) {
      String executor = SparkProfile.load(profile).get("spark.executor.extraJavaOptions");
      assertTrue(executor.contains("--add-modules=jdk.incubator.vector"), profile);
      // Vector API loops need C2 to inline deeper than JDK 17's default (clusters-and-gpus.md, JVM options).
      assertTrue(executor.contains("-XX:MaxInlineLevel=25"), profile);
    }
    assertEquals("com.nvidia.spark.SQLPlugin", SparkProfile.load("gpu").get("spark.plugins"));
    assertEquals(local, SparkProfile.load(CliTest.repoRoot().resolve("conf/local.conf")
        .toString()));

    CliTest.Result r = CliTest.run("demo", "--profile", "nope");
    assertEquals(2, r.code(), r.out() + r.err());
    assertTrue(r.err().contains("Spark profile 'nope' not found: no file "
        + CliTest.repoRoot().resolve("conf/nope.conf") + "; profiles in "
        + CliTest.repoRoot().resolve("conf") + ": cluster, gpu, local; shipped: cluster, gpu, "
        + "local"), r.err());
    // Every profile of conf/ is shipped in the jar, and read from it where no conf/ has it.
    List<String> inConf = new java.util.ArrayList<>();
    for (java.io.File f : CliTest.repoRoot().resolve("conf").toFile().listFiles()) {
      if (f.getName().endsWith(".conf")) {
        inConf.add(f.getName().replace(".conf", ""));
      }
    }
    inConf.sort(null);
    assertEquals(inConf, SparkProfile.SHIPPED);
    String home = System.getProperty("ablate.home");
    System.setProperty("ablate.home", CliTest.repoRoot().resolve("data-samples").toString());
    try {
      for (String profile : SparkProfile.SHIPPED) {
        assertEquals(SparkProfile.load(CliTest.repoRoot().resolve("conf/" + profile + ".conf")
            .toString()), SparkProfile.load(profile), profile + " from the jar");
      }
    } finally {
      if (home == null) {
        System.clearProperty("ablate.home");
      } else {
        System.setProperty("ablate.home", home);
      }
    }
    // A command without a Spark session takes no profile.
    CliTest.Result variants = CliTest.run("variants", "--profile", "local");
    assertEquals(2, variants.code());
    assertTrue(variants.err().contains("Unknown options: '--profile', 'local'"), variants.err());
  }

  @Test
  void aKeyThatIsNotASparkPropertyIsAnError() throws IOException {
    Path p = tmp.resolve("typo.conf");
    Files.writeString(p, "spark.sql.shuffle.partitions 3\nsprak.master local[1]\n");
    AblateException e = assertThrows(AblateException.class,
        () -> SparkProfile.load(p.toString()));
    assertEquals(2, e.exitCode());
    assertTrue(e.getMessage().contains(p + ": 'sprak.master' is not a Spark property"),
        e.getMessage());
  }

  private static Sessions.Settings settings(String... args) {
    return picocli.CommandLine.populateCommand(new SparkOptions(), args)
        .settings("local[*]", List.of());
  }

  private static SparkSession session(String... args) {
    return Sessions.create("profile-test", settings(args));
  }
}

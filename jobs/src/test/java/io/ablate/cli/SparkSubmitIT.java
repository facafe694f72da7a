package io.ablate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.ablate.eval.Prompt;
import io.ablate.eval.PromptFiles;
import io.ablate.repository.MetricsRepository;
import io.ablate.repository.RunId;
import io.ablate.repository.RunRecord;
import io.ablate.model.TokenizerFixtures;
import io.ablate.testing.LocalSpark;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The app jar under {@code spark-submit}, as on a cluster: {@code SparkSubmit} in a JVM of its own
 * whose classpath is Spark's jars only, Ablate coming from the app jar alone. Runs after
 * {@code package} (failsafe), which builds the app jar and the Spark classpath (see jobs/pom.xml).
 */
class SparkSubmitIT {
  private static final Path APP_JAR = Path.of(property("ablate.app.jar"));
  private static final Path CONF = Path.of(property("ablate.conf.dir"));

  @TempDir
  Path dir;

  @Test
  void generateAndAblateRunFromTheAppJarAndBadInputExitsWithTwo() throws Exception {
    Path data = dir.resolve("acts");
    Path metrics = dir.resolve("metrics");
    Submitted gen = submit("generate", "--out", data.toString(), "--rows", "50", "--dim", "32",
        "--layers", "2", "--partitions", "3");
    assertEquals(0, gen.code(), gen.output());
    Submitted ablate = submit("ablate", "--input", data.toString(), "--metrics",
        metrics.toString(), "--run-id", "submitted", "--variants", "gelu_tanh;relu");
    assertEquals(0, ablate.code(), ablate.output());
    assertTrue(ablate.output().contains("Run submitted: 2 variants"), ablate.output());
    // Main's System.exit code passes through SparkSubmit to the process.
    Path missing = dir.resolve("missing");
    Submitted bad = submit("ablate", "--input", missing.toString(), "--metrics",
        metrics.toString(), "--run-id", "bad");
    assertEquals(2, bad.code(), bad.output());
    assertTrue(bad.output().contains("ablate: input " + missing + " does not exist"), bad.output());

    SparkSession spark = LocalSpark.builder("spark-submit-it").getOrCreate();
    try {
      MetricsRepository repo = MetricsRepository.open(spark, metrics.toString());
      RunRecord run = repo.runRecord(RunId.of("submitted")).orElseThrow();
      assertEquals(RunRecord.Status.SUCCEEDED, run.status());
      assertEquals("local[2]", run.sparkMaster(), "spark-submit's --master, not the CLI default");
      // Only the app jar's manifest carries the version: RunRecord was loaded from the app jar.
      assertEquals(property("ablate.version"), run.version());
      Set<String> seen = new TreeSet<>();
      for (Row r : repo.read("accuracy").where("run_id = 'submitted'").collectAsList()) {
        seen.add(r.<Integer>getAs("layer") + " " + r.getAs("variant"));
        assertEquals("ffn.pre", r.getAs("site"));
        assertEquals("gelu", r.getAs("reference"));
        assertEquals(50L * 32, (long) r.getAs("n"));
        double err = r.getAs("mean_abs_err");
        assertTrue(err > 0 && err < 1, r.toString());
      }
      assertEquals(Set.of("0 gelu_tanh", "0 relu", "1 gelu_tanh", "1 relu"), seen);
      assertTrue(repo.runRecord(RunId.of("bad")).isEmpty(), "bad input is refused before a run");
    } finally {
      spark.stop();
    }
  }

  @Test
  void captureWithAHuggingFaceTokenizerRunsFromTheAppJar() throws Exception {
    // GPT-2's tokenizer.json over random weights; the tokenizer's Rust natives come from the app
    // jar, PyTorch's from the natives jar passed with --jars (as the documentation on clusters says).
    Path model = TokenizerFixtures.gpt2Model(dir.resolve("hf-gpt2"), 1, 1);
    Path prompts = dir.resolve("p.jsonl");
    PromptFiles.writeJsonl(prompts, List.of(new Prompt("a", "t", "Hello", " world")));
    Path natives;
    try (var files = Files.list(APP_JAR.getParent().resolve("natives"))) {
      natives = files.filter(f -> f.getFileName().toString().startsWith("pytorch-native-cpu"))
          .findFirst().orElseThrow();
    }
    Path acts = dir.resolve("hf-acts");
    Submitted cap = submit(List.of("--jars", natives.toString()), "capture", "--model",
        model.toString(), "--prompts", prompts.toString(), "--out", acts.toString());
    assertEquals(0, cap.code(), cap.output());
    SparkSession spark = LocalSpark.builder("spark-submit-it").getOrCreate();
    try {
      // <|endoftext|> (BOS: no config id, the tokenizer's special token), Hello, Ġworld
      assertEquals(List.of(0, 1, 2), spark.read().parquet(acts.toString()).select("token")
          .orderBy("token").collectAsList().stream().map(r -> r.getInt(0)).toList());
    } finally {
      spark.stop();
    }
  }

  @Test
  void appJarHoldsAblateAndDjlOnlyWithTheCatalogueServiceFile() throws IOException {
    List<String> foreign = new ArrayList<>();
    try (JarFile jar = new JarFile(APP_JAR.toFile())) {
      assertEquals(Main.class.getName(),
          jar.getManifest().getMainAttributes().getValue("Main-Class"));
      jar.stream().filter(e -> !e.isDirectory()).map(ZipEntry::getName)
          .filter(n -> !(n.startsWith("io/ablate/") || n.startsWith("ai/djl/")
              || n.startsWith("com/sun/jna/") || n.startsWith("jnilib/")
              || n.startsWith("native/lib/") // DJL's Hugging Face tokenizers: Rust natives
              || n.startsWith("META-INF/") || n.equals("pytorch-engine.properties")))
          .forEach(foreign::add);
      // Spark, Scala and the libraries Spark ships belong to the cluster, not to the app jar.
      assertEquals(List.of(), foreign);
      assertTrue(jar.getEntry("native/lib/linux-x86_64/cpu/libtokenizers.so") != null
          && jar.getEntry("ai/djl/huggingface/tokenizers/HuggingFaceTokenizer.class") != null,
          "the app jar carries DJL's Hugging Face tokenizers and their linux-x86_64 natives");
      String services = "META-INF/services/io.ablate.activation.Activation";
      try (InputStream udfs = getClass().getClassLoader().getResourceAsStream(services);
           InputStream app = jar.getInputStream(jar.getEntry(services))) {
        assertEquals(new String(udfs.readAllBytes(), StandardCharsets.UTF_8),
            new String(app.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
  }

  record Submitted(int code, String output) {}

  /** {@code spark-submit --master local[2] ... APP_JAR args} in a new JVM; its exit code and output. */
  private Submitted submit(String... args) throws IOException, InterruptedException {
    return submit(List.of(), args);
  }

  /** As {@link #submit(String...)}, with spark-submit options before the app jar. */
  private Submitted submit(List<String> sparkArgs, String... args)
      throws IOException, InterruptedException {
    List<String> sparkJars = Files.readAllLines(Path.of(property("ablate.spark.classpath")));
    String classpath = String.join("", sparkJars).trim();
    assertTrue(Arrays.stream(classpath.split(File.pathSeparator)).allMatch(
            e -> e.endsWith(".jar") && !Path.of(e).getFileName().toString().startsWith("ablate-")),
        "Ablate must come from the app jar alone: " + classpath);
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // What bin/spark-submit would put on the driver's command line (client mode): the JVM flags
    // (one definition: the parent POM's jvm.flags), the heap, and the logging configuration.
    cmd.addAll(Arrays.asList(property("ablate.jvm.flags").trim().split("\\s+")));
    // -XX:TieredStopAtLevel=1: these JVMs live seconds; C1 alone spends about a third less CPU.
    cmd.addAll(List.of("-Xmx1g", "-XX:TieredStopAtLevel=1", "-Dai.djl.offline=true",
        "-Dlog4j2.configurationFile=" + CONF.resolve("log4j2.properties"),
        "-cp", classpath, "org.apache.spark.deploy.SparkSubmit",
        "--master", "local[2]",
        // The cluster profile (Kryo and all), with few shuffle partitions for a small test.
        "--properties-file", CONF.resolve("cluster.conf").toString(),
        "--conf", "spark.sql.shuffle.partitions=4",
        "--conf", "spark.ui.enabled=false",
        "--conf", "spark.driver.host=127.0.0.1"));
    cmd.addAll(sparkArgs);
    cmd.addAll(List.of("--class", "io.ablate.cli.Main", APP_JAR.toString()));
    cmd.addAll(List.of(args));
    Path log = dir.resolve(args[0] + "-" + System.nanoTime() + ".log");
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    if (!p.waitFor(90, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      fail("spark-submit " + args[0] + " did not finish in 90 s:\n" + Files.readString(log));
    }
    return new Submitted(p.exitValue(), Files.readString(log));
  }

  private static String property(String key) {
    String v = System.getProperty(key);
    if (v == null) {
      throw new IllegalStateException(key + " is not set: run this test with Maven (failsafe)");
    }
    return v;
  }
}

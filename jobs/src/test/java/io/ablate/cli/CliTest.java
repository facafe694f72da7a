package io.ablate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ablate.activation.Activation;
import io.ablate.activation.Catalogue;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The CLI as a user runs it: output, exit codes and error messages. */
class CliTest {
  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** The repository's root (tests run in jobs/): the directory with conf/local.conf. */
  static Path repoRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("conf/local.conf"))) {
        return p;
      }
    }
    throw new IllegalStateException("no conf/local.conf above " + Path.of("").toAbsolutePath());
  }

  @Test
  void variantsListsTheWholeCatalogueWithFormulasAndBounds() {
    Result r = run("variants");
    assertEquals(0, r.code(), r.err());
    for (Activation a : Catalogue.all()) {
      assertTrue(r.out().contains(a.name()), a.name());
      assertTrue(r.out().contains(a.formula()), a.formula());
    }
    assertTrue(r.out().contains("fp8_e4m3"));
    for (Activation a : Catalogue.all()) {
      assertTrue(r.out().contains(a.bound().toString()), a.name() + ": " + a.bound());
    }
    assertTrue(r.out().contains("<= 7 ulp (tails included; subnormal results: 2^-149 steps)"),
        r.out());
  }

  @Test
  void badUsageExitsWithTwoAndSaysWhatIsValid() {
    Result unknown = run("ablate-everything");
    assertEquals(2, unknown.code());
    assertTrue(unknown.err().contains("valid: demo, variants, generate, ablate, profile, drift, "
        + "compare, explain-gpu, bench, report, prompts, train, sweep, eval, capture"),
        unknown.err());
    Result typo = run("variants", "--fromat", "md");
    assertEquals(2, typo.code());
    assertTrue(typo.err().contains("Unknown options: '--fromat', 'md'"), typo.err());
    assertTrue(typo.err().contains("see 'ablate variants --help'"), typo.err());
    Result badVariant = run("demo", "--variants", "gelu,swish(beta=0)");
    assertEquals(2, badVariant.code());
    assertTrue(badVariant.err().contains("beta=0 is out of range; valid: > 0"), badVariant.err());
    Result badNumber = run("ablate", "--input", "in", "--metrics", "m", "--latency",
        "--latency-batch", "many");
    assertEquals(2, badNumber.code());
    assertTrue(badNumber.err().contains("Invalid value for option '--latency-batch': 'many' is "
        + "not a whole number"), badNumber.err());
    Result range = run("ablate", "--input", "in", "--metrics", "m", "--latency",
        "--latency-batch", "0");
    assertEquals(2, range.code());
    assertTrue(range.err().contains("--latency-batch 0 is out of range; valid: 1 to 268435456"),
        range.err());
    Result missing = run("ablate", "--input", "in");
    assertEquals(2, missing.code());
    assertTrue(missing.err().contains("Missing required option: '--metrics=DIR'"), missing.err());
    // ablate alone: the usage, as bad usage.
    Result none = run();
    assertEquals(2, none.code());
    assertTrue(none.out().startsWith("Usage: ablate"), none.out());
  }

  @Test
  void explainGpuShowsGpuPlacementPerColumnKind() {
    Result r = run("explain-gpu", "--variants", "gelu;swiglu;gelu@int8");
    assertEquals(0, r.code(), r.err());
    String gelu = r.out().lines().filter(l -> l.startsWith("gelu ")).findFirst().orElseThrow();
    // float, double, array<float>, binary f32, bf16 and f16: all on the GPU.
    long onGpu = java.util.Arrays.stream(gelu.split("\\s{2,}")).filter("GPU"::equals).count();
    assertEquals(6, onGpu, gelu);
    String int8 = r.out().lines().filter(l -> l.startsWith("gelu@int8")).findFirst().orElseThrow();
    assertTrue(int8.contains("CPU (no GPU form)"), int8);
    String swiglu = r.out().lines().filter(l -> l.startsWith("swiglu")).findFirst().orElseThrow();
    assertTrue(swiglu.contains("GPU"), swiglu);
    // The whole plan of the accuracy pass's GPU form over the committed sample.
    Result plan = run("explain-gpu", "--pass", "ablate", "--input",
        repoRoot().resolve("data-samples/activations").toString(), "--variants",
        "gelu_tanh;gelu@int8;swiglu@bf16");
    assertEquals(0, plan.code(), plan.err());
    assertTrue(plan.out().contains("*Exec <FileSourceScanExec> will run on GPU"), plan.out());
    assertTrue(plan.out().contains("Verdict: not all on the GPU"), plan.out());
    assertTrue(plan.out().lines().anyMatch(l -> l.trim().startsWith("! <ActivationExpression> "
        + "act(gelu@int8)")), plan.out());
    // The profile pass's two plans: all on the GPU for variants with GPU forms, the selection's
    // filter included.
    Result profile = run("explain-gpu", "--pass", "profile", "--input",
        repoRoot().resolve("data-samples/activations").toString(), "--variants", "relu;swiglu",
        "--where", "layer BETWEEN 1 AND 2");
    assertEquals(0, profile.code(), profile.err());
    assertTrue(profile.out().contains("placement of the profile pass's statistics plan")
        && profile.out().contains("placement of the profile pass's histogram plan"),
        profile.out());
    assertTrue(profile.out().contains("*Exec <GenerateExec> will run on GPU"), profile.out());
    assertTrue(profile.out().lines().anyMatch(l -> l.contains("*Expression <GreaterThanOrEqual>")
        && l.contains("layer")) && profile.out().lines().anyMatch(l -> l.contains(
        "*Expression <LessThanOrEqual>") && l.contains("layer")), profile.out());
    assertTrue(profile.out().contains("Verdict: every operator and expression runs on the GPU"),
        profile.out());
    Result badPass = run("explain-gpu", "--pass", "drift", "--input", "x");
    assertEquals(2, badPass.code());
    assertTrue(badPass.err().contains("--pass takes: ablate, profile"), badPass.err());
  }
}

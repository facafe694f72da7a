package io.ablate.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ablate.activation.Activation;
import io.ablate.activation.Catalogue;
import io.ablate.activation.Variant;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/**
 * Every kernel gives the same bits whether the JIT has compiled it or not. The JDK's own vector
 * transcendentals do not (SVML once compiled, {@code Math} lane by lane before), which made metrics
 * depend on how warm an executor was; the kernels avoid them, and this test keeps it so. It compares
 * the outputs of this JVM, after warm-up (C2), with those of a child JVM that only interprets.
 */
class KernelTierTest {
  private static final int WARM_UP_CALLS = 3_000;

  @Test
  void compiledKernelsGiveTheSameBitsAsInterpretedOnes() throws Exception {
    List<String> warm = probe(WARM_UP_CALLS);
    List<String> interpreted = childJvm("-Xint");
    assertEquals(warm.size(), interpreted.size(), "kernels probed");
    List<String> differing = new ArrayList<>();
    for (int i = 0; i < warm.size(); i++) {
      if (!warm.get(i).equals(interpreted.get(i))) {
        differing.add("compiled " + warm.get(i) + " vs interpreted " + interpreted.get(i));
      }
    }
    assertEquals(List.of(), differing);
  }

  /** Child JVM entry point: prints the probe's lines. */
  public static void main(String[] args) {
    probe(1).forEach(System.out::println);
  }

  /** One line per kernel: variant, implementation, form, and a CRC of the output bits. */
  static List<String> probe(int calls) {
    float[] in = inputs();
    float[] up = inputs();
    reverse(up);
    float[] out = new float[in.length];
    List<String> lines = new ArrayList<>();
    for (Variant v : variants()) {
      for (Variant.Impl impl : List.of(Variant.Impl.SCALAR, Variant.Impl.SIMD)) {
        Kernel k = v.kernel(impl);
        for (int c = 0; c < calls; c++) {
          k.apply(in, 0, out, 0, in.length);
        }
        lines.add(v.name() + " " + impl + " apply " + crc(out));
        for (int c = 0; c < calls; c++) {
          k.applyGated(in, 0, up, 0, out, 0, in.length);
        }
        lines.add(v.name() + " " + impl + " gated " + crc(out));
      }
    }
    return lines;
  }

  private static List<Variant> variants() {
    List<Variant> vs = new ArrayList<>();
    for (Activation a : Catalogue.all()) {
      if (a.kind() == Activation.Kind.ELEMENTWISE && !a.name().equals("rational")) {
        vs.add(Catalogue.variant(a.name()));
      }
    }
    for (String s : List.of("rational(p=[0.0218,0.5,1.5957,1.1915,0.5,0.0218],q=[2.383,0,1,0])",
        "swish(beta=0.25)", "softplus(beta=2)", "elu(alpha=0.5)", "gelu@bf16", "silu@fp8_e4m3", "gelu_tanh@fp16", "gelu@int8")) {
      vs.add(Catalogue.variant(s));
    }
    return vs;
  }

  /** Edge cases, the deep tails where the kernels change formulas, and a fixed random sample. */
  private static float[] inputs() {
    float[] random = Inputs.random(new Random(20261130), 2_000);
    float[] tails = Inputs.grid(-130f, -60f, 700);
    float[] out = new float[Inputs.EDGES.length + random.length + tails.length];
    System.arraycopy(Inputs.EDGES, 0, out, 0, Inputs.EDGES.length);
    System.arraycopy(random, 0, out, Inputs.EDGES.length, random.length);
    System.arraycopy(tails, 0, out, Inputs.EDGES.length + random.length, tails.length);
    return out;
  }

  private static void reverse(float[] a) {
    for (int i = 0, j = a.length - 1; i < j; i++, j--) {
      float t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  /** CRC of the output bits, NaNs canonical (their payloads are not part of any metric). */
  private static String crc(float[] a) {
    CRC32 crc = new CRC32();
    for (float f : a) {
      int bits = Float.floatToIntBits(f);
      crc.update(bits);
      crc.update(bits >>> 8);
      crc.update(bits >>> 16);
      crc.update(bits >>> 24);
    }
    return Long.toHexString(crc.getValue());
  }

  private static List<String> childJvm(String mode) throws IOException, InterruptedException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder(java.toString(), mode, "--add-modules=jdk.incubator.vector",
        "-cp", System.getProperty("java.class.path"), KernelTierTest.class.getName())
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
    String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IllegalStateException("child JVM " + mode + " failed: " + stdout);
    }
    return stdout.lines().filter(l -> !l.startsWith("WARNING")).toList();
  }
}

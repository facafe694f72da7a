package io.ablate.kernel;

/**
 * Whether the SIMD kernels can run: they need the incubating module {@code jdk.incubator.vector}
 * ({@code --add-modules jdk.incubator.vector} on the JVM). Without it every variant uses its scalar
 * form, and the SIMD classes are never loaded.
 */
public final class Simd {
  private static final boolean AVAILABLE =
      ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

  private Simd() {}

  public static boolean available() {
    return AVAILABLE;
  }

  /** Bit width of the preferred float vector shape (e.g. 256 for AVX2), or 0 without the module. */
  public static int preferredBits() {
    return AVAILABLE ? SimdInfo.preferredBits() : 0;
  }

  /** "AVX2 256-bit" style description of the preferred vector shape, or "none". */
  public static String describe() {
    return AVAILABLE ? SimdInfo.describe() : "none (jdk.incubator.vector not loaded)";
  }
}

package io.ablate.kernel.simd;

import io.ablate.kernel.Kernel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Base of the SIMD kernels ({@code jdk.incubator.vector}, the platform's preferred width).
 *
 * <p>Why every subclass writes its own two loops: the vector math is only fast when the JIT inlines
 * the per-vector function into the loop (otherwise each {@link FloatVector} is a heap object). A loop
 * shared here would call one virtual method from every kernel, the call site would turn megamorphic,
 * and inlining would stop. So loops live in the final classes. The tail uses masked loads, so the last
 * elements get exactly the same arithmetic as the rest. Kernels that need an exponential are
 * {@link BlockedSimdKernel}s: their loops are split so that each one still compiles whole.
 */
public abstract class SimdKernel implements Kernel {
  protected static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  protected static final int L = S.length();

  /**
   * Every concrete kernel class, loaded with this base class, before any kernel runs. C2 compiles
   * against the classes loaded so far: with one subclass of an abstract kernel class loaded it binds
   * calls to it as the only implementation, and loading a second (the next variant of a run)
   * invalidates that code. Measured in the ablation job: gelu_tanh's loop, invalidated when the
   * eight-variant pass loaded gelu_sigmoid's kernel, was recompiled by C1 only and ran the Vector API
   * by its boxing fallback for the rest of the run (the one-variant pass 30–60% slower, in 2 of 3
   * sampled runs). Kept complete by a test.
   */
  static final java.util.List<Class<? extends SimdKernel>> ALL = java.util.List.of(
      EluSimd.class, GeluSigmoidSimd.class, GeluSimd.class, GeluTanhSimd.class,
      HardSwishSimd.class, IdentitySimd.class, LeakyReluSimd.class, MishSimd.class,
      RationalSimd.class, Relu2Simd.class, ReluSimd.class, SigmoidSimd.class, SiluSimd.class,
      SoftplusSimd.class, SwishPowerOfTwoSimd.class, SwishSimd.class);

  @Override
  public final String impl() {
    return "simd";
  }

  /**
   * A constant as a vector, for {@code static final} fields: C2 folds those to loads, where a
   * broadcast (or a scalar operand) in a loop costs inlining budget at each use.
   */
  static FloatVector constant(float c) {
    return FloatVector.broadcast(S, c);
  }

  protected static FloatVector load(float[] a, int off) {
    return FloatVector.fromArray(S, a, off);
  }

  protected static FloatVector load(float[] a, int off, VectorMask<Float> m) {
    return FloatVector.fromArray(S, a, off, m);
  }

  protected static VectorMask<Float> tail(int i, int len) {
    return S.indexInRange(i, len);
  }
}

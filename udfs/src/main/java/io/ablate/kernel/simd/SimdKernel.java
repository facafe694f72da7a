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

  @Override
  public final String impl() {
    return "simd";
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

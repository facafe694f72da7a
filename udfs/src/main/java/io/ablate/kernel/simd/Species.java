package io.ablate.kernel.simd;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The one double vector shape of every float64 Vector API loop in Ablate (the reference's erfc, the
 * accuracy accumulator, the rational kernel's Horner): the hardware's preferred shape, 512 bits with
 * AVX-512 (on a Zen 5 core it does twice the work of 256 per instruction: the reference's erfc went
 * from 5.2 to 2.8 ns a value, the accumulator from 3.1 to 2.2). Results do not depend on it: the
 * accumulator's lane layout is fixed ({@code ErrorStats.LANES}) and the erfc is the same bits
 * lane by lane.
 *
 * <p>Why one: JDK 17's C2 does not always know the exact class of a vector (an operation on it is
 * then a virtual call on {@code DoubleVector}), and it falls back on the JVM-wide type profile of
 * that call, shared by every caller of, say, {@code DoubleVector.add}. With one shape in the process
 * the profile is monomorphic and C2 inlines the intrinsic behind a class check. With two (measured:
 * the reference at 512 bits and the accumulator at 256 on an AVX-512 machine) every operation is
 * compiled for both classes, the method outgrows C2's node budget
 * ({@code NodeCountInliningCutoff} in {@code -XX:+PrintInlining}), and the operations left behind
 * allocate a vector each: the accuracy pass ran 2–3× slower, by chance of compilation order.
 * Float vectors keep their preferred shape ({@link SimdKernel#S}); float64 code converts floats in
 * plain loops rather than through a second float shape.
 */
public final class Species {
  public static final VectorSpecies<Double> DOUBLE =
      DoubleVector.SPECIES_PREFERRED;

  private Species() {}
}

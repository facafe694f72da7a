package io.ablate.kernel;

import jdk.incubator.vector.FloatVector;

/** Kept apart from {@link Simd} so that the vector module is only touched when present. */
final class SimdInfo {
  private SimdInfo() {}

  static int preferredBits() {
    return FloatVector.SPECIES_PREFERRED.vectorBitSize();
  }

  static String describe() {
    return FloatVector.SPECIES_PREFERRED.vectorBitSize() + "-bit, "
        + FloatVector.SPECIES_PREFERRED.length() + " floats per vector";
  }
}

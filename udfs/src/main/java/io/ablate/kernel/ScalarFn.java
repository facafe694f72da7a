package io.ablate.kernel;

/** A float32 function of one value: the scalar form of an activation (of the gate, when gated). */
@FunctionalInterface
public interface ScalarFn {
  float apply(float x);
}

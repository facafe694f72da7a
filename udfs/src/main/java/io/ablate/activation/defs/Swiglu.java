package io.ablate.activation.defs;

import io.ablate.activation.GatedActivation;

/** {@code swiglu}: silu(gate) · up. */
public final class Swiglu extends GatedActivation {
  public Swiglu() {
    super("swiglu", new Silu(), "Shazeer, arXiv:2002.05202; LLaMA");
  }
}

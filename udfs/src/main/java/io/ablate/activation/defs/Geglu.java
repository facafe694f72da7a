package io.ablate.activation.defs;

import io.ablate.activation.GatedActivation;

/** {@code geglu}: gelu(gate) · up. */
public final class Geglu extends GatedActivation {
  public Geglu() {
    super("geglu", new Gelu(), "Shazeer, arXiv:2002.05202");
  }
}

package io.ablate.activation.defs;

import io.ablate.activation.GatedActivation;

/** {@code reglu}: relu(gate) · up. */
public final class Reglu extends GatedActivation {
  public Reglu() {
    super("reglu", new Relu(), "Shazeer, arXiv:2002.05202");
  }
}

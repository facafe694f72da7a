package io.ablate.activation.defs;

import io.ablate.activation.GatedActivation;

/** {@code glu}: sigmoid(gate) · up. */
public final class Glu extends GatedActivation {
  public Glu() {
    super("glu", new Sigmoid(), "Dauphin et al., ICML 2017");
  }
}

package io.ablate.activation.defs;

import io.ablate.activation.GatedActivation;

/** {@code bilinear}: identity(gate) · up. */
public final class Bilinear extends GatedActivation {
  public Bilinear() {
    super("bilinear", new Identity(), "Shazeer, arXiv:2002.05202");
  }
}

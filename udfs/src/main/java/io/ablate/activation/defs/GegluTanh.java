package io.ablate.activation.defs;

import io.ablate.activation.GatedActivation;

/** {@code geglu_tanh}: gelu_tanh(gate) · up. */
public final class GegluTanh extends GatedActivation {
  public GegluTanh() {
    super("geglu_tanh", new GeluTanh(), "Shazeer, arXiv:2002.05202 (tanh GELU gate)");
  }
}

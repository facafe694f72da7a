package io.ablate.model;

/** Small configurations of both architectures for tests. */
final class TinyModels {
  private TinyModels() {}

  static ModelConfig gpt2() {
    return new ModelConfig(ModelConfig.Arch.GPT2, 20, 16, 2, 2, 2, 32, 40, 1e-5, 0, "gelu", true);
  }

  /** Grouped-query attention (4 heads, 2 key/value heads), untied head. */
  static ModelConfig llama() {
    return new ModelConfig(ModelConfig.Arch.LLAMA, 20, 16, 2, 4, 2, 24, 40, 1e-6, 10000, "swiglu",
        false);
  }

  /** The LLaMA backbone with an elementwise FFN (Ablate's own: up, act, down; no gate). */
  static ModelConfig llamaElementwise() {
    return new ModelConfig(ModelConfig.Arch.LLAMA, 20, 16, 2, 4, 2, 24, 40, 1e-6, 10000, "gelu",
        false);
  }

  /** The LLaMA backbone with a gated FFN in layer 0 and an elementwise one in layer 1. */
  static ModelConfig llamaMixed() {
    return new ModelConfig(ModelConfig.Arch.LLAMA, 20, 16, 2, 4, 2, 24, 40, 1e-6, 10000,
        "0:swiglu,1:gelu", false);
  }
}

/**
 * Decoder language models for prompt evaluation and activation capture: a Hugging Face–style model
 * directory ({@code config.json} + the weights + a vocabulary: the tiny models' {@code vocab.json}
 * or a Hugging Face {@code tokenizer.json}), GPT-2 and LLaMA architectures, a DJL (PyTorch) forward
 * pass with a KV cache whose FFN activation is chosen per layer by a {@link
 * io.ablate.model.VariantConfig} and applied by the activation catalogue's own float32 kernels, and
 * an independent plain-Java float64 forward pass that checks it. The weights are one {@code
 * model.safetensors} (preferred when present, and what Ablate writes) or a sharded checkpoint:
 * {@code model.safetensors.index.json} and the shards its {@code weight_map} names.
 *
 * <p>Errors: a missing file or tensor, a shape that does not match the config (both shapes named), an
 * unknown architecture, dtype or token, a tokenizer without an end-of-sequence token, and a variant
 * that does not fit the FFN (elementwise for a gated FFN or the reverse) are bad input ({@link
 * io.ablate.AblateException#badInput}, exit 2); so are a sharded index that is not JSON or has no
 * {@code weight_map}, a shard that is missing or outside the model directory, and a tensor absent
 * from the shard the index names. Each message names the file.
 */
package io.ablate.model;

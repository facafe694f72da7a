package io.ablate.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ablate.AblateException;
import io.ablate.activation.Catalogue;
import io.ablate.activation.Variant;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A model's {@code config.json}, Hugging Face style. GPT-2 keys: {@code n_embd}, {@code n_layer},
 * {@code n_head}, {@code n_positions}, {@code n_inner} (default 4·n_embd), {@code
 * layer_norm_epsilon}, {@code activation_function} ({@code gelu_new} is the tanh form). LLaMA keys:
 * {@code hidden_size}, {@code num_hidden_layers}, {@code num_attention_heads}, {@code
 * num_key_value_heads}, {@code intermediate_size}, {@code max_position_embeddings}, {@code
 * rms_norm_eps}, {@code rope_theta}, {@code hidden_act} ({@code silu}: SwiGLU), {@code
 * tie_word_embeddings}.
 *
 * @param activation the FFN's own activation as a catalogue variant name (the {@code baseline}),
 *     or, for the LLaMA architecture, a per-layer mix in {@link VariantConfig}'s syntax covering
 *     every layer ({@code 0-1:swiglu,2-3:gelu}): each layer's FFN is then of its activation's kind
 * @param intermediate the FFN width; in a mix of gated and elementwise layers, the elementwise
 *     layers' width, the gated layers' being round(2/3 of it) ({@link #intermediate(int)})
 */
public record ModelConfig(Arch arch, int vocabSize, int hidden, int layers, int heads, int kvHeads,
    int intermediate, int maxPositions, double normEps, double ropeTheta, String activation,
    boolean tiedEmbeddings) implements java.io.Serializable {

  /** The two decoder architectures. */
  public enum Arch {
    /** Learned positions, LayerNorm, FFN {@code W2·act(W1·x + b1) + b2}. */
    GPT2,
    /**
     * RMSNorm, rotary positions, grouped-query attention, and a gated FFN {@code Wd·(act(Wg·x) ⊙
     * Wu·x)}; with an elementwise activation (Ablate's own models, see {@link #gated}), {@code
     * Wd·act(Wu·x)}: the same backbone for both kinds of FFN.
     */
    LLAMA
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  public ModelConfig {
    if (VariantConfig.isMix(activation)) {
      Variant[] each = VariantConfig.mix(activation, layers);
      boolean one = java.util.Arrays.stream(each).allMatch(v -> v.name().equals(each[0].name()));
      activation = one ? each[0].name() : VariantConfig.mixText(each);
    }
    if (arch == Arch.GPT2 && VariantConfig.isMix(activation)) {
      throw AblateException.badInput("config: a per-layer mix of activations (%s) needs the llama "
          + "architecture", activation);
    }
    if (arch == Arch.GPT2 && Catalogue.variant(activation).gated()) {
      throw AblateException.badInput("config: a GPT-2 FFN is elementwise, not %s; a gated FFN "
          + "needs the llama architecture", activation);
    }
    if (hidden % heads != 0 || heads % kvHeads != 0) {
      throw AblateException.badInput("config: hidden size %d must be a multiple of the %d heads, "
          + "and the heads a multiple of the %d key/value heads", hidden, heads, kvHeads);
    }
  }

  public int headDim() {
    return hidden / heads;
  }

  /**
   * The baseline activation as a catalogue variant: the model's only one ({@link
   * #layerActivation} for a per-layer mix, which has none).
   */
  public Variant baseline() {
    if (isMix()) {
      throw new IllegalStateException("a per-layer mix has no single activation: " + activation);
    }
    return Catalogue.variant(activation);
  }

  /** Whether the layers run different activations ({@code activation} is a per-layer mix). */
  public boolean isMix() {
    return VariantConfig.isMix(activation);
  }

  /** Each layer's own activation. */
  public Variant[] layerActivations() {
    return layerActivations(activation, layers);
  }

  /** Each of {@code layers} layers' activation under {@code activation}, a name or a mix. */
  public static Variant[] layerActivations(String activation, int layers) {
    if (VariantConfig.isMix(activation)) {
      return VariantConfig.mix(activation, layers);
    }
    Variant[] all = new Variant[layers];
    java.util.Arrays.fill(all, Catalogue.variant(activation));
    return all;
  }

  /** Layer {@code l}'s own activation. */
  public Variant layerActivation(int l) {
    return layerActivations()[l];
  }

  /** Whether the model mixes gated and elementwise FFNs. */
  public boolean mixedKinds() {
    return mixedKinds(layerActivations());
  }

  private static boolean mixedKinds(Variant[] all) {
    return java.util.Arrays.stream(all).anyMatch(Variant::gated)
        && !java.util.Arrays.stream(all).allMatch(Variant::gated);
  }

  /**
   * Each layer's FFN width: {@code intermediate}, except the gated layers of a model that mixes
   * kinds, which are round(2/3 of it) wide: the rule that gives a gated FFN (three matrices) the
   * parameters of an elementwise one (two).
   */
  public int[] widths() {
    Variant[] all = layerActivations();
    boolean mixed = mixedKinds(all);
    int[] out = new int[all.length];
    for (int l = 0; l < out.length; l++) {
      out[l] = mixed && all[l].gated() ? gatedWidth(intermediate) : intermediate;
    }
    return out;
  }

  /** Layer {@code l}'s FFN width ({@link #widths}). */
  public int intermediate(int l) {
    return widths()[l];
  }

  /** A gated FFN's width for the parameters of an elementwise one {@code elementwise} wide. */
  public static int gatedWidth(int elementwise) {
    return (int) Math.round(2.0 * elementwise / 3);
  }

  /**
   * Whether every layer's FFN is gated: its activation's kind. GPT-2 FFNs are elementwise; Hugging
   * Face's LLaMA FFNs gated, and Ablate also writes and reads LLaMA models with an elementwise FFN (no
   * {@code gate_proj}: key {@code ablate_activation} in config.json), so that activations of both
   * kinds can be trained on one backbone.
   */
  public boolean gated() {
    return java.util.Arrays.stream(layerActivations()).allMatch(Variant::gated);
  }

  /** This configuration with another activation (a name or a per-layer mix). */
  public ModelConfig withActivation(String other) {
    return new ModelConfig(arch, vocabSize, hidden, layers, heads, kvHeads, intermediate,
        maxPositions, normEps, ropeTheta, other, tiedEmbeddings);
  }

  /** The key with the catalogue name of the activation a model was trained with (Ablate's own). */
  static final String ABLATE_ACTIVATION = "ablate_activation";

  /** Reads {@code dir/config.json}. */
  public static ModelConfig read(Path dir) {
    Path file = dir.resolve("config.json");
    if (!Files.isRegularFile(file)) {
      throw AblateException.badInput("model directory %s has no config.json", dir);
    }
    JsonNode c;
    try {
      c = JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw AblateException.badInput("%s: not JSON: %s", file, e.getMessage());
    }
    String type = c.path("model_type").asText("");
    switch (type) {
      case "gpt2": {
        int d = req(file, c, "n_embd");
        String act = c.path("activation_function").asText("gelu_new");
        return new ModelConfig(Arch.GPT2, req(file, c, "vocab_size"), d, req(file, c, "n_layer"),
            req(file, c, "n_head"), req(file, c, "n_head"),
            c.hasNonNull("n_inner") ? c.get("n_inner").asInt() : 4 * d,
            req(file, c, "n_positions"), c.path("layer_norm_epsilon").asDouble(1e-5), 0,
            ablateActivation(file, c, gpt2Activation(file, act)), true);
      }
      case "llama": {
        int heads = req(file, c, "num_attention_heads");
        String act = c.path("hidden_act").asText("silu");
        return new ModelConfig(Arch.LLAMA, req(file, c, "vocab_size"), req(file, c, "hidden_size"),
            req(file, c, "num_hidden_layers"), heads,
            c.path("num_key_value_heads").asInt(heads), req(file, c, "intermediate_size"),
            c.path("max_position_embeddings").asInt(2048), c.path("rms_norm_eps").asDouble(1e-6),
            c.path("rope_theta").asDouble(10000),
            c.has(ABLATE_ACTIVATION) ? ablateActivation(file, c, null) : llamaActivation(file, act),
            c.path("tie_word_embeddings").asBoolean(false));
      }
      default:
        throw AblateException.badInput("%s: model_type '%s'; valid: gpt2, llama", file, type);
    }
  }

  /** The catalogue variant named by {@link #ABLATE_ACTIVATION}, else {@code otherwise}. */
  private static String ablateActivation(Path file, JsonNode c, String otherwise) {
    if (!c.has(ABLATE_ACTIVATION)) {
      return otherwise;
    }
    String name = c.get(ABLATE_ACTIVATION).asText();
    try {
      return VariantConfig.isMix(name) ? name : Catalogue.variant(name).name();
    } catch (AblateException e) {
      throw AblateException.badInput("%s: %s '%s': %s", file, ABLATE_ACTIVATION, name,
          e.getMessage());
    }
  }

  private static int req(Path file, JsonNode c, String key) {
    JsonNode v = c.get(key);
    if (v == null || !v.canConvertToInt() || v.asInt() <= 0) {
      throw AblateException.badInput("%s: '%s' must be a positive integer (got %s)", file, key, v);
    }
    return v.asInt();
  }

  private static String gpt2Activation(Path file, String act) {
    return switch (act) {
      case "gelu_new", "gelu_pytorch_tanh", "gelu_fast" -> "gelu_tanh";
      case "gelu" -> "gelu";
      case "relu" -> "relu";
      case "silu", "swish" -> "silu";
      default -> throw AblateException.badInput("%s: activation_function '%s'; valid: gelu_new, "
          + "gelu, relu, silu", file, act);
    };
  }

  private static String llamaActivation(Path file, String act) {
    return switch (act) {
      case "silu", "swish" -> "swiglu";
      case "gelu" -> "geglu";
      case "gelu_pytorch_tanh", "gelu_new" -> "geglu_tanh";
      case "relu" -> "reglu";
      default -> throw AblateException.badInput("%s: hidden_act '%s'; valid: silu, gelu, "
          + "gelu_pytorch_tanh, relu", file, act);
    };
  }

  /** Writes this configuration as {@code dir/config.json} in the Hugging Face keys. */
  public void write(Path dir) throws IOException {
    ObjectNode c = JSON.createObjectNode();
    if (arch == Arch.GPT2) {
      c.put("model_type", "gpt2").put("vocab_size", vocabSize).put("n_embd", hidden)
          .put("n_layer", layers).put("n_head", heads).put("n_inner", intermediate)
          .put("n_positions", maxPositions).put("layer_norm_epsilon", normEps)
          .put("activation_function", switch (activation) {
            case "gelu_tanh" -> "gelu_new";
            default -> activation;
          });
    } else {
      c.put("model_type", "llama").put("vocab_size", vocabSize).put("hidden_size", hidden)
          .put("num_hidden_layers", layers).put("num_attention_heads", heads)
          .put("num_key_value_heads", kvHeads).put("intermediate_size", intermediate)
          .put("max_position_embeddings", maxPositions).put("rms_norm_eps", normEps)
          .put("rope_theta", ropeTheta).put("tie_word_embeddings", tiedEmbeddings)
          .put("hidden_act", switch (activation) {
            case "swiglu" -> "silu";
            case "geglu" -> "gelu";
            case "geglu_tanh" -> "gelu_pytorch_tanh";
            case "reglu" -> "relu";
            // Hugging Face has no name for this FFN: ablate_activation below says what it is.
            default -> "silu";
          });
    }
    if (!isHuggingFaceFfn()) {
      c.put(ABLATE_ACTIVATION, activation);
    }
    Files.createDirectories(dir);
    JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("config.json").toFile(), c);
  }

  /** Whether Hugging Face's own keys describe this FFN (else only Ablate reads it right). */
  private boolean isHuggingFaceFfn() {
    return !isMix() && arch == Arch.GPT2
        ? List.of("gelu_tanh", "gelu", "relu", "silu").contains(activation)
        : List.of("swiglu", "geglu", "geglu_tanh", "reglu").contains(activation);
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%s d=%d layers=%d heads=%d/%d ffn=%d vocab=%d act=%s",
        arch.name().toLowerCase(Locale.ROOT), hidden, layers, heads, kvHeads, intermediate,
        vocabSize, activation);
  }
}

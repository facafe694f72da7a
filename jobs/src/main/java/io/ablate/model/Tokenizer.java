package io.ablate.model;

import java.util.Arrays;

/**
 * Text to token ids and back, with the ids a decoder needs around a sequence. Closing releases
 * what the tokenizer holds outside the heap (a Hugging Face tokenizer's native state).
 */
public interface Tokenizer extends AutoCloseable {
  /** The text's tokens, no special tokens added. */
  int[] encode(String text);

  /** The text of {@code ids[from, to)}, special tokens left out. */
  String decode(int[] ids, int from, int to);

  /** The id that starts every sequence, or -1 if the model uses none. */
  int bos();

  /** The id that ends an answer (greedy decoding stops there). */
  int eos();

  int size();

  /**
   * The tokens of {@code answer} as they follow {@code prompt}, the prompt tokenised alone (the
   * context greedy decoding sees): {@code encode(prompt + answer)} minus the prompt's tokens when
   * those are its prefix — the answer tokenised as it appears in running text — else {@code
   * encode(answer)}, for the rare boundary that a subword merges across. Either way the prompt's
   * tokens followed by these decode to the prompt followed by the answer.
   */
  default int[] continuation(int[] promptTokens, String prompt, String answer) {
    int[] whole = encode(prompt + answer);
    if (whole.length >= promptTokens.length
        && Arrays.equals(whole, 0, promptTokens.length, promptTokens, 0, promptTokens.length)) {
      return Arrays.copyOfRange(whole, promptTokens.length, whole.length);
    }
    return encode(answer);
  }

  @Override
  default void close() {}
}

package io.ablate.model;

/** Text to token ids and back, with the ids a decoder needs around a sequence. */
public interface Tokenizer {
  int[] encode(String text);

  String decode(int[] ids, int from, int to);

  /** The id that starts every sequence, or -1 if the model uses none. */
  int bos();

  /** The id that ends an answer (greedy decoding stops there). */
  int eos();

  int size();
}

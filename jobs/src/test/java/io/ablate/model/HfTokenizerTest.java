package io.ablate.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ablate.AblateException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link HfTokenizer} on GPT-2's real tokenizer.json (ids checked against GPT-2's known ones) and on
 * hand-made word-level ones: round trips, no truncation, special tokens, BOS/EOS resolution, the
 * prompt/answer rule, errors, and closing.
 */
class HfTokenizerTest {
  @TempDir Path tmp;

  @Test
  void gpt2EncodesAsGpt2AndRoundTrips() throws Exception {
    try (HfTokenizer t = HfTokenizer.read(TokenizerFixtures.gpt2(tmp.resolve("gpt2")))) {
      assertEquals(TokenizerFixtures.GPT2_VOCAB, t.size());
      assertArrayEquals(new int[] {15496, 995}, t.encode("Hello world")); // no BOS/EOS added
      assertArrayEquals(new int[] {6342}, t.encode(" Paris"));
      assertEquals(5, t.encode("47+185=232").length); // 47 + 185 = 232: digits stay together
      for (String s : List.of("Hello world", " leading and trailing  ", "47+185=232",
          "naïve café — 東京 😀", "line one\nline two\ttab", "")) {
        int[] ids = t.encode(s);
        assertEquals(s, t.decode(ids, 0, ids.length), Arrays.toString(ids));
      }
      // a slice decodes to its own text
      int[] ids = t.encode("Hello world");
      assertEquals(" world", t.decode(ids, 1, 2));
      // longer than DJL's default truncation (512): nothing is cut
      String longText = "hello ".repeat(1000);
      int[] many = t.encode(longText);
      assertEquals(1001, many.length); // "hello", 999 × " hello", the trailing " "
      assertEquals(longText, t.decode(many, 0, many.length));
    }
  }

  @Test
  void gpt2SpecialTokens() throws Exception {
    Path dir = TokenizerFixtures.gpt2(tmp.resolve("gpt2"));
    // no config.json: both from the tokenizer's <|endoftext|>
    try (HfTokenizer t = HfTokenizer.read(dir)) {
      assertEquals(TokenizerFixtures.GPT2_ENDOFTEXT, t.bos());
      assertEquals(TokenizerFixtures.GPT2_ENDOFTEXT, t.eos());
      // the special token in text is the special token; decoding leaves it out
      int[] ids = t.encode("Hi<|endoftext|>");
      assertArrayEquals(new int[] {17250, TokenizerFixtures.GPT2_ENDOFTEXT}, ids);
      assertEquals("Hi", t.decode(ids, 0, ids.length));
    }
    // config.json's ids win (GPT-2's own config.json says 50256 for both; other ids prove it)
    TokenizerFixtures.config(dir, "bos_token_id", 0);
    TokenizerFixtures.config(dir, "eos_token_id", List.of(198, 50256)); // a list: the first
    assertArrayEquals(new int[] {0, 198}, bosEos(dir));
  }

  /** The BOS and EOS ids {@code dir}'s tokenizer resolves to. */
  private static int[] bosEos(Path dir) {
    try (HfTokenizer t = HfTokenizer.read(dir)) {
      return new int[] {t.bos(), t.eos()};
    }
  }

  @Test
  void bosAndEosFromNamedSpecialTokensElseConfig() throws Exception {
    Path llama = TokenizerFixtures.wordLevel(tmp.resolve("llama"), List.of("<s>", "</s>"),
        List.of("a", "b", "c"));
    try (HfTokenizer t = HfTokenizer.read(llama)) {
      assertEquals(0, t.bos());
      assertEquals(1, t.eos());
      assertEquals(6, t.size());
      assertArrayEquals(new int[] {3, 4, 5, 2}, t.encode("a b c d")); // d is <unk>: id 2
      assertEquals("a b c", t.decode(new int[] {0, 3, 4, 5, 1}, 0, 5)); // specials left out
    }
    // only an EOS: no BOS (-1), sequences start with the prompt
    Path eosOnly = TokenizerFixtures.wordLevel(tmp.resolve("eos-only"), List.of("<|im_end|>"),
        List.of("a"));
    assertArrayEquals(new int[] {-1, 0}, bosEos(eosOnly));
    // config.json ids, when present, override the names
    TokenizerFixtures.config(llama, "bos_token_id", 4);
    TokenizerFixtures.config(llama, "eos_token_id", 5);
    assertArrayEquals(new int[] {4, 5}, bosEos(llama));
  }

  @Test
  void noEosIsBadInputNamingTheFiles() throws Exception {
    Path dir = TokenizerFixtures.wordLevel(tmp.resolve("none"), List.of("<pad>", "<mask>"),
        List.of("a"));
    AblateException e = assertThrows(AblateException.class, () -> HfTokenizer.read(dir));
    assertEquals(2, e.exitCode());
    assertTrue(e.getMessage().contains(dir + ": no end-of-sequence token: config.json has no "
        + "eos_token_id and tokenizer.json has none of the special tokens [</s>, <|endoftext|>"),
        e.getMessage());
    // an id outside the tokenizer
    TokenizerFixtures.config(dir, "eos_token_id", 99);
    AblateException outside = assertThrows(AblateException.class, () -> HfTokenizer.read(dir));
    assertEquals(2, outside.exitCode());
    assertTrue(outside.getMessage().contains("special token id 99 is outside the tokenizer's 4 "
        + "tokens"), outside.getMessage());
    // not a tokenizer at all
    Path broken = Files.createDirectories(tmp.resolve("broken"));
    Files.writeString(broken.resolve("tokenizer.json"), "{\"model\": {\"vocab\": {\"a\": 0}}, "
        + "\"added_tokens\": [{\"id\": 1, \"content\": \"</s>\", \"special\": true}]}");
    AblateException bad = assertThrows(AblateException.class, () -> HfTokenizer.read(broken));
    assertEquals(2, bad.exitCode());
    assertTrue(bad.getMessage().contains(broken.resolve("tokenizer.json")
        + ": not a Hugging Face tokenizer"), bad.getMessage());
    Files.writeString(broken.resolve("tokenizer.json"), "{not json");
    assertEquals(2, assertThrows(AblateException.class, () -> HfTokenizer.read(broken))
        .exitCode());
  }

  @Test
  void answerTokensFollowThePromptAndDecodeToPromptPlusAnswer() throws Exception {
    try (HfTokenizer t = HfTokenizer.read(TokenizerFixtures.gpt2(tmp.resolve("gpt2")))) {
      // the space carried by the answer: the answer as in running text
      int[] p = t.encode("Capital of France:");
      assertArrayEquals(new int[] {6342}, t.continuation(p, "Capital of France:", " Paris"));
      // the space carried by the prompt: encode(prompt + answer) does not start with the prompt's
      // tokens ("Ġ" then "Paris" vs "ĠParis"), so the answer is tokenised alone
      int[] q = t.encode("Capital of France: ");
      int[] a = t.continuation(q, "Capital of France: ", "Paris");
      assertArrayEquals(t.encode("Paris"), a);
      int[] whole = t.encode("Capital of France: Paris");
      assertFalse(Arrays.equals(whole, 0, q.length, q, 0, q.length));
      // a subword across the boundary ("cat" + "s"): the prompt's tokens stay as decoding saw them
      int[] cat = t.encode("The cat");
      int[] s = t.continuation(cat, "The cat", "s sat");
      int[] both = new int[cat.length + s.length];
      System.arraycopy(cat, 0, both, 0, cat.length);
      System.arraycopy(s, 0, both, cat.length, s.length);
      assertEquals("The cats sat", t.decode(both, 0, both.length));
      assertArrayEquals(t.encode("s sat"), s);
    }
    // the character vocabulary: the same as encoding the answer alone
    CharVocab v = CharVocab.of("0123456789+=");
    assertArrayEquals(v.encode("15"), v.continuation(v.encode("12+3="), "12+3=", "15"));
  }

  @Test
  void closeReleasesTheNativeTokenizer() throws Exception {
    HfTokenizer t = HfTokenizer.read(TokenizerFixtures.wordLevel(tmp.resolve("w"),
        List.of("</s>"), List.of("a")));
    assertArrayEquals(new int[] {2}, t.encode("a"));
    t.close();
    assertThrows(IllegalStateException.class, () -> t.encode("a"));
    t.close(); // twice is harmless
  }
}

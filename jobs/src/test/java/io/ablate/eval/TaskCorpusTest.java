package io.ablate.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ablate.model.CharVocab;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TaskCorpusTest {
  @Test
  void answersAreRightSplitsDisjointAndTheCorpusIsAFunctionOfTheSeed() {
    TaskCorpus.Splits s = TaskCorpus.generate(7, 300, 50);
    assertEquals(1500, s.train().size());
    assertEquals(250, s.test().size());
    Set<String> train = new HashSet<>();
    s.train().forEach(p -> train.add(p.prompt()));
    CharVocab vocab = CharVocab.of(TaskCorpus.ALPHABET);
    for (Prompt p : s.test()) {
      assertTrue(!train.contains(p.prompt()), "test prompt in train: " + p);
    }
    for (Prompt p : s.train()) {
      vocab.encode(p.prompt() + p.answer()); // encodable
      String body = p.prompt().substring(0, p.prompt().length() - 1);
      String expect = switch (p.task()) {
        case "add" -> Integer.toString(Integer.parseInt(body.split("\\+")[0])
            + Integer.parseInt(body.split("\\+")[1]));
        case "reverse" -> new StringBuilder(body.substring(4)).reverse().toString();
        case "sort" -> body.substring(5).chars().sorted().collect(StringBuilder::new,
            StringBuilder::appendCodePoint, StringBuilder::append).toString();
        case "count" -> Long.toString(body.substring(8).chars()
            .filter(ch -> ch == body.charAt(6)).count());
        case "copy" -> body.substring(5);
        default -> throw new AssertionError(p.task());
      };
      assertEquals(expect, p.answer(), p.toString());
    }
    assertEquals(s, TaskCorpus.generate(7, 300, 50));
    assertTrue(!s.test().equals(TaskCorpus.generate(8, 300, 50).test()));
  }
}

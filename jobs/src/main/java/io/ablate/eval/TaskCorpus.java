package io.ablate.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The synthetic task corpus: five tasks whose answers can be checked, in a character alphabet
 * ({@link #ALPHABET}). Each prompt ends with {@code =}; the answer follows.
 * <ul>
 *   <li>{@code add}: {@code 47+185=} → {@code 232} (operands of 1–3 digits)
 *   <li>{@code reverse}: {@code rev cfaj=} → {@code jafc}
 *   <li>{@code sort}: {@code sort dbhc=} → {@code bcdh}
 *   <li>{@code count}: {@code count b:abcbb=} → {@code 3} (occurrences of a letter)
 *   <li>{@code copy}: {@code copy gahe=} → {@code gahe}
 * </ul>
 * Words are 3–6 letters from a–j. Train and test are disjoint (a prompt is in one split only), each
 * drawn from its own seeded stream, so the corpus is a function of the seed and the sizes.
 */
public final class TaskCorpus {
  /** Every character a prompt or answer can hold. */
  public static final String ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz+=: ";
  public static final List<String> TASKS = List.of("add", "reverse", "sort", "count", "copy");
  private static final String LETTERS = "abcdefghij";

  private TaskCorpus() {}

  /** The splits. */
  public record Splits(List<Prompt> train, List<Prompt> test) {}

  /** {@code trainPerTask} and {@code testPerTask} distinct prompts of every task. */
  public static Splits generate(long seed, int trainPerTask, int testPerTask) {
    List<Prompt> train = new ArrayList<>();
    List<Prompt> test = new ArrayList<>();
    for (int t = 0; t < TASKS.size(); t++) {
      String task = TASKS.get(t);
      SplittableRandom rnd = new SplittableRandom(seed * 31 + t);
      Set<String> seen = new LinkedHashSet<>();
      List<String[]> items = new ArrayList<>();
      int want = trainPerTask + testPerTask;
      for (int tries = 0; items.size() < want && tries < want * 50; tries++) {
        String[] pa = example(task, rnd);
        if (seen.add(pa[0])) {
          items.add(pa);
        }
      }
      for (int i = 0; i < items.size(); i++) {
        boolean isTest = i < testPerTask;
        int n = isTest ? i : i - testPerTask;
        String id = String.format(Locale.ROOT, "%s-%s-%05d", isTest ? "test" : "train", task, n);
        (isTest ? test : train).add(new Prompt(id, task, items.get(i)[0], items.get(i)[1]));
      }
    }
    return new Splits(train, test);
  }

  /** One {prompt, answer} of a task. */
  static String[] example(String task, SplittableRandom r) {
    switch (task) {
      case "add": {
        int a = number(r);
        int b = number(r);
        return new String[] {a + "+" + b + "=", Integer.toString(a + b)};
      }
      case "reverse": {
        String w = word(r);
        return new String[] {"rev " + w + "=", new StringBuilder(w).reverse().toString()};
      }
      case "sort": {
        String w = word(r);
        char[] c = w.toCharArray();
        Arrays.sort(c);
        return new String[] {"sort " + w + "=", new String(c)};
      }
      case "count": {
        String w = word(r);
        char target = r.nextInt(3) == 0 ? LETTERS.charAt(r.nextInt(LETTERS.length()))
            : w.charAt(r.nextInt(w.length()));
        long n = w.chars().filter(ch -> ch == target).count();
        return new String[] {"count " + target + ":" + w + "=", Long.toString(n)};
      }
      case "copy": {
        String w = word(r);
        return new String[] {"copy " + w + "=", w};
      }
      default:
        throw new IllegalArgumentException(task);
    }
  }

  private static int number(SplittableRandom r) {
    int digits = 1 + r.nextInt(3);
    return r.nextInt((int) Math.pow(10, digits));
  }

  private static String word(SplittableRandom r) {
    int len = 3 + r.nextInt(4);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < len; i++) {
      sb.append(LETTERS.charAt(r.nextInt(LETTERS.length())));
    }
    return sb.toString();
  }
}

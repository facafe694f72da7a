package io.ablate.sketch;

/** Seeds for sketches' coin flips, derived from what is sketched rather than from a clock. */
public final class Seeds {
  private Seeds() {}

  /** SplitMix64's finaliser: a well-spread seed from (stream, ordinal). */
  public static long seed(long stream, long ordinal) {
    long z = stream + 0x9E3779B97F4A7C15L * (ordinal + 1);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** A stable 64-bit hash of a string (FNV-1a over UTF-16 units), for stream seeds. */
  public static long hash(String s) {
    long h = 0xCBF29CE484222325L;
    for (int i = 0; i < s.length(); i++) {
      h = (h ^ s.charAt(i)) * 0x100000001B3L;
    }
    return h;
  }
}

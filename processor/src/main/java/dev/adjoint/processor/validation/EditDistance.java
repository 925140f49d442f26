package dev.adjoint.processor.validation;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * "Did you mean" for names that do not resolve: the candidate at the smallest edit distance, as
 * MapStruct's {@code Strings.getMostSimilarWord}, but only when it is reasonably close.
 */
final class EditDistance {
  private EditDistance() {}

  /**
   * The candidate most similar to {@code word}, the first in the given order on ties; empty when
   * none is close enough to be a plausible misspelling (or {@code word} itself is a candidate).
   */
  static Optional<String> mostSimilar(String word, List<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : candidates) {
      if (candidate.equals(word)) {
        continue;
      }
      int d = between(word, candidate);
      if (d < bestDistance && isClose(word, candidate, d)) {
        best = candidate;
        bestDistance = d;
      }
    }
    return Optional.ofNullable(best);
  }

  /**
   * Edit distance ignoring case, counting insertions, deletions, substitutions and transpositions
   * of adjacent letters as one edit each (optimal string alignment).
   */
  static int between(String a, String b) {
    String s = a.toLowerCase(Locale.ROOT);
    String t = b.toLowerCase(Locale.ROOT);
    int[][] d = new int[s.length() + 1][t.length() + 1];
    for (int i = 0; i <= s.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= t.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= s.length(); i++) {
      for (int j = 1; j <= t.length(); j++) {
        int cost = s.charAt(i - 1) == t.charAt(j - 1) ? 0 : 1;
        int best = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && s.charAt(i - 1) == t.charAt(j - 2)
            && s.charAt(i - 2) == t.charAt(j - 1)) {
          best = Math.min(best, d[i - 2][j - 2] + 1);
        }
        d[i][j] = best;
      }
    }
    return d[s.length()][t.length()];
  }

  /**
   * A third of the shorter name may be wrong (at least one letter), and the two must share
   * something: {@code f} is not a misspelling of {@code g}.
   */
  private static boolean isClose(String word, String candidate, int distance) {
    int shorter = Math.min(word.length(), candidate.length());
    int longer = Math.max(word.length(), candidate.length());
    return distance <= Math.max(1, shorter / 3) && distance < longer;
  }
}

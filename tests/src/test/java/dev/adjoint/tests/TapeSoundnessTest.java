package dev.adjoint.tests;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import dev.adjoint.runtime.DifferentiableFunction;
import dev.adjoint.runtime.GradCheck;
import java.util.Arrays;
import java.util.Random;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * The reverse sweep reads what the forward sweep saw: fills run again in the reverse sweep only
 * where every run fills the same elements, against closed forms and GradCheck.
 */
final class TapeSoundnessTest {

  private static double[] random(Random r, int n) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = r.nextDouble() * 4 - 2;
    }
    return x;
  }

  private static void assertClose(String what, double[] actual, double[] expected) {
    assertWithMessage("%s: length", what).that(actual.length).isEqualTo(expected.length);
    for (int j = 0; j < expected.length; j++) {
      assertWithMessage("%s: d/dx_%s (expected %s, generated %s)", what, j,
              Arrays.toString(expected), Arrays.toString(actual))
          .that(actual[j]).isWithin(1e-10 * (1 + Math.abs(expected[j]))).of(expected[j]);
    }
  }

  /** GradCheck of {@code function} at random points, with x of 1..5 and w of 1..3 elements. */
  private static void gradCheck(long seed,
      BiFunction<Integer, double[], DifferentiableFunction> function) {
    Random r = new Random(seed);
    for (int trial = 0; trial < 15; trial++) {
      double[] x = random(r, 1 + trial % 5);
      double[] w = random(r, 1 + trial % 3);
      GradCheck.defaults().assertGradient(function.apply(x.length, w), x);
    }
  }

  // ------------------------------------------------------------------ item 1: fills

  @Test
  void aFillGrowingWithTheIndexTwoLoopsOutMatchesItsClosedForm() {
    Random r = new Random(91);
    for (int trial = 0; trial < 20; trial++) {
      double[] x = random(r, 1 + trial % 5);
      double[] w = random(r, 1 + trial % 3);
      int n = x.length;
      // c_j is x_j - w_k on the trips a >= j, and 0 before: d/dx_j = (n - j) sum_k (2 x_j - w_k).
      double[] expected = new double[n];
      for (int j = 0; j < n; j++) {
        for (double wk : w) {
          expected[j] += (n - j) * (2 * x[j] - wk);
        }
      }
      assertClose("fillGrowingTwoLoopsOut",
          TapeSoundnessAdjoint.fillGrowingTwoLoopsOutGrad(x, w).x(), expected);
      assertClose("fillGrowingTwoLoopsOut pullback",
          TapeSoundnessAdjoint.fillGrowingTwoLoopsOutVjp(x, w).pullback(1.0).x(), expected);
    }
    gradCheck(92, TapeSoundnessAdjoint::fillGrowingTwoLoopsOutFunction);
  }

  @Test
  void aFillShrinkingWithTheIndexTwoLoopsOutMatchesItsClosedForm() {
    Random r = new Random(93);
    for (int trial = 0; trial < 20; trial++) {
      double[] x = random(r, 1 + trial % 5);
      double[] w = random(r, 1 + trial % 3);
      int n = x.length;
      // On trip a, c_j (j < n - a) is x_j - w_k; later it keeps the last fill's x_j - w_last.
      double wLast = w[w.length - 1];
      double[] expected = new double[n];
      for (int a = 0; a < n; a++) {
        for (double wk : w) {
          for (int j = 0; j < n; j++) {
            expected[j] += 2 * x[j] - (j < n - a ? wk : wLast);
          }
        }
      }
      assertClose("fillShrinkingTwoLoopsOut",
          TapeSoundnessAdjoint.fillShrinkingTwoLoopsOutGrad(x, w).x(), expected);
    }
    gradCheck(94, TapeSoundnessAdjoint::fillShrinkingTwoLoopsOutFunction);
  }

  @Test
  void aFillWhoseBoundTheOutermostLoopSetsPassesGradCheck() {
    gradCheck(95, TapeSoundnessAdjoint::fillBoundSetThreeLoopsOutFunction);
  }

  @Test
  void aFillShiftedByTheOuterIndexMatchesItsClosedForm() {
    Random r = new Random(96);
    for (int trial = 0; trial < 20; trial++) {
      double[] x = random(r, 1 + trial % 5);
      double[] w = random(r, 1 + trial % 3);
      int m = x.length;
      // Trip k: c_i = x_0 w_i for i < k (last filled on trip i), x_{i-k} w_k for k <= i < k + m,
      // 0 beyond; s gains sum_i c_i x_{i mod m}.
      double[] expected = new double[m];
      for (int k = 0; k < w.length; k++) {
        for (int i = 0; i < m + w.length; i++) {
          int read = i % m;
          if (i < k) {
            expected[0] += w[i] * x[read];
            expected[read] += x[0] * w[i];
          } else if (i < k + m) {
            expected[i - k] += w[k] * x[read];
            expected[read] += x[i - k] * w[k];
          }
        }
      }
      assertClose("fillShiftedByOuterIndex",
          TapeSoundnessAdjoint.fillShiftedByOuterIndexGrad(x, w).x(), expected);
    }
    gradCheck(97, TapeSoundnessAdjoint::fillShiftedByOuterIndexFunction);
  }

  @Test
  void aFillStartingAtTheIndexTwoLoopsOutMatchesItsClosedForm() {
    Random r = new Random(98);
    for (int trial = 0; trial < 20; trial++) {
      double[] x = random(r, 1 + trial % 5);
      double[] w = random(r, 1 + trial % 3);
      int n = x.length;
      // a counts down, so c_j (j >= a) is x_j - w_k and c_j (j < a) is still 0.
      double[] expected = new double[n];
      for (int j = 0; j < n; j++) {
        for (double wk : w) {
          expected[j] += (j + 1) * (2 * x[j] - wk);
        }
      }
      assertClose("fillStartTwoLoopsOut",
          TapeSoundnessAdjoint.fillStartTwoLoopsOutGrad(x, w).x(), expected);
    }
    gradCheck(99, TapeSoundnessAdjoint::fillStartTwoLoopsOutFunction);
  }

  @Test
  void aFillFixedForTheWholeMethodMatchesItsClosedForm() {
    Random r = new Random(100);
    for (int trial = 0; trial < 20; trial++) {
      double[] x = random(r, 1 + trial % 5);
      double[] w = random(r, 1 + trial % 3);
      // s = sum_a sum_k sum_j (x_j w_k + a) x_j: d/dx_j = sum_a sum_k (2 x_j w_k + a).
      double[] expected = new double[x.length];
      for (int a = 0; a < 3; a++) {
        for (double wk : w) {
          for (int j = 0; j < x.length; j++) {
            expected[j] += 2 * x[j] * wk + a;
          }
        }
      }
      assertClose("fillFixedInDeepNest",
          TapeSoundnessAdjoint.fillFixedInDeepNestGrad(x, w).x(), expected);
    }
    gradCheck(101, TapeSoundnessAdjoint::fillFixedInDeepNestFunction);
  }
}

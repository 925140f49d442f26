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

  // ------------------------------------------------------------------ item 3: data changed

  /**
   * The gradient {@code grad} gives at x with a fresh copy of d, checked against {@code expected}
   * (computed from d as passed), and d changed by the call as the primal changes it.
   */
  private static void assertDataGradient(String what, double[] x, double[] d,
      BiFunction<double[], double[], double[]> grad,
      BiFunction<double[], double[], Double> primal, double[] expected) {
    double[] dPrimal = d.clone();
    primal.apply(x.clone(), dPrimal);
    double[] dGenerated = d.clone();
    assertClose(what, grad.apply(x, dGenerated), expected);
    assertWithMessage("%s: the data after the call, as the primal leaves it", what)
        .that(dGenerated).usingExactEquality().containsExactly(dPrimal).inOrder();
  }

  @Test
  void dataScaledAfterItsUseGivesTheGradientAtTheDataAsPassed() {
    Random r = new Random(110);
    for (int trial = 0; trial < 20; trial++) {
      double[] x = random(r, 1 + trial % 5);
      double[] d = random(r, x.length);
      double[] expected = new double[x.length];
      for (int i = 0; i < x.length; i++) {
        expected[i] = 2 * x[i] * d[i];
      }
      assertDataGradient("scaledAfterUse", x, d,
          (p, q) -> TapeSoundnessAdjoint.scaledAfterUseGrad(p, q).x(),
          TapeSoundness::scaledAfterUse, expected);
      assertDataGradient("scaledAfterUse (Vjp)", x, d,
          (p, q) -> TapeSoundnessAdjoint.scaledAfterUseVjp(p, q).pullback(1.0).x(),
          TapeSoundness::scaledAfterUse, expected);
      assertDataGradient("scaledAfterUse (workspace)", x, d, (p, q) -> {
        var w = TapeSoundnessAdjoint.scaledAfterUseWorkspace();
        w.valueAndGrad(p, q);
        return w.x();
      }, TapeSoundness::scaledAfterUse, expected);
      double[] x2 = random(r, 2);
      double[] d2 = random(r, 2);
      assertDataGradient("scaledAfterUseStraight", x2, d2,
          (p, q) -> TapeSoundnessAdjoint.scaledAfterUseStraightGrad(p, q).x(),
          TapeSoundness::scaledAfterUseStraight, new double[] {2 * x2[0] * d2[0], d2[1]});
    }
  }

  @Test
  void dataScaledOnOneBranchIsSeenAsEachReadSawIt() {
    Random r = new Random(119);
    for (int trial = 0; trial < 20; trial++) {
      double[] x = random(r, 1);
      double[] d = random(r, 1);
      assertDataGradient("scaledInABranch", x, d,
          (p, q) -> TapeSoundnessAdjoint.scaledInABranchGrad(p, q).x(),
          TapeSoundness::scaledInABranch, new double[] {d[0] + (x[0] > 0 ? 2 : 1) * d[0]});
    }
  }

  @Test
  void dataSortedAfterItsUseGivesTheGradientAtTheDataAsPassed() {
    Random r = new Random(111);
    for (int trial = 0; trial < 20; trial++) {
      double[] x = random(r, 1 + trial % 5);
      double[] d = random(r, x.length);
      assertDataGradient("sortedAfterUse", x, d,
          (p, q) -> TapeSoundnessAdjoint.sortedAfterUseGrad(p, q).x(),
          TapeSoundness::sortedAfterUse, d.clone());
    }
  }

  @Test
  void aLoopBoundReadFromDataChangedAfterItsUseKeepsItsTripCount() {
    Random r = new Random(112);
    for (int trial = 0; trial < 20; trial++) {
      double[] x = random(r, 2 + trial % 5);
      double[] d = {r.nextInt(x.length / 2 + 1)};
      double[] expected = new double[x.length];
      for (int j = 0; j < (int) d[0]; j++) {
        expected[j] = 4 * x[j];
      }
      assertDataGradient("boundChangedAfterUse", x, d,
          (p, q) -> TapeSoundnessAdjoint.boundChangedAfterUseGrad(p, q).x(),
          TapeSoundness::boundChangedAfterUse, expected);
    }
  }

  @Test
  void aMatrixScaledAfterItsUseGivesTheGradientAtTheMatrixAsPassed() {
    Random r = new Random(113);
    for (int trial = 0; trial < 20; trial++) {
      double[] x = random(r, 1 + trial % 5);
      double[][] m = new double[x.length][];
      double[] expected = new double[x.length];
      for (int i = 0; i < x.length; i++) {
        m[i] = random(r, 2);
        expected[i] = m[i][0] * m[i][1];
      }
      double[][] mPrimal = copy(m);
      TapeSoundness.matrixScaledAfterUse(x.clone(), mPrimal);
      double[][] mGenerated = copy(m);
      assertClose("matrixScaledAfterUse",
          TapeSoundnessAdjoint.matrixScaledAfterUseGrad(x, mGenerated).x(), expected);
      assertThat(mGenerated).isEqualTo(mPrimal);
    }
  }

  private static double[][] copy(double[][] m) {
    double[][] c = new double[m.length][];
    for (int i = 0; i < m.length; i++) {
      c[i] = m[i].clone();
    }
    return c;
  }

  @Test
  void dataChangedOnEveryTripIsSeenAsEachTripSawIt() {
    Random r = new Random(114);
    for (int trial = 0; trial < 20; trial++) {
      double[] x = random(r, 1 + trial % 5);
      double[] d = random(r, 1 + trial % 3);
      double[] expected = new double[x.length];
      for (int t = 0; t < x.length; t++) {
        expected[t] = d[t % d.length];
      }
      assertDataGradient("rotatedEachTrip", x, d,
          (p, q) -> TapeSoundnessAdjoint.rotatedEachTripGrad(p, q).x(),
          TapeSoundness::rotatedEachTrip, expected);
      // s = sum_i x_i 2 d_i 2^i: trip i reads d after i doublings.
      double[] d2 = random(r, x.length);
      double[] expected2 = new double[x.length];
      for (int i = 0; i < x.length; i++) {
        expected2[i] = 2 * d2[i] * Math.pow(2, i);
      }
      assertDataGradient("valueFromDataScaledEachTrip", x, d2,
          (p, q) -> TapeSoundnessAdjoint.valueFromDataScaledEachTripGrad(p, q).x(),
          TapeSoundness::valueFromDataScaledEachTrip, expected2);
      // s = sum_k sum_j (x_j d_j 2^k)^2: d/dx_j = 2 x_j d_j^2 (1 + 4 + 16).
      double[] expected3 = new double[x.length];
      for (int j = 0; j < x.length; j++) {
        expected3[j] = 2 * x[j] * d2[j] * d2[j] * 21;
      }
      assertDataGradient("fillFromDataScaledEachTrip", x, d2,
          (p, q) -> TapeSoundnessAdjoint.fillFromDataScaledEachTripGrad(p, q).x(),
          TapeSoundness::fillFromDataScaledEachTrip, expected3);
    }
  }

  @Test
  void conditionsThatChangeDataAreSeenAsEachTripSawThem() {
    for (int d0 = -2; d0 <= 4; d0++) {
      double[] x = {1.5};
      // d_0 as passed, then d_0 + 1, d_0 + 2, ... while below 4 (as an int).
      double expected = d0;
      for (int v = d0 + 1; v < 4; v++) {
        expected += v;
      }
      assertDataGradient("bumpedInLoopCondition", x, new double[] {d0},
          (p, q) -> TapeSoundnessAdjoint.bumpedInLoopConditionGrad(p, q).x(),
          TapeSoundness::bumpedInLoopCondition, new double[] {expected});
      assertDataGradient("bumpedInBranchCondition", x, new double[] {d0},
          (p, q) -> TapeSoundnessAdjoint.bumpedInBranchConditionGrad(p, q).x(),
          TapeSoundness::bumpedInBranchCondition,
          new double[] {d0 + (d0 + 1 > 1 ? d0 + 1 : 0)});
    }
  }

  @Test
  void dataPassedToACalleeAndChangedAfterwardsReachesItsPullbackAsPassed() {
    Random r = new Random(115);
    for (int trial = 0; trial < 20; trial++) {
      double[] x = random(r, 1 + trial % 5);
      double[] d = random(r, x.length);
      assertDataGradient("scaledAfterCallee", x, d,
          (p, q) -> TapeSoundnessAdjoint.scaledAfterCalleeGrad(p, q).x(),
          TapeSoundness::scaledAfterCallee, d.clone());
      assertDataGradient("scaledAfterCallee (Vjp)", x, d,
          (p, q) -> TapeSoundnessAdjoint.scaledAfterCalleeVjp(p, q).pullback(1.0).x(),
          TapeSoundness::scaledAfterCallee, d.clone());
    }
  }

  @Test
  void loopBoundsAndStartsThatTheLoopChangesAreNotRecomputed() {
    Random r = new Random(116);
    for (int trial = 0; trial < 20; trial++) {
      double[] x = random(r, 1 + trial % 6);
      int d0 = r.nextInt(x.length + 1);
      // Each run visits j while j < d_0, and d_0 drops by one per visit.
      double[] expected = new double[x.length];
      double bound = d0;
      for (int k = 0; k < 2; k++) {
        for (int j = 0; j < (int) bound; j++) {
          expected[j] += 2 * x[j];
          bound -= 1;
        }
      }
      assertDataGradient("boundChangedInsideTheLoop", x, new double[] {d0},
          (p, q) -> TapeSoundnessAdjoint.boundChangedInsideTheLoopGrad(p, q).x(),
          TapeSoundness::boundChangedInsideTheLoop, expected);
      // The first run visits d_0 .. n - 1 and raises d_0 to n; the second visits nothing.
      double[] expected2 = new double[x.length];
      for (int j = d0; j < x.length; j++) {
        expected2[j] = 2 * x[j];
      }
      assertDataGradient("startChangedInsideTheLoop", x, new double[] {d0},
          (p, q) -> TapeSoundnessAdjoint.startChangedInsideTheLoopGrad(p, q).x(),
          TapeSoundness::startChangedInsideTheLoop, expected2);
    }
  }

  @Test
  void aStatementThatReadsDataAndPassesItToACallSeesEachReadInItsPlace() {
    Random r = new Random(117);
    for (int trial = 0; trial < 20; trial++) {
      double[] x = random(r, 1);
      double d0 = r.nextInt(7) - 3;
      assertDataGradient("readThenBumpedInOneStatement", x, new double[] {d0},
          (p, q) -> TapeSoundnessAdjoint.readThenBumpedInOneStatementGrad(p, q).x(),
          TapeSoundness::readThenBumpedInOneStatement, new double[] {d0});
      assertDataGradient("bumpedThenReadInOneStatement", x, new double[] {d0},
          (p, q) -> TapeSoundnessAdjoint.bumpedThenReadInOneStatementGrad(p, q).x(),
          TapeSoundness::bumpedThenReadInOneStatement, new double[] {d0 + 1});
      assertDataGradient("factorReadBeforeBump", x, new double[] {d0},
          (p, q) -> TapeSoundnessAdjoint.factorReadBeforeBumpGrad(p, q).x(),
          TapeSoundness::factorReadBeforeBump, new double[] {d0});
      // The value is the primal's, bit for bit: d_0 is read before the bump.
      assertThat(TapeSoundnessAdjoint.factorReadBeforeBumpValueAndGrad(x, new double[] {d0})
              .value())
          .isEqualTo(TapeSoundness.factorReadBeforeBump(x, new double[] {d0}));
    }
  }

  @Test
  void aHelperThatOnlyReadsDataLeavesTheGradientAlone() {
    Random r = new Random(118);
    for (int trial = 0; trial < 20; trial++) {
      double[] x = random(r, 1 + trial % 5);
      double[] d = random(r, x.length);
      double total = 0;
      for (double v : d) {
        total += v;
      }
      double[] expected = new double[x.length];
      for (int i = 0; i < x.length; i++) {
        expected[i] = d[i] / total;
      }
      assertDataGradient("normalizedByAHelper", x, d,
          (p, q) -> TapeSoundnessAdjoint.normalizedByAHelperGrad(p, q).x(),
          TapeSoundness::normalizedByAHelper, expected);
      GradCheck.defaults().assertGradient(
          TapeSoundnessAdjoint.normalizedByAHelperFunction(x.length, d), x);
    }
  }
}

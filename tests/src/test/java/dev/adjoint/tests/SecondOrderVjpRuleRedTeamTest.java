package dev.adjoint.tests;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import dev.adjoint.runtime.GradCheck;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@code @CustomVjp(order = 2)} on rules written as users write them, against closed forms and
 * differences of the rules' gradients.
 */
final class SecondOrderVjpRuleRedTeamTest {
  private static double[] gaussians(Random random, int n) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = random.nextGaussian();
    }
    return x;
  }

  @Test
  void aResidualRecordWithAnIntANestedRecordAndAnArray() {
    Random random = new Random(11);
    for (int trial = 0; trial < 20; trial++) {
      double x = random.nextGaussian();
      double y = random.nextGaussian();
      double[][] h = SecondOrderVjpRuleRedTeamAdjoint.mixHessian(x, y);
      assertThat(h[0][0]).isWithin(1e-13).of(2 * y);
      assertThat(h[0][1]).isWithin(1e-13).of(2 * x);
      assertThat(h[1][1]).isWithin(1e-13).of(6 * y);
      GradCheck.defaults().assertHvp(SecondOrderVjpRuleRedTeamAdjoint.mixFunction(), x, y);
    }
  }

  @Test
  void aBwdWithSeveralReturns() {
    for (double x : new double[] {-2, -0.5, 0.5, 1.5}) {
      double expected = x > 0 ? 6 * x : -Math.sin(x);
      assertWithMessage("x = %s", x).that(SecondOrderVjpRuleRedTeamAdjoint.branchyHessian(x)[0][0])
          .isWithin(1e-14).of(expected);
    }
  }

  @Test
  void noDiffArrayAndIntParameters() {
    Random random = new Random(12);
    double[] w = {1, 2, 0.5};
    for (int trial = 0; trial < 10; trial++) {
      double[] x = gaussians(random, 3);
      double[][] h = SecondOrderVjpRuleRedTeamAdjoint.weightedHessian(x, w, 2);
      for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 3; j++) {
          double expected = i == j ? 4 * w[i] * Math.exp(2 * x[i]) : 0;
          assertThat(h[i][j]).isWithin(1e-12 * (1 + Math.abs(expected))).of(expected);
        }
      }
      GradCheck.defaults().assertHvp(
          SecondOrderVjpRuleRedTeamAdjoint.weightedFunction(new double[3], w, 2), x);
    }
  }

  @Test
  void companionsThatCallAnnotatedMethodsAndAnotherRule() {
    for (double x : new double[] {-1.3, 0.2, 0.7}) {
      assertThat(SecondOrderVjpRuleRedTeamAdjoint.thirdHessian(x)[0][0]).isWithin(1e-14)
          .of(2 * x);
      assertThat(SecondOrderVjpRuleRedTeamAdjoint.quarticHessian(x)[0][0]).isWithin(1e-14)
          .of(x * x);
    }
  }

  @Test
  void parametersNamedLikeTheTangentMapsVariables() {
    double[] p = {0.3, 0.5, 0.7, 1.1, 1.3};
    double[][] h = SecondOrderVjpRuleRedTeamAdjoint.namesHessian(p[0], p[1], p[2], p[3], p[4]);
    for (int i = 0; i < 5; i++) {
      for (int j = 0; j < 5; j++) {
        double expected = 0;
        if (i != j) {
          expected = 1;
          for (int k = 0; k < 5; k++) {
            expected *= k == i || k == j ? 1 : p[k];
          }
        }
        assertWithMessage("H[%s][%s]", i, j).that(h[i][j]).isWithin(1e-14).of(expected);
      }
    }
    GradCheck.defaults().assertHvp(SecondOrderVjpRuleRedTeamAdjoint.namesFunction(), p);
  }

  @Test
  void staticFieldsAreReadWhenHvpAtIsMade() {
    double x = 0.4;
    var at = SecondOrderVjpRuleRedTeamAdjoint.fieldedHvpAt(x);
    double expected = 2 * 2 * 3 * Math.exp(2 * x);
    assertThat(at.apply(1.0).x()).isWithin(1e-12).of(expected);
    double scale = SecondOrderVjpRuleRedTeam.scale;
    double w1 = SecondOrderVjpRuleRedTeam.weights[1];
    try {
      SecondOrderVjpRuleRedTeam.scale = 5;
      SecondOrderVjpRuleRedTeam.weights[1] = 7;
      assertThat(at.apply(1.0).x()).isWithin(1e-12).of(expected);
      assertThat(SecondOrderVjpRuleRedTeamAdjoint.fieldedHessian(x)[0][0]).isWithin(1e-9)
          .of(5 * 5 * 7 * Math.exp(5 * x));
    } finally {
      SecondOrderVjpRuleRedTeam.scale = scale;
      SecondOrderVjpRuleRedTeam.weights[1] = w1;
    }
  }

  @Test
  void aValueComputedByACallOfTheRuleItself() {
    double[] x = {0.3, -1.2, 2.0};
    double[][] h = SecondOrderVjpRuleRedTeamAdjoint.squaresHessian(x);
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        assertThat(h[i][j]).isEqualTo(i == j ? 2.0 : 0.0);
      }
    }
    assertThat(SecondOrderVjpRuleRedTeamAdjoint.squaresHvp(x, new double[] {1, 1, 1}).value())
        .isWithin(1e-15).of(0.09 + 1.44 + 4);
  }

  @Test
  void anotherClassCallsRulesOnMatrixRowsInALoop() {
    Random random = new Random(13);
    for (int trial = 0; trial < 10; trial++) {
      double[] point = gaussians(random, 8);
      GradCheck.defaults().assertHvp(
          SecondOrderVjpRuleRedTeamCallerAdjoint.rowsFunction(new double[2][3], new double[2]),
          point);
    }
    // implied order = 2: lse has its own Hessian, the softmax Jacobian
    double[] x = {0.3, -0.2, 1.1};
    double[][] h = SecondOrderVjpRuleRedTeamAdjoint.lseHessian(x);
    double s = 0;
    for (double v : x) {
      s += Math.exp(v);
    }
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        double pi = Math.exp(x[i]) / s;
        double pj = Math.exp(x[j]) / s;
        assertThat(h[i][j]).isWithin(1e-14).of((i == j ? pi : 0) - pi * pj);
      }
    }
    // the caller's arrays are left as they were
    double[][] m = {{0.3, -0.2, 1.1}, {0.5, -0.9, 0.4}};
    double[] w = {0.8, -1.3};
    SecondOrderVjpRuleRedTeamCallerAdjoint.rowsHessian(m, w);
    assertThat(m[0]).usingExactEquality().containsExactly(0.3, -0.2, 1.1).inOrder();
    assertThat(m[1]).usingExactEquality().containsExactly(0.5, -0.9, 0.4).inOrder();
  }
}

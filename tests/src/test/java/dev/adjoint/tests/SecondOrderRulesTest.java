package dev.adjoint.tests;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import dev.adjoint.runtime.GradCheck;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Second order through {@code @CustomJvp} rules: closed forms, and differences of gradients. */
final class SecondOrderRulesTest {
  private static double sigmoid(double z) {
    return 1 / (1 + Math.exp(-z));
  }

  @Test
  void softplusHasTheSigmoidsDerivativeEvenWhereTheBodyOverflows() {
    for (double x : new double[] {-3, -0.5, 0, 0.7, 4, 1000}) {
      double s = sigmoid(x);
      assertWithMessage("x = %s", x).that(SecondOrderRulesAdjoint.softplusHessian(x)[0][0])
          .isWithin(1e-15).of(s * (1 - s));
      var hvp = SecondOrderRulesAdjoint.softplusHvp(x, 2.0);
      assertThat(hvp.hvp().x()).isWithin(1e-15).of(2 * s * (1 - s));
      // value and gradient: fValueAndGrad's, bit for bit
      var vg = SecondOrderRulesAdjoint.softplusValueAndGrad(x);
      assertThat(hvp.value()).isEqualTo(vg.value());
      assertThat(hvp.grad().x()).isEqualTo(vg.grad().x());
    }
  }

  @Test
  void anArrayRuleWithALoop() {
    double[] x = {0.5, -1.5, 2.0};
    double y = 0.25;
    double[][] h = SecondOrderRulesAdjoint.quarticHessian(x, y);
    double[][] closed = {
      {3 * 0.25, 0, 0, 0},
      {0, 3 * 2.25, 0, 0},
      {0, 0, 3 * 4.0, 1},
      {0, 0, 1, 0},
    };
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 4; j++) {
        assertWithMessage("H[%s][%s]", i, j).that(h[i][j]).isWithin(1e-14).of(closed[i][j]);
      }
    }
    // a null array direction is zeros
    assertThat(SecondOrderRulesAdjoint.quarticHvp(x, y, null, 1.0).hvp().x())
        .usingTolerance(0).containsExactly(0.0, 0.0, 1.0).inOrder();
    // mHvpAt: the point copied
    var at = SecondOrderRulesAdjoint.quarticHvpAt(x, y);
    double[] v = {1, 1, 1};
    double[] expected = at.apply(v, 0.0).x();
    x[0] = 9;
    assertThat(at.apply(v, 0.0).x()).isEqualTo(expected);
    for (int trial = 0; trial < 10; trial++) {
      Random random = new Random(trial);
      double[] point = {random.nextGaussian(), random.nextGaussian(), random.nextGaussian()};
      GradCheck.defaults().assertHvp(SecondOrderRulesAdjoint.quarticFunction(new double[3]),
          point[0], point[1], point[2], random.nextGaussian());
    }
  }

  @Test
  void theRulesSecondDerivativeWinsOverTheBodys() {
    assertThat(SecondOrderRulesAdjoint.doubledHessian(0.5)[0][0]).isWithin(1e-15).of(6.0);
  }

  @Test
  void callsOfRulesGoThroughTheirProducts() {
    Random random = new Random(3);
    for (int trial = 0; trial < 40; trial++) {
      double x = random.nextGaussian();
      double y = random.nextGaussian();
      double z = x > 0 ? x * y : -x * y;
      double sign = x > 0 ? 1 : -1;
      double s = sigmoid(z);
      double s2 = s * (1 - s);
      double[][] closed = {
        {y * y * s2 + 12 * x, sign * s + x * y * s2},
        {sign * s + x * y * s2, x * x * s2},
      };
      double[][] h = SecondOrderRulesAdjoint.callerHessian(x, y);
      for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 2; j++) {
          assertWithMessage("H[%s][%s] at (%s, %s)", i, j, x, y).that(h[i][j])
              .isWithin(1e-13 * (1 + Math.abs(closed[i][j]))).of(closed[i][j]);
        }
      }
    }
  }
}

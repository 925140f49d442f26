package dev.adjoint.tests;

import static com.google.common.truth.Truth.assertWithMessage;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link DiscreteArraysAfterCalls} against closed forms. */
class DiscreteArraysAfterCallsTest {

  private static void near(String what, double actual, double expected) {
    assertWithMessage(what).that(actual).isWithin(1e-12 * (1 + Math.abs(expected))).of(expected);
  }

  @Test
  void anIndexArrayWrittenAfterEachCallGivesTheGradientAndHessianOfEachTrip() {
    Random random = new Random(28);
    for (int trial = 0; trial < 20; trial++) {
      double a = random.nextGaussian();
      double b = random.nextGaussian();
      double[] grad = {15 * a * a + 6 * a * b + b * b, 3 * a * a + 2 * a * b + 9 * b * b};
      double[][] hessian = {{30 * a + 6 * b, 6 * a + 2 * b}, {6 * a + 2 * b, 2 * a + 18 * b}};
      double[] g = DiscreteArraysAfterCallsAdjoint.indicesGrad(new double[] {a, b}).x();
      double[] v = DiscreteArraysAfterCallsAdjoint.indicesVjp(new double[] {a, b}).pullback(1).x();
      double[][] h = DiscreteArraysAfterCallsAdjoint.indicesHessian(new double[] {a, b});
      for (int i = 0; i < 2; i++) {
        near("grad " + i, g[i], grad[i]);
        near("pullback " + i, v[i], grad[i]);
        for (int j = 0; j < 2; j++) {
          near("H " + i + j, h[i][j], hessian[i][j]);
        }
      }
    }
  }

  @Test
  void flagsWrittenAfterEachCallChooseEachTripsBranches() {
    Random random = new Random(29);
    for (int trial = 0; trial < 20; trial++) {
      double a = random.nextGaussian();
      double b = random.nextGaussian();
      double[] grad = {3 * a * a + 4 * a, 4 * b + 3 * b * b};
      var vg = DiscreteArraysAfterCallsAdjoint.flagsValueAndGrad(new double[] {a, b});
      near("value", vg.value(), a * a * a + 2 * a * a + 2 * b * b + b * b * b);
      double[][] h = DiscreteArraysAfterCallsAdjoint.flagsHessian(new double[] {a, b});
      for (int i = 0; i < 2; i++) {
        near("grad " + i, vg.grad().x()[i], grad[i]);
      }
      near("H00", h[0][0], 6 * a + 4);
      near("H11", h[1][1], 6 * b + 4);
      near("H01", h[0][1], 0);
    }
  }
}

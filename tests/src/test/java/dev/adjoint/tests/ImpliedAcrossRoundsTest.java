package dev.adjoint.tests;

import static com.google.common.truth.Truth.assertWithMessage;

import org.junit.jupiter.api.Test;

/** {@link ImpliedAcrossRounds}: implied order = 2 reaches a callee generated a round earlier. */
class ImpliedAcrossRoundsTest {

  @Test
  void aCallerThatWaitsARoundStillGivesItsCalleeOrderTwo() {
    for (double x : new double[] {-1.3, 0.0, 0.4, 2.1}) {
      double e = Math.exp(x);
      assertWithMessage("m'' at %s", x).that(ImpliedAcrossRoundsAdjoint.mHessian(x)[0][0])
          .isWithin(1e-12 * (1 + e * (x * x + 4 * Math.abs(x) + 2)))
          .of(e * (x * x + 4 * x + 2));
      assertWithMessage("g'' at %s", x)
          .that(ImpliedAcrossRoundsCalleeAdjoint.gHvp(x, 1.0).hvp().x())
          .isWithin(1e-12 * (1 + e * (Math.abs(x) + 2))).of(e * (x + 2));
      assertWithMessage("k' at %s", x).that(ImpliedAcrossRoundsAdjoint.kGrad(x).x())
          .isWithin(1e-12).of(4 * Math.cos(x) - 4 * x * Math.sin(x));
    }
  }
}

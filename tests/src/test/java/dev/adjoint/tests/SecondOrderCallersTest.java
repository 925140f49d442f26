package dev.adjoint.tests;

import static com.google.common.truth.Truth.assertWithMessage;

import dev.adjoint.runtime.GradCheck;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Second order through calls of other classes' {@code order = 2} methods: Hessians against
 * central differences of the (first-order, trusted) gradient, and the closed form of one.
 */
final class SecondOrderCallersTest {
  /** H of f by central differences of fGrad, one column per coordinate (x₀, x₁, x₂, y). */
  private static double[][] differences(double[] x, double y, double[] w) {
    int n = x.length + 1;
    double[][] h = new double[n][n];
    double step = 1e-5;
    for (int j = 0; j < n; j++) {
      double[] xp = x.clone();
      double[] xm = x.clone();
      double yp = y;
      double ym = y;
      if (j < x.length) {
        xp[j] += step;
        xm[j] -= step;
      } else {
        yp += step;
        ym -= step;
      }
      var gp = SecondOrderCallersAdjoint.fGrad(xp, yp, w);
      var gm = SecondOrderCallersAdjoint.fGrad(xm, ym, w);
      for (int i = 0; i < n; i++) {
        double p = i < x.length ? gp.x()[i] : gp.y();
        double m = i < x.length ? gm.x()[i] : gm.y();
        h[i][j] = (p - m) / (2 * step);
      }
    }
    return h;
  }

  @Test
  void hessiansThroughOtherClassesAgreeWithDifferencesOfTheGradient() {
    Random random = new Random(12);
    for (int trial = 0; trial < 50; trial++) {
      double[] x = {random.nextGaussian(), random.nextGaussian(), random.nextGaussian()};
      double y = random.nextGaussian();
      double[] w = {random.nextGaussian(), random.nextGaussian()};
      double[][] h = SecondOrderCallersAdjoint.fHessian(x, y, w);
      double[][] fd = differences(x, y, w);
      for (int i = 0; i < h.length; i++) {
        for (int j = 0; j < h.length; j++) {
          assertWithMessage("H[%s][%s] at trial %s", i, j, trial).that(h[i][j])
              .isWithin(1e-5 * (1 + Math.abs(fd[i][j]))).of(fd[i][j]);
        }
      }
      // fHvp's value and gradient are fValueAndGrad's, bit for bit.
      double[] xDot = {0.3, -0.2, 0.5};
      var hvp = SecondOrderCallersAdjoint.fHvp(x, y, w, xDot, 0.7);
      var vg = SecondOrderCallersAdjoint.fValueAndGrad(x, y, w);
      assertWithMessage("value").that(hvp.value()).isEqualTo(vg.value());
      assertWithMessage("grad").that(hvp.grad().x()).isEqualTo(vg.grad().x());
      for (int i = 0; i < 4; i++) {
        double hv = 0;
        for (int j = 0; j < 4; j++) {
          hv += h[i][j] * (j < 3 ? xDot[j] : 0.7);
        }
        double product = i < 3 ? hvp.hvp().x()[i] : hvp.hvp().y();
        assertWithMessage("(H v)[%s]", i).that(product).isWithin(1e-12 * (1 + Math.abs(hv)))
            .of(hv);
      }
    }
  }

  /**
   * A row passed to an order = 2 callee and written after the call: the Hessian of 2x³y + 2y⁴ is
   * [[12xy, 6x²], [6x², 24y²]]. Before the fix, the Hessian-vector sweep held the row in a
   * temporary, did not restore the overwritten element, and the callee's pullback read 1 for x
   * (fuzzer v17, run seed 2815883977038599298, program 5996180391489138301).
   */
  @Test
  void aRowWrittenAfterItsCallKeepsTheCalleesHessian() {
    Random random = new Random(17);
    for (int trial = 0; trial < 20; trial++) {
      double x = random.nextGaussian();
      double y = random.nextGaussian();
      double[][] closed = {{12 * x * y, 6 * x * x}, {6 * x * x, 24 * y * y}};
      double[][] h = SecondOrderCallersAdjoint.rowsChangedAfterTheirCallHessian(x, y);
      for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 2; j++) {
          assertWithMessage("H[%s][%s] at (%s, %s)", i, j, x, y).that(h[i][j])
              .isWithin(1e-12 * (1 + Math.abs(closed[i][j]))).of(closed[i][j]);
        }
      }
      var hvp = SecondOrderCallersAdjoint.rowsChangedAfterTheirCallHvp(x, y, 0.3, -1.1);
      assertWithMessage("hvp x").that(hvp.hvp().x())
          .isWithin(1e-12 * (1 + Math.abs(closed[0][0]) + Math.abs(closed[0][1])))
          .of(closed[0][0] * 0.3 - closed[0][1] * 1.1);
      assertWithMessage("grad y").that(hvp.grad().y())
          .isWithin(1e-12 * (1 + Math.abs(8 * y * y * y)))
          .of(2 * x * x * x + 8 * y * y * y);
    }
  }

  /**
   * Callees without order = 2 get second-order members from their order = 2 caller: implied(x,
   * y) = x e^{xy} + softplus(y²), against its closed-form Hessian.
   */
  @Test
  void calleesWithoutOrderTwoGetItFromTheirCaller() {
    Random random = new Random(9);
    for (int trial = 0; trial < 30; trial++) {
      double x = random.nextGaussian();
      double y = random.nextGaussian();
      double e = Math.exp(x * y);
      double s = 1 / (1 + Math.exp(-y * y));
      // x e^{xy}: d²/dx² = 2y e + x y² e; d²/dxdy = 2x e + x² y e; d²/dy² = x³ e.
      // softplus(y²): d²/dy² = 2 s + 4y² s (1 - s).
      double[][] closed = {
        {2 * y * e + x * y * y * e, 2 * x * e + x * x * y * e},
        {2 * x * e + x * x * y * e, x * x * x * e + 2 * s + 4 * y * y * s * (1 - s)},
      };
      double[][] h = SecondOrderCallersAdjoint.impliedHessian(x, y);
      for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 2; j++) {
          assertWithMessage("H[%s][%s] at (%s, %s)", i, j, x, y).that(h[i][j])
              .isWithin(1e-12 * (1 + Math.abs(closed[i][j]))).of(closed[i][j]);
        }
      }
    }
    // and the callees have their own second-order members now
    assertWithMessage("plain's Hessian").that(SecondOrderCalleesAdjoint.plainHessian(0.0, 2.0)[0][0])
        .isWithin(1e-15).of(2.0);
  }

  /**
   * A gradient inside differentiated code keeps the state it read when its Vjp was made: the
   * nested function's pullback (g's Hessian times the cotangent) read g's static field when it ran
   * (red team), so changing it between slopeVjp and pullback changed the gradient.
   */
  @Test
  void aNestedGradientsVjpKeepsTheStateItWasMadeWith() {
    NestedState.scale = 1.0;
    try {
      NestedState_UserAdjoint.SlopeVjp vjp = NestedState_UserAdjoint.slopeVjp(2.0);
      NestedState.scale = 5.0;
      assertWithMessage("value").that(vjp.value()).isWithin(1e-15).of(12.0);
      assertWithMessage("pullback").that(vjp.pullback(1.0).x()).isWithin(1e-15).of(12.0);
      // made now, at scale 5
      assertWithMessage("grad now").that(NestedState_UserAdjoint.slopeGrad(2.0).x())
          .isWithin(1e-13).of(60.0);
    } finally {
      NestedState.scale = 1.0;
    }
  }

  /** An array gradient of another class's method read into a local, the method's only such use. */
  @Test
  void anArrayGradientInALocal() {
    double[] x = {0.4, -0.3};
    double[] g = NestedState_ArrayUserAdjoint.gradProductGrad(x).x();
    assertWithMessage("d/dx0").that(g[0]).isWithin(1e-15).of(6 * 0.16 * -0.3);
    assertWithMessage("d/dx1").that(g[1]).isWithin(1e-15).of(2 * 0.064);
  }

  /** loop(x) = Σ mix(xᵢ, sᵢ + 1), s the running sum: checked by GradCheck's HVP check too. */
  @Test
  void aCallInALoop() {
    Random random = new Random(5);
    for (int trial = 0; trial < 20; trial++) {
      double[] x = new double[4];
      for (int i = 0; i < x.length; i++) {
        x[i] = random.nextGaussian();
      }
      GradCheck.defaults().assertHvp(SecondOrderCallersAdjoint.loopFunction(x.length), x);
    }
    // x = (a): loop = sin(a)·1², so H = -sin(a).
    double a = 0.8;
    assertWithMessage("one trip").that(SecondOrderCallersAdjoint.loopHessian(new double[] {a})[0][0])
        .isWithin(1e-14).of(-Math.sin(a));
  }
}

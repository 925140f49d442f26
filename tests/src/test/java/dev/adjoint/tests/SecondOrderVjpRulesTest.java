package dev.adjoint.tests;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.adjoint.runtime.GradCheck;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Second order through {@code @CustomVjp} rules: the derivative of {@code bwd(fwd(x).residuals,
 * 1)}, against closed forms and differences of the rule's gradients.
 */
final class SecondOrderVjpRulesTest {
  private static double sigmoid(double z) {
    return 1 / (1 + Math.exp(-z));
  }

  private static void assertMatrix(double[][] actual, double[][] expected, double tolerance) {
    assertThat(actual.length).isEqualTo(expected.length);
    for (int i = 0; i < expected.length; i++) {
      for (int j = 0; j < expected.length; j++) {
        assertWithMessage("H[%s][%s]", i, j).that(actual[i][j]).isWithin(tolerance)
            .of(expected[i][j]);
        assertWithMessage("symmetry at (%s, %s)", i, j).that(actual[i][j])
            .isEqualTo(actual[j][i]);
      }
    }
  }

  @Test
  void theTutorialsRuleHasItsClosedFormHessian() {
    Random random = new Random(1);
    for (int trial = 0; trial < 100; trial++) {
      double x = 3 * random.nextGaussian();
      double y = 3 * random.nextGaussian();
      double[][] closed = {{0, Math.cos(y)}, {Math.cos(y), -x * Math.sin(y)}};
      assertMatrix(SecondOrderVjpRulesAdjoint.fHessian(x, y), closed, 1e-14);
      var hvp = SecondOrderVjpRulesAdjoint.fHvp(x, y, 0.5, -2.0);
      assertThat(hvp.hvp().x()).isWithin(1e-14).of(-2.0 * Math.cos(y));
      assertThat(hvp.hvp().y()).isWithin(1e-13).of(0.5 * Math.cos(y) + 2.0 * x * Math.sin(y));
      // value and gradient: the rule's (fValueAndGrad's), bit for bit
      var vg = SecondOrderVjpRulesAdjoint.fValueAndGrad(x, y);
      assertThat(hvp.value()).isEqualTo(vg.value());
      assertThat(hvp.grad().x()).isEqualTo(vg.grad().x());
      assertThat(hvp.grad().y()).isEqualTo(vg.grad().y());
    }
  }

  @Test
  void theStableSoftplusRuleHasTheSigmoidsDerivativeWhereTheBodyOverflows() {
    for (double x : new double[] {-800, -3, -0.5, 0, 0.7, 4, 1000}) {
      double s = sigmoid(x);
      assertWithMessage("x = %s", x).that(SecondOrderVjpRulesAdjoint.softplusHessian(x)[0][0])
          .isWithin(1e-15).of(s * (1 - s));
    }
    // the body's own derivative is NaN at 1000 (exp overflows): the rule's is used
    assertThat(SecondOrderVjpRulesAdjoint.softplusHvp(1000, 1).hvp().x()).isEqualTo(0.0);
  }

  @Test
  void logSumExpOverAnArrayResidualHasTheSoftmaxJacobian() {
    Random random = new Random(2);
    for (int trial = 0; trial < 50; trial++) {
      int n = 1 + random.nextInt(6);
      double[] x = new double[n];
      for (int i = 0; i < n; i++) {
        x[i] = 2 * random.nextGaussian();
      }
      double m = Double.NEGATIVE_INFINITY;
      for (double v : x) {
        m = Math.max(m, v);
      }
      double s = 0;
      for (double v : x) {
        s += Math.exp(v - m);
      }
      double[] p = new double[n];
      for (int i = 0; i < n; i++) {
        p[i] = Math.exp(x[i] - m) / s;
      }
      double[][] closed = new double[n][n];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          closed[i][j] = (i == j ? p[i] : 0) - p[i] * p[j];
        }
      }
      assertMatrix(SecondOrderVjpRulesAdjoint.lseHessian(x, 0.25), closed, 1e-14);
      GradCheck.defaults().assertHvp(SecondOrderVjpRulesAdjoint.lseFunction(new double[n], 0.25),
          x);
    }
    // mHvpAt copies its point: later writes to x change no product
    double[] x = {0.1, 0.7, -0.3};
    var at = SecondOrderVjpRulesAdjoint.lseHvpAt(x, 0.0);
    double[] v = {1, -1, 2};
    double[] before = at.apply(v).x();
    x[1] = 5;
    assertThat(at.apply(v).x()).isEqualTo(before);
    // a null direction is zeros
    assertThat(SecondOrderVjpRulesAdjoint.lseHvp(x, 0.0, null).hvp().x())
        .usingTolerance(0).containsExactly(0.0, 0.0, 0.0).inOrder();
  }

  @Test
  void aChangedGradientGivesTheSecondDerivativeOfTheRule() {
    for (double x : new double[] {-2, 0, 0.3, 5}) {
      double t = Math.tanh(x);
      // the body's second derivative is 1; the rule's gradient tanh(x) has derivative 1 - tanh²
      assertThat(SecondOrderVjpRulesAdjoint.clippedHessian(x)[0][0]).isWithin(1e-15)
          .of(1 - t * t);
    }
  }

  @Test
  void aMatrixParameterWithARecordOfResidualsAndACotangentRecordLocal() {
    double[][] a = {{0.5, -1}, {2, 0.25}};
    double y = 1.5;
    double[][] h = SecondOrderVjpRulesAdjoint.formHessian(a, y);
    // flattened (a00, a01, a10, a11, y): d²/da² = 2y I, d²/da dy = 2a
    double[] flat = {0.5, -1, 2, 0.25};
    double[][] closed = new double[5][5];
    for (int i = 0; i < 4; i++) {
      closed[i][i] = 2 * y;
      closed[i][4] = 2 * flat[i];
      closed[4][i] = 2 * flat[i];
    }
    assertMatrix(h, closed, 1e-14);
    Random random = new Random(4);
    for (int trial = 0; trial < 20; trial++) {
      double[] point = new double[5];
      for (int i = 0; i < 5; i++) {
        point[i] = random.nextGaussian();
      }
      GradCheck.defaults().assertHvp(
          SecondOrderVjpRulesAdjoint.formFunction(new double[2][2]), point);
    }
  }

  @Test
  void aNullCotangentIsZeroAtSecondOrderToo() {
    double x = 0.7;
    double y = -1.3;
    // gradient (3x²y, 0): Hessian [[6xy, 3x²], [0, 0]], made symmetric by mHessian's mean
    double[][] h = SecondOrderVjpRulesAdjoint.heldHessian(x, y);
    assertThat(h[0][0]).isWithin(1e-14).of(6 * x * y);
    assertThat(h[0][1]).isWithin(1e-14).of(1.5 * x * x);
    assertThat(h[1][1]).isEqualTo(0.0);
    // mHvp is reverse mode over the rule's JVP ⟨(3x²y, 0), v⟩: Jᵀv for the Jacobian J of the
    // rule's gradient map, which is not symmetric where the rule holds y's cotangent at 0
    var hvp = SecondOrderVjpRulesAdjoint.heldHvp(x, y, 1.0, 0.0);
    assertThat(hvp.hvp().x()).isWithin(1e-14).of(6 * x * y);
    assertThat(hvp.hvp().y()).isWithin(1e-14).of(3 * x * x);
  }

  @Test
  void callersGoThroughTheRulesProducts() {
    Random random = new Random(5);
    for (int trial = 0; trial < 40; trial++) {
      double x = random.nextGaussian();
      double y = random.nextGaussian();
      double r = x * Math.sin(y);
      double s = sigmoid(x * y);
      double s2 = s * (1 - s);
      // r² + softplus(xy)
      double rx = Math.sin(y);
      double ry = x * Math.cos(y);
      double[][] closed = {
        {2 * rx * rx + y * y * s2, 2 * rx * ry + 2 * r * Math.cos(y) + s + x * y * s2},
        {0, 2 * ry * ry - 2 * r * x * Math.sin(y) + x * x * s2},
      };
      closed[1][0] = closed[0][1];
      assertMatrix(SecondOrderVjpRulesAdjoint.callerHessian(x, y), closed, 1e-12);
      GradCheck.defaults().assertHvp(SecondOrderVjpRulesAdjoint.callerFunction(), x, y);
    }
  }

  @Test
  void aRuleCalledFromAnOrderTwoMethodGetsItsOwnSecondOrderMembers() {
    for (double x : new double[] {-1.2, 0.3, 0.9}) {
      // implied order = 2: cube has cubeHessian without asking
      assertThat(SecondOrderVjpRulesAdjoint.cubeHessian(x)[0][0]).isWithin(1e-14).of(6 * x);
      double c = x * x * x;
      double closed = -Math.sin(c) * 9 * Math.pow(x, 4) + Math.cos(c) * 6 * x;
      assertThat(SecondOrderVjpRulesAdjoint.cubeCallerHessian(x)[0][0]).isWithin(1e-12)
          .of(closed);
    }
  }

  @Test
  void hessianVectorProductsSayWhichArrayHasTheWrongLength() {
    var f = SecondOrderVjpRulesAdjoint.fFunction();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> f.hessianVectorProduct(new double[2], new double[3], new double[2]));
    assertThat(e).hasMessageThat()
        .isEqualTo("f: expected a direction of length 2, but the direction has length 3");
    e = assertThrows(IllegalArgumentException.class,
        () -> f.hessianVectorProduct(new double[2], new double[2], new double[1]));
    assertThat(e).hasMessageThat().isEqualTo("f: expected a point of length 2 (and a product"
        + " buffer as long), but the point has length 2 and the product buffer 1");
    e = assertThrows(IllegalArgumentException.class,
        () -> f.valueAndGradient(new double[1], new double[2]));
    assertThat(e).hasMessageThat().isEqualTo("f: expected a point of length 2 (and a gradient"
        + " buffer as long), but the point has length 1 and the gradient buffer 2");
  }

  @Test
  void aRuleWithAVoidResidualHasSecondOrder() {
    for (double x : new double[] {-1.5, 0.25, 2.0}) {
      assertThat(SecondOrderVjpRulesAdjoint.scaleHessian(x)[0][0]).isEqualTo(0.0);
      assertThat(SecondOrderVjpRulesAdjoint.scaleCallerGrad(x).x()).isWithin(1e-12).of(9 * x * x);
      assertThat(SecondOrderVjpRulesAdjoint.scaleCallerHessian(x)[0][0])
          .isWithin(1e-12).of(18 * x);
      assertThat(SecondOrderVjpRulesAdjoint.scaleCallerHvpAt(x).apply(0.5).x())
          .isWithin(1e-12).of(9 * x);
    }
  }
}

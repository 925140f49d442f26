package dev.adjoint.tests;

import static com.google.common.truth.Truth.assertThat;

import dev.adjoint.runtime.GradCheck;
import org.junit.jupiter.api.Test;

/** Instance methods against closed forms, in every generated form. */
final class InstanceMethodsTest {

  @Test
  void aFinalClassesMethodTakesItsReceiverFirst() {
    InstanceMethods m = new InstanceMethods(1.5, 0.25);
    double x = 0.7;
    double[] w = {0.3, -1.2, 2.0};
    double sw2 = 0.09 + 1.44 + 4.0;
    // loss = scale^2 x^2 sum w^2 + offset
    var vg = InstanceMethodsAdjoint.lossValueAndGrad(m, x, w);
    assertThat(vg.value()).isEqualTo(m.loss(x, w));
    assertThat(vg.grad().x()).isWithin(1e-12).of(2 * 1.5 * 1.5 * x * sw2);
    for (int i = 0; i < 3; i++) {
      assertThat(vg.grad().w()[i]).isWithin(1e-12).of(2 * 1.5 * 1.5 * x * x * w[i]);
    }
    var jvp = InstanceMethodsAdjoint.lossJvp(m, x, w, 1.0, null);
    assertThat(jvp.value()).isEqualTo(m.loss(x, w));
    assertThat(jvp.tangent()).isWithin(1e-12).of(vg.grad().x());
    assertThat(GradCheck.defaults().check(InstanceMethodsAdjoint.squaredFunction(m), 0.8)
        .passed()).isTrue();
  }

  @Test
  void aFieldChangedAfterTheForwardSweepDoesNotChangeThePullback() {
    InstanceMethods m = new InstanceMethods(2.0, 0.0);
    var vjp = InstanceMethodsAdjoint.squaredVjp(m, 3.0);
    m.scale = 100.0;
    assertThat(vjp.pullback(1.0).y()).isEqualTo(2 * 3.0 * 2.0);
    assertThat(InstanceMethodsAdjoint.squaredGrad(m, 3.0).y()).isEqualTo(2 * 3.0 * 100.0);
  }

  @Test
  void aStaticMethodCallsAnInstanceMethodOfAParameter() {
    InstanceMethods m = new InstanceMethods(0.5, 0.0);
    // outside = scale x^3
    assertThat(InstanceMethodsAdjoint.outsideGrad(m, 2.0).x()).isWithin(1e-12).of(1.5 * 4.0);
    assertThat(InstanceMethodsAdjoint.outsideJvp(m, 2.0, 1.0).tangent())
        .isWithin(1e-12).of(1.5 * 4.0);
  }

  @Test
  void recordsAndEnumsHaveDifferentiableInstanceMethods() {
    var line = new InstanceMethods.Line(2.0, -1.0);
    double r = 2.0 * 1.5 - 1.0 - 0.5;
    var g = InstanceMethods_LineAdjoint.residualGrad(line, 1.5, 0.5);
    assertThat(g.x()).isWithin(1e-12).of(2 * r * 2.0);
    assertThat(g.y()).isWithin(1e-12).of(-2 * r);
    assertThat(InstanceMethods_ActivationAdjoint.applyGrad(InstanceMethods.Activation.CUBE, 2.0)
        .x()).isEqualTo(12.0);
    assertThat(InstanceMethods_ActivationAdjoint.applyGrad(InstanceMethods.Activation.SQUARE, 2.0)
        .x()).isEqualTo(4.0);
  }

  private static double sumOfSquares(double[] t, double[] y, int[] order, double[][] w,
      double a, double b) {
    double s = 0;
    for (int i : order) {
      double r = a * Math.exp(-b * t[i]) - y[i];
      s += w[i][0] * r * r;
    }
    return s;
  }

  @Test
  void aCurveFitReadsTheArrayFieldsOfItsObject() {
    double[] t = {0.0, 0.5, 1.0, 1.5};
    double[] y = {2.0, 1.3, 0.8, 0.5};
    int[] order = {3, 0, 2, 1, 2};
    double[][] w = {{1.0}, {0.5, 9.0}, {2.0}, {1.5}};
    var fit = new InstanceMethods.CurveFit(t, y, order, w);
    double a = 1.7;
    double b = 0.6;
    double ga = 0;
    double gb = 0;
    for (int i : order) {
      double e = Math.exp(-b * t[i]);
      double r = a * e - y[i];
      ga += w[i][0] * 2 * r * e;
      gb += w[i][0] * 2 * r * (-a * t[i] * e);
    }
    var g = InstanceMethods_CurveFitAdjoint.sumOfSquaresValueAndGrad(fit, a, b);
    assertThat(g.value()).isWithin(1e-12).of(sumOfSquares(t, y, order, w, a, b));
    assertThat(g.grad().a()).isWithin(1e-10).of(ga);
    assertThat(g.grad().b()).isWithin(1e-10).of(gb);
    var jvp = InstanceMethods_CurveFitAdjoint.sumOfSquaresJvp(fit, a, b, 0.0, 1.0);
    assertThat(jvp.tangent()).isWithin(1e-10).of(gb);
    double sumY = 2.0 + 1.3 + 0.8 + 0.5;
    var p = InstanceMethods_CurveFitAdjoint.penalisedGrad(fit, a, b);
    assertThat(p.a()).isWithin(1e-10).of(ga + sumY);
    assertThat(p.b()).isWithin(1e-10).of(gb + 4);
    assertThat(GradCheck.defaults()
        .check(InstanceMethods_CurveFitAdjoint.penalisedFunction(fit), a, b).passed()).isTrue();
  }

  @Test
  void anArrayFieldChangedAfterTheForwardSweepDoesNotChangeThePullback() {
    double[] t = {0.0, 0.5, 1.0, 1.5};
    double[] y = {2.0, 1.3, 0.8, 0.5};
    double[][] w = {{1.0}, {0.5}, {2.0}, {1.5}};
    var fit = new InstanceMethods.CurveFit(t, y, new int[] {0, 1, 2, 3}, w);
    var vjp = InstanceMethods_CurveFitAdjoint.penalisedVjp(fit, 1.7, 0.6);
    var before = InstanceMethods_CurveFitAdjoint.penalisedGrad(fit, 1.7, 0.6);
    // Elements of every array field the pullbacks read (its own and its callee's), and a field
    // reassigned: the Vjp keeps what the forward sweep read.
    y[0] = 100.0;
    t[1] = 7.0;
    w[2][0] = -3.0;
    fit.y = new double[] {5.0, 5.0};
    var after = vjp.pullback(1.0);
    assertThat(after.a()).isEqualTo(before.a());
    assertThat(after.b()).isEqualTo(before.b());
  }

  @Test
  void aRecordReadsItsArrayComponent() {
    var p = new InstanceMethods.Polynomial(new double[] {1.0, -2.0, 0.5, 3.0});
    double x = 0.8;
    // p'(x) = -2 + x + 9 x^2
    assertThat(InstanceMethods_PolynomialAdjoint.atGrad(p, x).x())
        .isWithin(1e-12).of(-2 + x + 9 * x * x);
    assertThat(InstanceMethods_PolynomialAdjoint.atJvp(p, x, 1.0).tangent())
        .isWithin(1e-12).of(-2 + x + 9 * x * x);
  }

  @Test
  void aStaticTableIsReadAsItWasWhenTheVjpWasTaken() {
    double[] w = InstanceMethods.Quadrature.WEIGHTS;
    double[] saved = w.clone();
    try {
      double x = 0.4;
      double dx = 0;
      for (int i = 0; i < 3; i++) {
        dx += w[i] * (i + 1) * Math.cos((i + 1) * x);
      }
      assertThat(InstanceMethods_QuadratureAdjoint.seriesGrad(x).x()).isWithin(1e-12).of(dx);
      var vjp = InstanceMethods_QuadratureAdjoint.seriesVjp(x);
      w[0] = 100.0;
      assertThat(vjp.pullback(1.0).x()).isWithin(1e-12).of(dx);
      assertThat(InstanceMethods_QuadratureAdjoint.seriesGrad(x).x())
          .isWithin(1e-9).of(dx + (100.0 - 0.5) * Math.cos(x));
    } finally {
      System.arraycopy(saved, 0, w, 0, saved.length);
    }
  }
}

package dev.adjoint.tests;

import static com.google.common.truth.Truth.assertThat;

import dev.adjoint.runtime.GradCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Private fields read through VarHandles, against closed forms, in every generated form. */
final class PrivateFieldsTest {
  private static final double[] W = {1.5, -0.5, 2.0};
  private static final double BIAS = 0.3;
  private static final double K = 1.25;
  private static final double[] X = {0.4, -0.7, 1.1};

  @AfterEach
  void restoreScale() {
    PrivateFields.setScale(Math.sqrt(2.0));
  }

  /** The gradient of {@code loss} at {@code x} for the model's data {@code w, bias, k}. */
  private static double[] lossGradient(double[] w, double bias, double k, double[] x) {
    double[] g = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      g[i] = (2 * w[i] * x[i] * PrivateFields.scale() + PrivateFields.offset(i)) * k;
    }
    g[0] += Math.cos(bias * x[0]) * bias;
    return g;
  }

  @Test
  void everyFormReadsThePrivateFields() {
    var m = new PrivateFields.Model(W.clone(), BIAS, K);
    double[] expected = lossGradient(W, BIAS, K, X);
    var vg = PrivateFields_ModelAdjoint.lossValueAndGrad(m, X);
    assertThat(vg.value()).isEqualTo(m.loss(X));
    for (int i = 0; i < X.length; i++) {
      assertThat(vg.grad().x()[i]).isWithin(1e-12).of(expected[i]);
    }
    var ws = PrivateFields_ModelAdjoint.lossWorkspace();
    for (int call = 0; call < 2; call++) {
      assertThat(ws.valueAndGrad(m, X)).isEqualTo(vg.value());
      assertThat(ws.x()).usingTolerance(1e-12).containsExactly(expected).inOrder();
    }
    double[] v = {0.2, -1.0, 0.5};
    double dot = 0;
    for (int i = 0; i < X.length; i++) {
      dot += expected[i] * v[i];
    }
    var jvp = PrivateFields_ModelAdjoint.lossJvp(m, X, v);
    assertThat(jvp.value()).isEqualTo(m.loss(X));
    assertThat(jvp.tangent()).isWithin(1e-12).of(dot);
    assertThat(GradCheck.defaults().check(PrivateFields_ModelAdjoint.lossFunction(X.length, m), X)
        .passed()).isTrue();
  }

  @Test
  void aStaticPrivateFieldIsReadWhenAMemberRuns() {
    var m = new PrivateFields.Model(W.clone(), BIAS, K);
    PrivateFields.setScale(3.0);
    double[] expected = lossGradient(W, BIAS, K, X);
    assertThat(PrivateFields_ModelAdjoint.lossGrad(m, X).x())
        .usingTolerance(1e-12).containsExactly(expected).inOrder();
  }

  @Test
  void privateFieldsChangedAfterTheForwardSweepDoNotChangeThePullback() {
    var m = new PrivateFields.Model(W.clone(), BIAS, K);
    double[] expected = lossGradient(W, BIAS, K, X);
    var vjp = PrivateFields_ModelAdjoint.lossVjp(m, X);
    m.set(5.0, -2.0);
    assertThat(vjp.pullback(1.0).x()).usingTolerance(1e-12).containsExactly(expected).inOrder();
    // and a new gradient reads the new values
    assertThat(PrivateFields_ModelAdjoint.lossGrad(m, X).x()).usingTolerance(1e-12)
        .containsExactly(lossGradient(W, 5.0, -2.0, X)).inOrder();
  }

  @Test
  void secondOrderReadsPrivateFieldsOfTheReceiverAndAParameter() {
    var m = new PrivateFields.Model(W.clone(), BIAS, K);
    var other = new PrivateFields.Model(W.clone(), 0.8, 0.0);
    double x = 0.6;
    // d2/dx2 = 6 other.bias x - k sin(x)
    double h = 6 * 0.8 * x - K * Math.sin(x);
    assertThat(PrivateFields_ModelAdjoint.curvedHvp(m, x, other, 1.0).hvp().x())
        .isWithin(1e-12).of(h);
    var at = PrivateFields_ModelAdjoint.curvedHvpAt(m, x, other);
    other.set(10.0, 0.0);
    m.set(BIAS, 7.0);
    // made at the point: later writes change none of its products
    assertThat(at.apply(2.0).x()).isWithin(1e-12).of(2 * h);
    assertThat(PrivateFields_ModelAdjoint.curvedHvp(m, x, other, 1.0).hvp().x())
        .isWithin(1e-12).of(6 * 10.0 * x - 7.0 * Math.sin(x));
  }

  @Test
  void superReadsTheBaseClasssFieldsThatTheClassHides() {
    var d = new PrivateFields.Derived();
    double x = 0.7;
    assertThat(PrivateFields_DerivedAdjoint.fValueAndGrad(d, x).value()).isEqualTo(d.f(x));
    assertThat(PrivateFields_DerivedAdjoint.fGrad(d, x).x()).isWithin(1e-12).of(4 * x + 3 + 5);
    assertThat(PrivateFields_DerivedAdjoint.fJvp(d, x, 2.0).tangent())
        .isWithin(1e-12).of(2 * (4 * x + 3 + 5));
  }

  @Test
  void privateFieldsOfAGenericClassReadThroughAWildcard() {
    var bag = new PrivateFields.Bag<>(1.5, java.util.List.of(4.0, 5.0, 6.0));
    double x = -0.4;
    assertThat(PrivateFieldsAdjoint.sizedValueAndGrad(x, bag).value())
        .isEqualTo(PrivateFields.sized(x, bag));
    assertThat(PrivateFieldsAdjoint.sizedGrad(x, bag).x()).isWithin(1e-12).of(3 * x + 3);
  }

  @Test
  void protectedFieldsOfABaseInAnotherPackage() {
    var c = new PrivateFields.Curve();
    double x = 1.3;
    var vjp = PrivateFields_CurveAdjoint.fVjp(c, x);
    c.setScale(10.0);
    assertThat(vjp.pullback(1.0).x()).isWithin(1e-12).of(2 * 1.5 * x + 0.25);
    assertThat(PrivateFields_CurveAdjoint.fGrad(c, x).x()).isWithin(1e-12).of(2 * 10 * x + 0.25);
  }
}

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
}

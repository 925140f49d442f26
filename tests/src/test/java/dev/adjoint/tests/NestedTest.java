package dev.adjoint.tests;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import java.util.Random;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * Gradients inside differentiated code ({@link Nested}, issue 12): Siskind and Pearlmutter's
 * perturbation-confusion test in all four compositions, gradient descent differentiated with
 * respect to its start against a closed form, and nested gradients through loops and a custom
 * rule against central differences, forward mode against reverse.
 */
final class NestedTest {

  private static final double[] POINTS = {-3.5, -1, -0.25, 0, 0.5, 1, 2, 17.25};

  // ------------------------------------------------ Siskind and Pearlmutter: exactly 1

  @Test
  void reverseOverGradIsOne() {
    for (double x : POINTS) {
      assertWithMessage("x = %s", x).that(NestedAdjoint.perturbationGrad(x).x()).isEqualTo(1.0);
      assertWithMessage("x = %s", x).that(NestedAdjoint.perturbationAtXGrad(x).x())
          .isEqualTo(1.0);
      assertWithMessage("x = %s", x)
          .that(NestedAdjoint.perturbationByValueAndGradGrad(x).x()).isEqualTo(1.0);
    }
  }

  @Test
  void forwardOverGradIsOne() {
    for (double x : POINTS) {
      assertWithMessage("x = %s", x).that(NestedAdjoint.perturbationJvp(x, 1.0).tangent())
          .isEqualTo(1.0);
      assertWithMessage("x = %s", x).that(NestedAdjoint.perturbationAtXJvp(x, 1.0).tangent())
          .isEqualTo(1.0);
      assertWithMessage("x = %s", x)
          .that(NestedAdjoint.perturbationByValueAndGradJvp(x, 1.0).tangent()).isEqualTo(1.0);
    }
  }

  @Test
  void reverseOverJvpIsOne() {
    for (double x : POINTS) {
      assertWithMessage("x = %s", x).that(NestedAdjoint.perturbationByJvpGrad(x).x())
          .isEqualTo(1.0);
    }
  }

  @Test
  void forwardOverJvpIsOne() {
    for (double x : POINTS) {
      assertWithMessage("x = %s", x)
          .that(NestedAdjoint.perturbationByJvpJvp(x, 1.0).tangent()).isEqualTo(1.0);
    }
  }

  @Test
  void valuesAreThePrimalsBitForBit() {
    for (double x : POINTS) {
      assertThat(NestedAdjoint.perturbationValueAndGrad(x).value())
          .isEqualTo(Nested.perturbation(x));
      assertThat(NestedAdjoint.perturbationByJvpJvp(x, 1.0).value())
          .isEqualTo(Nested.perturbationByJvp(x));
      assertThat(NestedAdjoint.descendBowlJvp(x / 10, 0.3, 4, 0.1, 1.0, 0.0, 0.0).value())
          .isEqualTo(Nested.descendBowl(x / 10, 0.3, 4, 0.1));
      assertThat(NestedAdjoint.descendBowlValueAndGrad(x / 10, 0.3, 4, 0.1).value())
          .isEqualTo(Nested.descendBowl(x / 10, 0.3, 4, 0.1));
    }
  }

  // ------------------------------------------------ gradient descent in a loop

  /**
   * On the quadratic bowl with Hessian A, a step is z ← (I − rA) z, so after n steps the result
   * (1, 2)·zₙ has gradient (I − rA)ⁿ (1, 2) with respect to the start.
   */
  @Test
  void descentOnAQuadraticIsTheClosedForm() {
    Random random = new Random(41);
    for (int steps : new int[] {0, 1, 2, 5, 12}) {
      for (double rate : new double[] {0.05, 0.2, 0.45}) {
        double x = 4 * random.nextDouble() - 2;
        double y = 4 * random.nextDouble() - 2;
        double[][] m = {{1 - 3 * rate, -0.5 * rate}, {-0.5 * rate, 1 - rate}};
        double[] w = {1, 2};
        for (int k = 0; k < steps; k++) {
          w = new double[] {m[0][0] * w[0] + m[0][1] * w[1], m[1][0] * w[0] + m[1][1] * w[1]};
        }
        NestedAdjoint.DescendQuadGrad g = NestedAdjoint.descendQuadGrad(x, y, steps, rate);
        String at = "steps " + steps + ", rate " + rate;
        assertWithMessage(at).that(g.x()).isWithin(1e-12).of(w[0]);
        assertWithMessage(at).that(g.y()).isWithin(1e-12).of(w[1]);
        assertWithMessage(at).that(g.rate()).isWithin(1e-6).of(
            central(r -> Nested.descendQuad(x, y, steps, r), rate));
        NestedAdjoint.DescendQuadJvp jx = NestedAdjoint.descendQuadJvp(x, y, steps, rate, 1, 0, 0);
        NestedAdjoint.DescendQuadJvp jy = NestedAdjoint.descendQuadJvp(x, y, steps, rate, 0, 1, 0);
        assertWithMessage(at).that(jx.tangent()).isWithin(1e-12).of(w[0]);
        assertWithMessage(at).that(jy.tangent()).isWithin(1e-12).of(w[1]);
      }
    }
  }

  @Test
  void descentOnABowlAgainstDifferencesAndForwardMode() {
    Random random = new Random(42);
    for (int trial = 0; trial < 40; trial++) {
      double x = 1.6 * random.nextDouble() - 0.8;
      double y = 1.6 * random.nextDouble() - 0.8;
      int steps = 1 + trial % 6;
      double rate = 0.02 + 0.1 * random.nextDouble();
      NestedAdjoint.DescendBowlGrad g = NestedAdjoint.descendBowlGrad(x, y, steps, rate);
      String at = "trial " + trial;
      assertClose(at + " x", g.x(), central(t -> Nested.descendBowl(t, y, steps, rate), x));
      assertClose(at + " y", g.y(), central(t -> Nested.descendBowl(x, t, steps, rate), y));
      assertClose(at + " rate", g.rate(),
          central(t -> Nested.descendBowl(x, y, steps, t), rate));
      double u = random.nextGaussian();
      double v = random.nextGaussian();
      double w = random.nextGaussian();
      double jvp = NestedAdjoint.descendBowlJvp(x, y, steps, rate, u, v, w).tangent();
      assertWithMessage(at).that(jvp).isWithin(1e-10 * (1 + Math.abs(jvp)))
          .of(g.x() * u + g.y() * v + g.rate() * w);
    }
  }

  // ------------------------------------------------ gJvp with varying directions, a rule

  @Test
  void directionalDerivativeAgainstDifferencesAndForwardMode() {
    Random random = new Random(43);
    for (int trial = 0; trial < 40; trial++) {
      double[] p = new double[4];
      for (int i = 0; i < 4; i++) {
        p[i] = 2 * random.nextDouble() - 1;
      }
      NestedAdjoint.DirectionalGrad g = NestedAdjoint.directionalGrad(p[0], p[1], p[2], p[3]);
      double[] grad = {g.x(), g.y(), g.u(), g.v()};
      double[] dir = new double[4];
      double dot = 0;
      for (int i = 0; i < 4; i++) {
        int k = i;
        assertClose("trial " + trial + " component " + i, grad[i], central(t -> {
          double[] q = p.clone();
          q[k] = t;
          return Nested.directional(q[0], q[1], q[2], q[3]);
        }, p[i]));
        dir[i] = random.nextGaussian();
        dot += grad[i] * dir[i];
      }
      double jvp = NestedAdjoint.directionalJvp(p[0], p[1], p[2], p[3],
          dir[0], dir[1], dir[2], dir[3]).tangent();
      assertWithMessage("trial %s", trial).that(jvp).isWithin(1e-10 * (1 + Math.abs(dot)))
          .of(dot);
    }
  }

  @Test
  void throughACustomRuleAgainstDifferencesAndForwardMode() {
    Random random = new Random(44);
    for (int trial = 0; trial < 40; trial++) {
      double x = 2 * random.nextDouble() - 1;
      double y = 2 * random.nextDouble() - 1;
      NestedAdjoint.ThroughRuleGrad g = NestedAdjoint.throughRuleGrad(x, y);
      assertClose("x", g.x(), central(t -> Nested.throughRule(t, y), x));
      assertClose("y", g.y(), central(t -> Nested.throughRule(x, t), y));
      double u = random.nextGaussian();
      double v = random.nextGaussian();
      double jvp = NestedAdjoint.throughRuleJvp(x, y, u, v).tangent();
      assertWithMessage("trial %s", trial).that(jvp).isWithin(1e-10 * (1 + Math.abs(jvp)))
          .of(g.x() * u + g.y() * v);
    }
  }

  @Test
  void aVjpOfANestedGradientIsItsLinearisation() {
    NestedAdjoint.DescendBowlVjp vjp = NestedAdjoint.descendBowlVjp(0.3, -0.2, 3, 0.1);
    NestedAdjoint.DescendBowlGrad g = NestedAdjoint.descendBowlGrad(0.3, -0.2, 3, 0.1);
    NestedAdjoint.DescendBowlGrad twice = vjp.pullback(2.0);
    assertThat(vjp.value()).isEqualTo(Nested.descendBowl(0.3, -0.2, 3, 0.1));
    assertThat(twice.x()).isWithin(1e-14).of(2 * g.x());
    assertThat(twice.y()).isWithin(1e-14).of(2 * g.y());
    assertThat(vjp.pullback(2.0).x()).isEqualTo(twice.x()); // pullback changes nothing
  }

  @Test
  void anInstanceMethodWithIntAndNoDiffParameters() {
    Random random = new Random(45);
    for (int trial = 0; trial < 30; trial++) {
      NestedInner.Scaled s = new NestedInner.Scaled(0.5 + random.nextDouble());
      double x = 2 * random.nextDouble() - 1;
      double y = 2 * random.nextDouble() - 1;
      NestedAdjoint.InstanceGrad g = NestedAdjoint.instanceGrad(s, x, y);
      // The shift argument x * x is @NoDiff in energy: held constant, as stopGradient would.
      double hx = 1e-5;
      double ex = (instanceWithShift(s, x + hx, y, x * x) - instanceWithShift(s, x - hx, y, x * x))
          / (2 * hx);
      assertClose("x", g.x(), ex);
      assertClose("y", g.y(), central(t -> Nested.instance(s, x, t), y));
      double u = random.nextGaussian();
      double v = random.nextGaussian();
      double jvp = NestedAdjoint.instanceJvp(s, x, y, u, v).tangent();
      assertWithMessage("trial %s", trial).that(jvp).isWithin(1e-10 * (1 + Math.abs(jvp)))
          .of(g.x() * u + g.y() * v);
    }
  }

  /** {@link Nested#instance} with energy's shift argument fixed at {@code shift}. */
  private static double instanceWithShift(NestedInner.Scaled s, double x, double y, double shift) {
    return s.scale * NestedInner_ScaledAdjoint.energyGrad(s, x, 3, shift, y).x()
        + NestedInner_ScaledAdjoint.energyJvp(s, y, 2, 0.5, x, x, y).tangent();
  }

  @Test
  void aFunctionNameTakenByAMethodIsNotReused() {
    for (double x : POINTS) {
      // d/dx [x · f_x(x, ½)] with f = x² sin y + e^(0.3xy) + y⁴/4: f_x + x f_xx.
      double fx = 2 * x * Math.sin(0.5) + 0.15 * Math.exp(0.15 * x);
      double fxx = 2 * Math.sin(0.5) + 0.0225 * Math.exp(0.15 * x);
      assertClose("x = " + x, NestedAdjoint.bowlGradXGrad(x).x(), fx + x * fxx);
      assertClose("x = " + x, NestedAdjoint.bowlGradXJvp(x, 1).tangent(), fx + x * fxx);
    }
  }

  @Test
  void theWorkspaceAgreesWithTheGradient() {
    NestedAdjoint.DescendBowlWorkspace w = NestedAdjoint.descendBowlWorkspace();
    Random random = new Random(46);
    for (int trial = 0; trial < 10; trial++) {
      double x = random.nextDouble() - 0.5;
      double y = random.nextDouble() - 0.5;
      double value = w.valueAndGrad(x, y, 3, 0.1);
      NestedAdjoint.DescendBowlGrad g = NestedAdjoint.descendBowlGrad(x, y, 3, 0.1);
      assertThat(value).isEqualTo(Nested.descendBowl(x, y, 3, 0.1));
      assertThat(w.x()).isEqualTo(g.x());
      assertThat(w.y()).isEqualTo(g.y());
    }
  }

  // ------------------------------------------------ array parameters

  @Test
  void arrayGradientsAgainstDifferencesAndForwardMode() {
    Random random = new Random(47);
    for (int trial = 0; trial < 20; trial++) {
      int n = 2 + trial % 4;
      double[] x = new double[n];
      double[] v = new double[n];
      double[] u = new double[n];
      double[] w = new double[n];
      for (int i = 0; i < n; i++) {
        x[i] = random.nextDouble() * 1.6 - 0.8;
        v[i] = random.nextGaussian();
        u[i] = random.nextGaussian();
        w[i] = random.nextGaussian();
      }
      double rate = 0.01 + 0.02 * random.nextDouble();
      int steps = 1 + trial % 4;
      double[] step = NestedAdjoint.arrayStepGrad(x, rate).x();
      double[] descent = NestedAdjoint.arrayDescentGrad(x, steps, rate).start();
      NestedAdjoint.ArrayDirectionalGrad directional = NestedAdjoint.arrayDirectionalGrad(x, v);
      double stepDot = 0;
      double descentDot = 0;
      double directionalDot = 0;
      for (int i = 0; i < n; i++) {
        int k = i;
        String at = "trial " + trial + " i = " + i;
        assertClose(at + " step", step[i],
            central(t -> Nested.arrayStep(with(x, k, t), rate), x[i]));
        assertClose(at + " descent", descent[i],
            central(t -> Nested.arrayDescent(with(x, k, t), steps, rate), x[i]));
        assertClose(at + " directional x", directional.x()[i],
            central(t -> Nested.arrayDirectional(with(x, k, t), v), x[i]));
        assertClose(at + " directional v", directional.v()[i],
            central(t -> Nested.arrayDirectional(x, with(v, k, t)), v[i]));
        stepDot += step[i] * u[i];
        descentDot += descent[i] * u[i];
        directionalDot += directional.x()[i] * u[i] + directional.v()[i] * w[i];
      }
      assertThat(NestedAdjoint.arrayStepJvp(x, rate, u, 0.0).tangent())
          .isWithin(1e-10 * (1 + Math.abs(stepDot))).of(stepDot);
      assertThat(NestedAdjoint.arrayDescentJvp(x, steps, rate, u, 0.0).tangent())
          .isWithin(1e-10 * (1 + Math.abs(descentDot))).of(descentDot);
      assertThat(NestedAdjoint.arrayDirectionalJvp(x, v, u, w).tangent())
          .isWithin(1e-10 * (1 + Math.abs(directionalDot))).of(directionalDot);
      // A null tangent array is zeros.
      assertThat(NestedAdjoint.arrayDirectionalJvp(x, v, null, w).tangent()).isWithin(1e-10)
          .of(directionalDot - dot(directional.x(), u));
    }
  }

  @Test
  void anArrayVjpKeepsItsPointWhenTheCallerWritesIt() {
    double[] x = {0.3, -0.4, 0.5};
    NestedAdjoint.ArrayStepVjp vjp = NestedAdjoint.arrayStepVjp(x, 0.05);
    double[] before = NestedAdjoint.arrayStepGrad(x, 0.05).x();
    double value = Nested.arrayStep(x, 0.05);
    x[0] = 7;
    assertThat(vjp.value()).isEqualTo(value);
    assertThat(vjp.pullback(1.0).x()).usingExactEquality().containsExactly(before[0], before[1],
        before[2]).inOrder();
  }

  @Test
  void anArrayPassedAsPointAndDirection() {
    Random random = new Random(48);
    for (int trial = 0; trial < 10; trial++) {
      double[] x = new double[3 + trial % 3];
      for (int i = 0; i < x.length; i++) {
        x[i] = random.nextDouble() * 1.6 - 0.8;
      }
      // d/dx [∇f(x)·x] = H x + ∇f(x).
      double[] expected = NestedInnerAdjoint.rosenHvp(x, x).hvp().x();
      double[] grad = NestedInnerAdjoint.rosenGrad(x).x();
      double[] actual = NestedAdjoint.selfDirectionalGrad(x).x();
      for (int i = 0; i < x.length; i++) {
        assertClose("trial " + trial + " i = " + i, actual[i], expected[i] + grad[i]);
      }
    }
  }

  @Test
  void theJacobianOfANestedGradientIsTheHessian() {
    Random random = new Random(49);
    for (int trial = 0; trial < 10; trial++) {
      double x = random.nextDouble() * 2 - 1;
      double y = random.nextDouble() * 2 - 1;
      double[][] hessian = NestedInnerAdjoint.bowlHessian(x, y);
      double[][] jacobian = NestedAdjoint.bowlGradientJacobian(x, y);
      for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 2; j++) {
          assertClose("trial " + trial + " (" + i + ", " + j + ")", jacobian[i][j],
              hessian[i][j]);
        }
      }
    }
  }

  private static double[] with(double[] a, int i, double value) {
    double[] out = a.clone();
    out[i] = value;
    return out;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private static double central(ToDoubleFunction<Double> f, double at) {
    double h = 1e-5 * Math.max(1, Math.abs(at));
    return (f.applyAsDouble(at + h) - f.applyAsDouble(at - h)) / (2 * h);
  }

  private static void assertClose(String what, double actual, double expected) {
    assertWithMessage(what).that(actual).isWithin(1e-6 * (1 + Math.abs(expected)))
        .of(expected);
  }

  @Test
  void aFirstOrderGradientAtDataIsAConstant() {
    for (double[] p : new double[][] {{0.7, 1.3}, {-2.0, 0.5}}) {
      double x = p[0];
      double y = p[1];
      var vg = NestedAdjoint.gradientAtDataValueAndGrad(x, y);
      assertThat(vg.value()).isWithin(1e-12).of(x * 3 * y * y + 12);
      assertThat(vg.grad().x()).isWithin(1e-12).of(3 * y * y);
      assertThat(NestedAdjoint.gradientAtDataJvp(x, y, 1.0).tangent())
          .isWithin(1e-12).of(3 * y * y);
    }
  }
}

package dev.adjoint.tests;

import static com.google.common.truth.Truth.assertThat;

import org.junit.jupiter.api.Test;

/** Calls of differentiable varargs methods (issue 9): values and closed-form gradients. */
final class VarargsTest {

  private static final double[][] POINTS = {
    {1.5, -2.0, 0.5}, {-0.75, 0.25, 3.0}, {0.0, 1.0, -1.0},
  };

  @Test
  void variableArgumentsNoneAndBesideFixedParameters() {
    for (double[] p : POINTS) {
      double a = p[0];
      double b = p[1];
      double c = p[2];
      double value = a * a + 4 * b * b + c * c + a * a + b * (a + c) + 0 + a * a + 1;
      var vg = VarargsAdjoint.callsValueAndGrad(a, b, c);
      assertThat(vg.value()).isEqualTo(Varargs.calls(a, b, c));
      assertThat(vg.value()).isWithin(1e-12).of(value);
      assertThat(vg.grad().a()).isWithin(1e-12).of(6 * a + b);
      assertThat(vg.grad().b()).isWithin(1e-12).of(8 * b + a + c);
      assertThat(vg.grad().c()).isWithin(1e-12).of(2 * c + b);
      var ws = VarargsAdjoint.callsWorkspace();
      assertThat(ws.valueAndGrad(a, b, c)).isEqualTo(vg.value());
      assertThat(ws.a()).isEqualTo(vg.grad().a());
      assertThat(VarargsAdjoint.callsVjp(a, b, c).pullback(2.0).c())
          .isWithin(1e-12).of(2 * (2 * c + b));
    }
  }

  @Test
  void theVarargsMethodsTakeAnExplicitArray() {
    double[] x = {0.5, -1.5, 2.0, 0.25};
    var vg = VarargsAdjoint.explicitValueAndGrad(x);
    double value = 0;
    for (double v : x) {
      value += v * v + 2 * v;
    }
    assertThat(vg.value()).isWithin(1e-12).of(value);
    for (int i = 0; i < x.length; i++) {
      assertThat(vg.grad().x()[i]).isWithin(1e-12).of(2 * x[i] + 2);
    }
    // The varargs method's own generated API, called with an array.
    assertThat(VarargsAdjoint.squaresGrad(x).xs()).usingTolerance(1e-12)
        .containsExactly(2 * x[0], 2 * x[1], 2 * x[2], 2 * x[3]).inOrder();
    var ws = VarargsAdjoint.scaledSumWorkspace();
    assertThat(ws.valueAndGrad(3.0, x)).isWithin(1e-12).of(3 * (0.5 - 1.5 + 2.0 + 0.25));
    assertThat(ws.xs()).usingTolerance(1e-12).containsExactly(3.0, 3.0, 3.0, 3.0).inOrder();
    assertThat(VarargsAdjoint.squaresGrad(new double[0]).xs()).isEmpty();
  }

  @Test
  void varargsCallsInsideBranches() {
    var taken = VarargsAdjoint.inBranchesValueAndGrad(1.5, -2.0);
    assertThat(taken.value()).isWithin(1e-12).of(2.25 + 4.0);
    assertThat(taken.grad().a()).isWithin(1e-12).of(3.0);
    assertThat(taken.grad().b()).isWithin(1e-12).of(-4.0);
    var other = VarargsAdjoint.inBranchesValueAndGrad(-1.5, -2.0);
    assertThat(other.value()).isWithin(1e-12).of(-6.0);
    assertThat(other.grad().a()).isEqualTo(0.0);
    assertThat(other.grad().b()).isWithin(1e-12).of(3.0);
  }

  @Test
  void aVarargsCallInAForLoopsInitializer() {
    var vg = VarargsAdjoint.forInitializerValueAndGrad(1.5, -2.0);
    assertThat(vg.value()).isWithin(1e-12).of(3 * (2.25 + 4.0));
    assertThat(vg.grad().a()).isWithin(1e-12).of(9.0);
    assertThat(vg.grad().b()).isWithin(1e-12).of(-12.0);
  }

  @Test
  void aRuleCalledWithVariableArguments() {
    double a = 3.0;
    double b = -4.0;
    var vg = VarargsAdjoint.ruleCallValueAndGrad(a, b);
    assertThat(vg.value()).isWithin(1e-12).of(15.0);
    assertThat(vg.grad().a()).isWithin(1e-12).of(3 * a / 5);
    assertThat(vg.grad().b()).isWithin(1e-12).of(3 * b / 5);
    assertThat(VarargsAdjoint.FromBody.normGrad(new double[] {a, b}).xs())
        .usingTolerance(1e-12).containsExactly(a / 5, b / 5).inOrder();
  }
}

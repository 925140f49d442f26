package dev.adjoint.tests;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.adjoint.runtime.DifferentiableFunction;
import dev.adjoint.runtime.GradCheck;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@code @CustomJvp} rules in both modes: forward mode is the rule; reverse mode is the transpose
 * of the rule's tangent map, checked against the rule itself (the dot-product test
 * {@code <u, J v> = <J^T u, v>}), against closed forms and against central differences; values
 * are the rule's, bit for bit.
 */
final class JvpRulesTest {
  private static final int POINTS = 100;

  private static double[] random(Random r, int n) {
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = 4 * r.nextDouble() - 2;
    }
    return out;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  /** GradCheck's one-line check of a rule: differences, the dot-product test, jvp against grad. */
  private static void passes(DifferentiableFunction f, long seed) {
    Random r = new Random(seed);
    for (int i = 0; i < POINTS; i++) {
      double[] point = random(r, f.dimension());
      GradCheck.Report report = GradCheck.defaults().check(f, point);
      assertThat(report.passed()).isTrue();
    }
  }

  @Test
  void scalarRulesPassGradCheckInBothModes() {
    passes(JvpRulesAdjoint.fFunction(), 1);
    passes(JvpRulesAdjoint.stableLog1pexpFunction(), 2);
    passes(JvpRulesAdjoint.twiceFFunction(), 3);
    passes(JvpRulesAdjoint.meanSquareFunction(5), 4);
  }

  @Test
  void closedFormsInBothModes() {
    Random r = new Random(5);
    for (int i = 0; i < POINTS; i++) {
      double x = 4 * r.nextDouble() - 2;
      double y = 4 * r.nextDouble() - 2;
      var grad = JvpRulesAdjoint.fGrad(x, y);
      assertThat(grad.x()).isEqualTo(Math.sin(y));
      assertThat(grad.y()).isWithin(1e-15).of(x * Math.cos(y));
      double xDot = r.nextGaussian();
      double yDot = r.nextGaussian();
      var jvp = JvpRulesAdjoint.fJvp(x, y, xDot, yDot);
      assertThat(jvp.value()).isEqualTo(JvpRules.f(x, y));
      assertThat(jvp.tangent())
          .isEqualTo(Math.sin(y) * xDot + x * Math.cos(y) * yDot);
      assertThat(JvpRulesAdjoint.fVjp(x, y).value()).isEqualTo(JvpRules.f(x, y));
      assertThat(JvpRulesAdjoint.reluGrad(x).x()).isEqualTo(x > 0 ? 1.0 : 0.0);
      assertThat(JvpRulesAdjoint.reluJvp(x, 3.0).tangent()).isEqualTo(x > 0 ? 3.0 : 0.0);
    }
    assertThat(JvpRulesAdjoint.reluGrad(0.0).x()).isEqualTo(0.0);
  }

  /** The stable rule where the derived derivative overflows: 1, not NaN, in both modes. */
  @Test
  void stableRuleHoldsWhereTheBodysDerivativeOverflows() {
    assertThat(JvpRulesAdjoint.stableLog1pexpGrad(1000).x()).isEqualTo(1.0);
    assertThat(JvpRulesAdjoint.stableLog1pexpJvp(1000, 2.0).tangent()).isEqualTo(2.0);
    assertThat(JvpRulesAdjoint.FromBody.stableLog1pexpGrad(1000).x()).isNaN();
    assertThat(JvpRulesAdjoint.FromBody.stableLog1pexpJvp(1000, 2.0).tangent()).isNaN();
    assertThat(JvpRulesAdjoint.stableLog1pexpGrad(-1000).x()).isEqualTo(0.0);
  }

  /** A rule that differs from its body on purpose: both modes, and callers, use the rule. */
  @Test
  void ruleWinsOverTheBodyInBothModes() {
    double x = 1.5;
    assertThat(JvpRulesAdjoint.cubeGrad(x).x()).isEqualTo(6 * x * x);
    assertThat(JvpRulesAdjoint.cubeJvp(x, 1.0).tangent()).isEqualTo(6 * x * x);
    assertThat(JvpRulesAdjoint.FromBody.cubeGrad(x).x()).isWithin(1e-14).of(3 * x * x);
    assertThat(JvpRulesAdjoint.FromBody.cubeJvp(x, 1.0).tangent()).isWithin(1e-14).of(3 * x * x);
    // GradCheck against differences finds the difference.
    assertThat(GradCheck.defaults().check(JvpRulesAdjoint.cubeFunction(), x).passed()).isFalse();
  }

  /** Reverse mode transposes the rule: <u, J v> by the rule equals <J^T u, v> by the pullback. */
  @Test
  void pullbackIsTheTransposeOfTheRule() {
    Random r = new Random(6);
    for (int i = 0; i < POINTS; i++) {
      int n = 1 + r.nextInt(6);
      double[] v = random(r, n);
      double a = r.nextGaussian();
      double[] vDot = random(r, n);
      double aDot = r.nextGaussian();
      double[] u = random(r, n);
      double[] jv = JvpRulesAdjoint.scaleJvp(v, 2.5, a, vDot, aDot).tangent();
      var back = JvpRulesAdjoint.scaleVjp(v, 2.5, a).pullback(u);
      double left = dot(u, jv);
      double right = dot(back.v(), vDot) + back.a() * aDot;
      assertThat(left).isWithin(1e-12 * (1 + Math.abs(left))).of(right);
      // The closed form: d/dv = c·a·u, d/da = c·<v, u>.
      for (int k = 0; k < n; k++) {
        assertThat(back.v()[k]).isWithin(1e-15 * (1 + Math.abs(a * u[k]))).of(2.5 * a * u[k]);
      }
      double[][] m = {random(r, 2), random(r, 3)};
      double[][] mDot = {random(r, 2), random(r, 3)};
      double jm = JvpRulesAdjoint.powerSumJvp(m, 3, mDot).tangent();
      var gm = JvpRulesAdjoint.powerSumGrad(m, 3).m();
      double tm = 0;
      for (int row = 0; row < m.length; row++) {
        tm += dot(gm[row], mDot[row]);
        for (int col = 0; col < m[row].length; col++) {
          assertThat(gm[row][col]).isWithin(1e-12).of(3 * m[row][col] * m[row][col]);
        }
      }
      assertThat(jm).isWithin(1e-12 * (1 + Math.abs(jm))).of(tm);
    }
  }

  /** Derived code through every rule: the gradient against differences, the JVP against it. */
  @Test
  void derivedCodeComposesRulesInBothModes() {
    Random r = new Random(8);
    double h = 1e-6;
    for (int i = 0; i < 20; i++) {
      double x = 2 * r.nextDouble() - 1;
      double y = 2 * r.nextDouble() - 1 + (x > 0 ? 0.5 : -0.5);
      double[] v = random(r, 4);
      double[][] m = {random(r, 3), random(r, 1)};
      var vg = JvpRulesAdjoint.lossValueAndGrad(x, y, v.clone(), m);
      assertThat(vg.value()).isEqualTo(JvpRules.loss(x, y, v.clone(), m));
      double dx = (JvpRules.loss(x + h, y, v, m) - JvpRules.loss(x - h, y, v, m)) / (2 * h);
      double dy = (JvpRules.loss(x, y + h, v, m) - JvpRules.loss(x, y - h, v, m)) / (2 * h);
      // cube's rule is 6y² where the body's derivative is 3y².
      double cubeExtra = 3 * y * y;
      assertThat(vg.grad().x()).isWithin(1e-5 * (1 + Math.abs(dx))).of(dx);
      assertThat(vg.grad().y()).isWithin(1e-5 * (1 + Math.abs(dy))).of(dy + cubeExtra);
      double[] vDot = random(r, 4);
      double[][] mDot = {random(r, 3), random(r, 1)};
      double xDot = r.nextGaussian();
      double yDot = r.nextGaussian();
      var jvp = JvpRulesAdjoint.lossJvp(x, y, v, m, xDot, yDot, vDot, mDot);
      assertThat(jvp.value()).isEqualTo(vg.value());
      double expected = vg.grad().x() * xDot + vg.grad().y() * yDot + dot(vg.grad().v(), vDot)
          + dot(vg.grad().m()[0], mDot[0]) + dot(vg.grad().m()[1], mDot[1]);
      assertThat(jvp.tangent()).isWithin(1e-10 * (1 + Math.abs(expected))).of(expected);
    }
  }

  @Test
  void arrayRuleJacobianNullTangentsAndSnapshots() {
    double[] v = {1, -2, 3};
    double[][] j = JvpRulesAdjoint.scaleJacobian(v, 2, 0.5);
    assertThat(j[1]).usingExactEquality().containsExactly(0, 1, 0, -4).inOrder();
    var jvp = JvpRulesAdjoint.scaleJvp(v, 2, 0.5, null, 1.0);
    assertThat(jvp.tangent()).usingExactEquality().containsExactly(2, -4, 6).inOrder();
    // A user's Vjp is a snapshot: later writes into v change neither its value nor its pullback.
    var vjp = JvpRulesAdjoint.scaleVjp(v, 2, 0.5);
    v[0] = 100;
    assertThat(vjp.value()).usingExactEquality().containsExactly(1, -2, 3).inOrder();
    assertThat(vjp.pullback(new double[] {1, 0, 0}).a()).isEqualTo(2.0);
    // The caller owns the arrays it gets: writing into them changes nothing the Vjp holds.
    vjp.value()[0] = 7;
    assertThat(vjp.value()[0]).isEqualTo(1.0);
  }

  @Test
  void tangentOfTheWrongLengthIsRefusedWithTheRulesName() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> JvpRulesAdjoint.wrongLengthJvp(new double[] {1, 2}, null));
    assertThat(e).hasMessageThat().contains("wrongLengthJvp");
    assertThat(e).hasMessageThat().contains("length 3");
  }
}

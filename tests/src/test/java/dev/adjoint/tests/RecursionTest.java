package dev.adjoint.tests;

import static com.google.common.truth.Truth.assertThat;

import dev.adjoint.runtime.GradCheck;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Recursive @Differentiable methods against closed forms, GradCheck and forward mode. */
final class RecursionTest {

  @Test
  void powerByRecursionHasTheDerivativeOfAPower() {
    Random r = new Random(5);
    for (int trial = 0; trial < 20; trial++) {
      double x = 2 * r.nextDouble() - 1;
      int n = r.nextInt(12);
      double expected = n == 0 ? 0 : n * Math.pow(x, n - 1);
      var vg = RecursionAdjoint.powerValueAndGrad(x, n);
      assertThat(vg.value()).isEqualTo(Recursion.power(x, n));
      assertThat(vg.grad().x()).isWithin(1e-12).of(expected);
      assertThat(RecursionAdjoint.powerJvp(x, n, 1).tangent()).isWithin(1e-12).of(expected);
      var ws = RecursionAdjoint.powerWorkspace();
      ws.valueAndGrad(x, n);
      assertThat(ws.x()).isWithin(1e-12).of(expected);
      assertThat(RecursionAdjoint.powerVjp(x, n).pullback(2).x()).isWithin(1e-12).of(2 * expected);
    }
  }

  /** The cofactor matrix of a 3 x 3 matrix, row-major: the gradient of its determinant. */
  private static double[] cofactors3(double[] a) {
    double[] c = new double[9];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        int r0 = (i + 1) % 3;
        int r1 = (i + 2) % 3;
        int c0 = (j + 1) % 3;
        int c1 = (j + 2) % 3;
        c[3 * i + j] = a[3 * r0 + c0] * a[3 * r1 + c1] - a[3 * r0 + c1] * a[3 * r1 + c0];
      }
    }
    return c;
  }

  @Test
  void determinantByLaplaceExpansionHasTheCofactorsAsGradient() {
    Random r = new Random(8);
    for (int trial = 0; trial < 10; trial++) {
      double[] a = new double[9];
      for (int i = 0; i < 9; i++) {
        a[i] = r.nextGaussian();
      }
      double[] expected = cofactors3(a);
      double det = a[0] * expected[0] + a[1] * expected[1] + a[2] * expected[2];
      var vg = RecursionAdjoint.detValueAndGrad(a, 3);
      assertThat(vg.value()).isWithin(1e-12).of(det);
      for (int i = 0; i < 9; i++) {
        assertThat(vg.grad().a()[i]).isWithin(1e-12).of(expected[i]);
      }
      double[] v = new double[9];
      double dot = 0;
      for (int i = 0; i < 9; i++) {
        v[i] = r.nextGaussian();
        dot += v[i] * expected[i];
      }
      assertThat(RecursionAdjoint.detJvp(a, 3, v).tangent()).isWithin(1e-12).of(dot);
    }
    // 5 x 5: four levels of recursion; Jacobi's formula by GradCheck (central differences and
    // forward against reverse)
    double[] a5 = new double[25];
    for (int i = 0; i < 25; i++) {
      a5[i] = r.nextGaussian();
    }
    GradCheck.Report report = GradCheck.defaults().check(RecursionAdjoint.detFunction(25, 5), a5);
    assertThat(report.passed()).isTrue();
  }

  @Test
  void mutualRecursionMatchesTheChainRule() {
    // even(x, 3) = odd(1.5x, 2) = even(2.25x^2, 1) = odd(3.375x^2, 0) = sin(3.375x^2)
    double x = 0.8;
    double expected = Math.cos(3.375 * x * x) * 6.75 * x;
    assertThat(RecursionAdjoint.evenGrad(x, 3).x()).isWithin(1e-12).of(expected);
    assertThat(RecursionAdjoint.evenJvp(x, 3, 1).tangent()).isWithin(1e-12).of(expected);
    assertThat(GradCheck.defaults().check(RecursionAdjoint.oddFunction(4), 0.6).passed()).isTrue();
  }

  @Test
  void anArrayResultByRecursionHasADiagonalJacobian() {
    double[] x = {1.1, -0.9, 0.5};
    double[][] jacobian = RecursionAdjoint.repeatedSquaresJacobian(x, 2);
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        assertThat(jacobian[i][j]).isWithin(1e-12).of(i == j ? 4 * Math.pow(x[i], 3) : 0);
      }
    }
    double[] cotangent = {1, 2, 3};
    double[] pulled = RecursionAdjoint.repeatedSquaresVjp(x, 2).pullback(cotangent).x();
    for (int i = 0; i < 3; i++) {
      assertThat(pulled[i]).isWithin(1e-12).of(cotangent[i] * 4 * Math.pow(x[i], 3));
    }
  }
}

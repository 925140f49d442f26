package dev.adjoint.tests;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Forward mode beyond scalar functions (those are checked for every subject of {@link
 * GeneratedGradientTest}): Jacobians against closed forms by either route, JVPs of array results
 * and matrices, null tangents as zeros, and a {@code @CustomVjp} rule's JVP.
 */
final class ForwardTest {
  private static final double[] P = {1.3, 0.4, 2.1, -0.3};

  private static double[] samples(int n) {
    double[] t = new double[n];
    for (int i = 0; i < n; i++) {
      t[i] = 5.0 * i / n;
    }
    return t;
  }

  /** 200 x 4: fewer inputs than outputs, so the pure residual takes the forward route. */
  @Test
  void residualJacobianIsTheClosedForm() {
    double[] t = samples(200);
    double[] observed = new double[200];
    var vj = ForwardAdjoint.residualValueAndJacobian(P.clone(), t, observed);
    assertThat(vj.value()).isEqualTo(Forward.residual(P.clone(), t, observed));
    double[][] j = vj.jacobian();
    assertThat(j.length).isEqualTo(200);
    for (int i = 0; i < 200; i++) {
      double e = Math.exp(-P[1] * t[i]);
      double c = Math.cos(P[2] * t[i] + P[3]);
      double s = Math.sin(P[2] * t[i] + P[3]);
      double[] expected = {
        e * c, -t[i] * P[0] * e * c, -t[i] * P[0] * e * s, -P[0] * e * s
      };
      for (int k = 0; k < 4; k++) {
        assertThat(j[i][k]).isWithin(1e-12 * (1 + Math.abs(expected[k]))).of(expected[k]);
      }
    }
    assertThat(ForwardAdjoint.residualJacobian(P.clone(), t, observed)).isEqualTo(j);
  }

  /** With as many outputs as inputs the Jacobian is made by pullbacks: the same numbers. */
  @Test
  void residualJacobianByRowsAgreesWithColumns() {
    double[] t = samples(4); // 4 x 4: rows (pullbacks) are taken
    double[] observed = {0.1, 0.2, 0.3, 0.4};
    double[][] rows = ForwardAdjoint.residualJacobian(P.clone(), t, observed);
    double[] t5 = {t[0], t[1], t[2], t[3], 4.5}; // 5 x 4: columns (forward sweeps)
    double[][] columns =
        ForwardAdjoint.residualJacobian(P.clone(), t5, new double[] {0.1, 0.2, 0.3, 0.4, 0});
    for (int i = 0; i < 4; i++) {
      for (int k = 0; k < 4; k++) {
        assertThat(columns[i][k]).isWithin(1e-13 * (1 + Math.abs(rows[i][k]))).of(rows[i][k]);
      }
    }
  }

  @Test
  void momentsJacobianByPullbacks() {
    double[] x = {0.5, -1.5, 2.0, 3.0, -0.25};
    double[][] j = ForwardAdjoint.momentsJacobian(x.clone());
    for (int i = 0; i < x.length; i++) {
      assertThat(j[0][i]).isEqualTo(1.0);
      assertThat(j[1][i]).isEqualTo(2 * x[i]);
    }
  }

  @Test
  void arrayResultJvpIsTheJacobianTimesTheDirection() {
    Random r = new Random(7);
    double[] t = samples(30);
    double[] observed = new double[30];
    double[][] j = ForwardAdjoint.residualJacobian(P.clone(), t, observed);
    for (int trial = 0; trial < 20; trial++) {
      double[] v = {r.nextGaussian(), r.nextGaussian(), r.nextGaussian(), r.nextGaussian()};
      var jvp = ForwardAdjoint.residualJvp(P.clone(), t, observed, v.clone());
      assertThat(jvp.value()).isEqualTo(Forward.residual(P.clone(), t, observed));
      for (int i = 0; i < 30; i++) {
        double expected = 0;
        for (int k = 0; k < 4; k++) {
          expected += j[i][k] * v[k];
        }
        assertThat(jvp.tangent()[i]).isWithin(1e-12 * (1 + Math.abs(expected))).of(expected);
      }
    }
  }

  @Test
  void nullTangentMeansZerosAndAWrongLengthIsAnError() {
    double[] t = samples(3);
    var jvp = ForwardAdjoint.residualJvp(P.clone(), t, new double[3], null);
    assertThat(jvp.tangent()).isEqualTo(new double[3]);
    assertThat(jvp.toString()).endsWith(", tangent=[0.0, 0.0, 0.0]]");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ForwardAdjoint.residualJvp(P.clone(), t, new double[3], new double[3]));
    assertThat(e).hasMessageThat().contains("a tangent of length 3 for an array of length 4");
  }

  @Test
  void matrixTangentsFlowIntoAnArrayResult() {
    double[][] m = {{1, 2}, {3, -4}, {0.5, 0}};
    double[][] dm = {{0.1, 0}, {0, 1}, {2, -1}};
    double s = 0.7;
    var jvp = ForwardAdjoint.rowSumsJvp(m, s, dm, 0.5);
    for (int i = 0; i < 3; i++) {
      double sq = 0;
      double dsq = 0;
      for (int k = 0; k < 2; k++) {
        sq += m[i][k] * m[i][k];
        dsq += 2 * m[i][k] * dm[i][k];
      }
      assertThat(jvp.tangent()[i]).isWithin(1e-14).of(0.5 * sq + s * dsq);
    }
    double[][] j = ForwardAdjoint.rowSumsJacobian(m, s);
    assertThat(j[1]).usingTolerance(1e-14).containsExactly(0, 0, 2 * s * 3, 2 * s * -4, 0, 0,
        25).inOrder();
  }

  /** A rule's JVP is its pullback's: 6x² here, not the body's 3x², and callers use it. */
  @Test
  void customVjpRuleGoesIntoForwardModeThroughItsPullback() {
    double x = 1.5;
    double y = -0.4;
    assertThat(ForwardAdjoint.cubeJvp(x, 2.0).tangent()).isEqualTo(2.0 * 6 * x * x);
    // FromBody.cubeJvp is the body's forward sweep, to check the rule against: 3x², not 6x².
    var fromBody = ForwardAdjoint.FromBody.cubeJvp(x, 2.0);
    assertThat(fromBody.value()).isEqualTo(Forward.cube(x));
    assertThat(fromBody.tangent()).isWithin(1e-14).of(2.0 * 3 * x * x);
    var jvp = ForwardAdjoint.usesCubeJvp(x, y, 1.0, 0.0);
    double u = x * x * x * y;
    assertThat(jvp.value()).isEqualTo(Forward.usesCube(x, y));
    assertThat(jvp.tangent()).isWithin(1e-12).of(Math.cos(u) * y * 6 * x * x);
    assertThat(jvp.tangent())
        .isWithin(1e-12).of(ForwardAdjoint.usesCubeGrad(x, y).x());
  }

  /**
   * {sqrt(y), x} at y = 0, whose Jacobian is {{0, Infinity}, {1, 0}}: by columns, the zero
   * tangent of y along x passes sqrt as exactly 0; by rows, so does the zero cotangent of sqrt(y)
   * in the row of x. Either way, no NaN.
   */
  @Test
  void jacobianWithAnInfiniteEntryIsTheSameByRowsAndByColumns() {
    double[][] rows = ForwardAdjoint.sqrtAndXJacobian(1.0, 0.0); // 2 x 2: by pullbacks
    assertThat(rows[0][0]).isEqualTo(0.0);
    assertThat(rows[0][1]).isPositiveInfinity();
    assertThat(rows[1][0]).isEqualTo(1.0);
    assertThat(rows[1][1]).isEqualTo(0.0);
    double[][] columns = {
      ForwardAdjoint.sqrtAndXJvp(1.0, 0.0, 1.0, 0.0).tangent(),
      ForwardAdjoint.sqrtAndXJvp(1.0, 0.0, 0.0, 1.0).tangent()
    };
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 2; j++) {
        assertThat(columns[j][i]).isEqualTo(rows[i][j]);
      }
    }
  }

  /**
   * {sqrt(y), x} at y = 0: the forward sweep's column for x carries a zero tangent through sqrt,
   * which contributes exactly 0, not 0 * Infinity.
   */
  @Test
  void zeroTangentThroughAnInfiniteDerivativeIsZero() {
    var alongX = ForwardAdjoint.sqrtAndXJvp(1.0, 0.0, 1.0, 0.0);
    assertThat(alongX.tangent()).isEqualTo(new double[] {0.0, 1.0});
    var alongY = ForwardAdjoint.sqrtAndXJvp(1.0, 0.0, 0.0, 1.0);
    assertThat(alongY.tangent()[0]).isPositiveInfinity();
    assertThat(alongY.tangent()[1]).isEqualTo(0.0);
  }
}

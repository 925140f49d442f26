package dev.adjoint.tests;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.adjoint.runtime.GradCheck;
import dev.adjoint.runtime.VectorFunction;
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

  // ------------------------------------------------------------------ vector mode

  /** The Jacobian's column k, from mJvp along the k-th unit direction (one sweep per column). */
  private static double[][] columnsOfExpand(double[] p, int m) {
    double[][] j = new double[m][p.length];
    for (int k = 0; k < p.length; k++) {
      double[] unit = new double[p.length];
      unit[k] = 1;
      double[] column = ForwardAdjoint.expandJvp(p.clone(), m, unit).tangent();
      for (int i = 0; i < m; i++) {
        j[i][k] = column[i];
      }
    }
    return j;
  }

  /**
   * With fewer inputs than outputs the Jacobian is one vector sweep (all columns at once), whose
   * column k is, bit for bit, the scalar sweep along the k-th unit direction; the value is the
   * primal's, and differences agree.
   */
  @Test
  void vectorSweepIsEveryColumnBitForBit() {
    Random r = new Random(31);
    for (int trial = 0; trial < 100; trial++) {
      int n = 1 + r.nextInt(4);
      int m = n + 1 + r.nextInt(12);
      double[] p = r.doubles(n, -1, 1).toArray();
      var vj = ForwardAdjoint.expandValueAndJacobian(p.clone(), m);
      assertThat(vj.value()).isEqualTo(Forward.expand(p.clone(), m));
      double[][] columns = columnsOfExpand(p, m);
      for (int i = 0; i < m; i++) {
        assertThat(vj.jacobian()[i]).isEqualTo(columns[i]);
      }
    }
    double[] p = {0.7, -0.4, 0.1};
    assertThat(GradCheck.defaults().check(ForwardAdjoint.expandVectorFunction(3, 10, 10), p)
        .passed()).isTrue();
    // As many outputs as inputs: by pullbacks, the same numbers to rounding.
    double[][] rows = ForwardAdjoint.expandJacobian(p.clone(), 3);
    double[][] columns = columnsOfExpand(p, 3);
    for (int i = 0; i < 3; i++) {
      for (int k = 0; k < 3; k++) {
        assertThat(rows[i][k]).isWithin(1e-14).of(columns[i][k]);
      }
    }
  }

  /**
   * {sqrt(y), x, x*y} at y = 0 in one vector sweep: the zero tangent of y along x's direction
   * contributes exactly 0 through sqrt's infinite derivative, as in the scalar sweep.
   */
  @Test
  void vectorSweepKeepsStructuralZeros() {
    double[][] j = ForwardAdjoint.sqrtXAndProductJacobian(3.0, 0.0);
    assertThat(j[0][0]).isEqualTo(0.0);
    assertThat(j[0][1]).isPositiveInfinity();
    assertThat(j[1]).isEqualTo(new double[] {1.0, 0.0});
    assertThat(j[2]).isEqualTo(new double[] {0.0, 3.0});
    double[][] at = ForwardAdjoint.sqrtXAndProductJacobian(3.0, 4.0);
    assertThat(at[0]).isEqualTo(new double[] {0.0, 0.25});
    assertThat(at[2]).isEqualTo(new double[] {4.0, 3.0});
  }

  /**
   * {x0 + x1, x1 / x0} at x0 = 0: the quotient's partials are infinite, but a zero direction or
   * seed contributes exactly 0, so row 0 is {1, 1} by the vector sweep, by pullbacks and by
   * columns, and a zero direction's JVP is zero.
   */
  @Test
  void zeroSeedsThroughADivisionByZeroContributeZero() {
    double[] x = {0.0, 1.0};
    double[][] j = ForwardAdjoint.quotientJacobian(x.clone()); // 2 inputs: the vector sweep
    assertThat(j[0]).isEqualTo(new double[] {1.0, 1.0});
    assertThat(j[1][0]).isNegativeInfinity();
    assertThat(j[1][1]).isPositiveInfinity();
    var vjp = ForwardAdjoint.quotientVjp(x.clone());
    assertThat(vjp.pullback(new double[] {1, 0}).x()).isEqualTo(new double[] {1.0, 1.0});
    assertThat(ForwardAdjoint.quotientJvp(x.clone(), new double[] {0, 0}).tangent())
        .isEqualTo(new double[] {0.0, 0.0});
    assertThat(ForwardAdjoint.quotientJvp(x.clone(), new double[] {0, 1}).tangent())
        .isEqualTo(new double[] {1.0, Double.POSITIVE_INFINITY});
    assertThat(ForwardAdjoint.quotientValueAndGrad(3).x()).isEqualTo(2.0); // its gradient
  }

  // ------------------------------------------------------------------ mVectorFunction

  /**
   * {@code residualVectorFunction}: the primal's value, {@code mValueAndJacobian}'s Jacobian (by
   * forward sweeps), {@code mJvp}'s tangent and {@code mVjp}'s pullback, over the point; the
   * caller's arrays untouched, and GradCheck (differences, forward against reverse, its own
   * Jacobian) passes.
   */
  @Test
  void residualVectorFunctionIsTheGeneratedDerivatives() {
    double[] t = samples(200);
    double[] observed = new double[200];
    observed[7] = 0.25;
    VectorFunction f = ForwardAdjoint.residualVectorFunction(4, 200, t, observed);
    assertThat(f.inputDimension()).isEqualTo(4);
    assertThat(f.outputDimension()).isEqualTo(200);
    double[] p = P.clone();
    assertThat(f.value(p)).isEqualTo(Forward.residual(P.clone(), t, observed));
    VectorFunction.ValueAndJacobian vj = f.valueAndJacobian(p);
    var generated = ForwardAdjoint.residualValueAndJacobian(P.clone(), t, observed);
    assertThat(vj.value()).isEqualTo(generated.value());
    assertThat(vj.jacobian()).isEqualTo(generated.jacobian());
    double[] direction = {0.5, -1, 0, 2};
    assertThat(f.jvp(p, direction))
        .isEqualTo(ForwardAdjoint.residualJvp(P.clone(), t, observed, direction.clone()).tangent());
    double[] cotangent = new Random(5).doubles(200, -1, 1).toArray();
    double[] pulled = f.pullback(p, cotangent);
    for (int k = 0; k < 4; k++) {
      double expected = 0;
      for (int i = 0; i < 200; i++) {
        expected += cotangent[i] * vj.jacobian()[i][k];
      }
      assertThat(pulled[k]).isWithin(1e-12 * (1 + Math.abs(expected))).of(expected);
    }
    assertThat(p).isEqualTo(P);
    assertThat(direction).isEqualTo(new double[] {0.5, -1, 0, 2});
    GradCheck.Report report = GradCheck.defaults().check(f, P);
    assertThat(report.passed()).isTrue();
  }

  /** Scalar parameters are the point's entries in declaration order; the route is by pullbacks. */
  @Test
  void sqrtAndXVectorFunctionOverScalars() {
    VectorFunction f = ForwardAdjoint.sqrtAndXVectorFunction(2);
    assertThat(f.inputDimension()).isEqualTo(2);
    double[][] j = f.valueAndJacobian(new double[] {3, 4}).jacobian();
    assertThat(j[0]).isEqualTo(new double[] {0, 0.25});
    assertThat(j[1]).isEqualTo(new double[] {1, 0});
    assertThat(f.jvp(new double[] {3, 4}, new double[] {2, 8})).isEqualTo(new double[] {2, 2});
    assertThat(f.pullback(new double[] {3, 4}, new double[] {1, 1}))
        .isEqualTo(new double[] {1, 0.25});
    // At y = 0 the derivative is infinite, and a zero direction still gives exactly 0.
    assertThat(f.jvp(new double[] {3, 0}, new double[] {1, 0})).isEqualTo(new double[] {0, 1});
  }

  /** The output's length is checked at every call; wrong point lengths are refused. */
  @Test
  void vectorFunctionChecksLengths() {
    double[] t = samples(10);
    VectorFunction f = ForwardAdjoint.residualVectorFunction(4, 11, t, new double[10]);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> f.value(P));
    assertThat(e).hasMessageThat().isEqualTo(
        "residual: the function was made with outputDimension 11, but its value has length 10");
    assertThrows(IllegalStateException.class, () -> f.valueAndJacobian(P));
    assertThrows(IllegalStateException.class, () -> f.jvp(P, new double[4]));
    IllegalArgumentException a =
        assertThrows(IllegalArgumentException.class, () -> f.pullback(P, new double[10]));
    assertThat(a).hasMessageThat()
        .isEqualTo("residual: expected a cotangent of length 11, but it has length 10");
    VectorFunction g = ForwardAdjoint.residualVectorFunction(4, 10, t, new double[10]);
    IllegalArgumentException b =
        assertThrows(IllegalArgumentException.class, () -> g.value(new double[3]));
    assertThat(b).hasMessageThat()
        .isEqualTo("residual: expected a point of length 4, but it has length 3");
    assertThrows(IllegalArgumentException.class, () -> g.jvp(P, new double[5]));
  }

  /** A {@code @CustomVjp} rule's vector function: the rule's value and pullback, checked. */
  @Test
  void customRuleVectorFunctionIsTheRules() {
    VectorFunction f = ArrayResultsAdjoint.softmaxVectorFunction(3, 3);
    double[] x = {0.2, -1.1, 0.7};
    assertThat(f.value(x)).isEqualTo(ArrayResults.softmax(x.clone()));
    assertThat(GradCheck.defaults().check(f, x).passed()).isTrue();
  }
}

package dev.adjoint.tests;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static dev.adjoint.tests.RandomArrays.gaussian;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.adjoint.runtime.GradCheck;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Methods that return {@code double[][]}: {@code mVjp} takes a cotangent matrix of the value's
 * shape and gives the closed form (and central differences of the cotangent's dot product with
 * the value); {@code mJvp} returns a fresh tangent matrix that forward mode and reverse mode agree
 * on; the value is the caller's own; callers differentiate through such methods, in loops too.
 */
final class MatrixResultsTest {

  static double[][] gaussianMatrix(Random r, int rows, int columns) {
    double[][] m = new double[rows][];
    for (int i = 0; i < rows; i++) {
      m[i] = gaussian(r, columns);
    }
    return m;
  }

  static double dot(double[][] a, double[][] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[i].length; j++) {
        s += a[i][j] * b[i][j];
      }
    }
    return s;
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  /**
   * Central differences of {@code <c, f(x)>} at the flat point {@code x}, against the pullback
   * {@code pulled} (flattened the same way).
   */
  static void assertPullbackMatchesDifferences(String name, Function<double[], double[][]> f,
      double[] x, double[][] c, double[] pulled) {
    double h = 1e-6;
    for (int k = 0; k < x.length; k++) {
      double[] up = x.clone();
      double[] down = x.clone();
      up[k] += h;
      down[k] -= h;
      double numeric = (dot(c, f.apply(up)) - dot(c, f.apply(down))) / (2 * h);
      assertWithMessage("%s: d<c, f>/dx[%s]", name, k).that(pulled[k])
          .isWithin(1e-6 * (1 + Math.abs(numeric))).of(numeric);
    }
  }

  static double[] concat(double[] a, double[] b) {
    double[] ab = new double[a.length + b.length];
    System.arraycopy(a, 0, ab, 0, a.length);
    System.arraycopy(b, 0, ab, a.length, b.length);
    return ab;
  }

  @Test
  void outerPullbackAndTangentAreTheClosedForms() {
    Random r = new Random(51);
    for (int trial = 0; trial < 20; trial++) {
      int n = trial % 4;
      int m = (trial / 4) % 3 + 1;
      double[] a = gaussian(r, n);
      double[] b = gaussian(r, m);
      double[][] c = gaussianMatrix(r, n, m);
      var vjp = MatrixResultsAdjoint.outerVjp(a, b);
      assertThat(vjp.value()).isEqualTo(MatrixResults.outer(a, b));
      var g = vjp.pullback(c);
      double[] ga = new double[n];
      double[] gb = new double[m];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < m; j++) {
          ga[i] += c[i][j] * Math.sin(b[j]);
          gb[j] += c[i][j] * a[i] * Math.cos(b[j]);
        }
      }
      assertThat(g.a()).usingTolerance(1e-13).containsExactly(ga).inOrder();
      assertThat(g.b()).usingTolerance(1e-13).containsExactly(gb).inOrder();
      assertPullbackMatchesDifferences("outer",
          x -> MatrixResults.outer(java.util.Arrays.copyOf(x, n),
              java.util.Arrays.copyOfRange(x, n, n + m)),
          concat(a, b), c, concat(g.a(), g.b()));

      double[] da = gaussian(r, n);
      double[] db = gaussian(r, m);
      var jvp = MatrixResultsAdjoint.outerJvp(a, b, da, db);
      assertThat(jvp.value()).isEqualTo(MatrixResults.outer(a, b));
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < m; j++) {
          assertThat(jvp.tangent()[i][j]).isWithin(1e-14)
              .of(da[i] * Math.sin(b[j]) + a[i] * Math.cos(b[j]) * db[j]);
        }
      }
      // <c, J v> = <J^T c, v>
      assertThat(dot(c, jvp.tangent())).isWithin(1e-12).of(dot(g.a(), da) + dot(g.b(), db));
      var ws = MatrixResultsAdjoint.outerJvpWorkspace();
      for (int call = 0; call < 2; call++) {
        assertThat(ws.jvp(a, b, da, db)).isEqualTo(jvp.value());
        assertThat(ws.tangent()).isEqualTo(jvp.tangent());
      }
    }
  }

  @Test
  void theValueAndTheTangentAreTheCallersOwn() {
    double[] a = {1, 2};
    double[] b = {0.5};
    var vjp = MatrixResultsAdjoint.outerVjp(a, b);
    double[][] value = vjp.value();
    value[0][0] = 99;
    value[1] = new double[] {7, 7, 7};
    assertThat(vjp.value()[0][0]).isEqualTo(Math.sin(0.5));
    assertThat(vjp.value()[1]).hasLength(1);
    double[][] c = {{1}, {2}};
    double[] first = vjp.pullback(c).a();
    assertThat(vjp.pullback(c).a()).usingExactEquality().containsExactly(first).inOrder();
    assertThat(c[1][0]).isEqualTo(2.0); // the pullback does not write into the cotangent

    // A copied matrix parameter: the value is a new matrix, not the argument or its rows.
    double[][] m = {{1, 2}, {3, 4}};
    var copy = MatrixResultsAdjoint.copiedVjp(m);
    double[][] got = copy.value();
    assertThat(got).isNotSameInstanceAs(m);
    assertThat(got[0]).isNotSameInstanceAs(m[0]);
    assertThat(got).isEqualTo(new double[][] {{2, 2}, {3, 4}});
    got[1][1] = -1;
    assertThat(m[1][1]).isEqualTo(4.0);
    var grad = copy.pullback(new double[][] {{1, 1}, {1, 1}});
    assertThat(grad.m()).isEqualTo(new double[][] {{2, 1}, {1, 1}});
    var jvp = MatrixResultsAdjoint.copiedJvp(m, m);
    assertThat(jvp.tangent()).isNotSameInstanceAs(m);
    assertThat(jvp.tangent()[1]).isNotSameInstanceAs(m[1]);
    assertThat(jvp.tangent()).isEqualTo(new double[][] {{2, 2}, {3, 4}});
    assertThat(jvp.value()).isNotSameInstanceAs(jvp.tangent());
    assertThat(MatrixResultsAdjoint.copiedJvp(m, null).tangent())
        .isEqualTo(new double[][] {{0, 0}, {0, 0}});
    assertThat(jvp.toString()).contains("[[2.0, 2.0], [3.0, 4.0]]");
  }

  @Test
  void pullbackChecksTheCotangentsShape() {
    var vjp = MatrixResultsAdjoint.outerVjp(new double[] {1, 2}, new double[] {1, 2, 3});
    IllegalArgumentException rows =
        assertThrows(IllegalArgumentException.class, () -> vjp.pullback(new double[3][3]));
    assertThat(rows).hasMessageThat().isEqualTo("the cotangent given to the pullback of"
        + " MatrixResults.outer has 3 rows, but the value of MatrixResults.outer has 2 rows");
    IllegalArgumentException ragged = assertThrows(IllegalArgumentException.class,
        () -> vjp.pullback(new double[][] {{1, 2, 3}, {1, 2}}));
    assertThat(ragged).hasMessageThat().isEqualTo("the cotangent given to the pullback of"
        + " MatrixResults.outer has length 2 in row 1, but the value of MatrixResults.outer has"
        + " length 3 there");
    IllegalArgumentException missingRow = assertThrows(IllegalArgumentException.class,
        () -> vjp.pullback(new double[][] {{1, 2, 3}, null}));
    assertThat(missingRow).hasMessageThat().contains("has no array in row 1");
    IllegalArgumentException none =
        assertThrows(IllegalArgumentException.class, () -> vjp.pullback(null));
    assertThat(none).hasMessageThat().contains("is null");
  }

  @Test
  void aMatrixInitializerReturned() {
    Random r = new Random(52);
    for (int trial = 0; trial < 10; trial++) {
      double t = r.nextGaussian();
      double s = r.nextGaussian();
      double[][] c = gaussianMatrix(r, 2, 2);
      double cos = Math.cos(t);
      double sin = Math.sin(t);
      var vjp = MatrixResultsAdjoint.rotationVjp(t, s);
      assertThat(vjp.value()).isEqualTo(MatrixResults.rotation(t, s));
      var g = vjp.pullback(c);
      // d/dt [[s cos, -s sin], [s sin, s cos]] = s [[-sin, -cos], [cos, -sin]]
      double gt = s * (-c[0][0] * sin - c[0][1] * cos + c[1][0] * cos - c[1][1] * sin);
      double gs = c[0][0] * cos - c[0][1] * sin + c[1][0] * sin + c[1][1] * cos;
      assertThat(g.t()).isWithin(1e-14).of(gt);
      assertThat(g.s()).isWithin(1e-14).of(gs);
      double dt = r.nextGaussian();
      double ds = r.nextGaussian();
      var jvp = MatrixResultsAdjoint.rotationJvp(t, s, dt, ds);
      assertThat(jvp.value()).isEqualTo(vjp.value());
      assertThat(dot(c, jvp.tangent())).isWithin(1e-13).of(gt * dt + gs * ds);
    }
  }

  @Test
  void aScalarCallerOfAMatrixMethod() {
    Random r = new Random(53);
    for (int trial = 0; trial < 10; trial++) {
      int n = 1 + trial % 4;
      double[] a = gaussian(r, n);
      double[] b = gaussian(r, n + trial % 2);
      var vg = MatrixResultsAdjoint.traceValueAndGrad(a, b);
      assertThat(vg.value()).isEqualTo(MatrixResults.trace(a, b));
      double[] ga = new double[a.length];
      double[] gb = new double[b.length];
      for (int i = 0; i < n; i++) {
        ga[i] = Math.sin(b[i]);
        gb[i] = a[i] * Math.cos(b[i]);
      }
      assertThat(vg.grad().a()).usingTolerance(1e-14).containsExactly(ga).inOrder();
      assertThat(vg.grad().b()).usingTolerance(1e-14).containsExactly(gb).inOrder();
      GradCheck.defaults().assertGradient(MatrixResultsAdjoint.traceFunction(a, b),
          MatrixResultsAdjoint.traceFlatten(a, b));
      double[] da = gaussian(r, a.length);
      double[] db = gaussian(r, b.length);
      assertThat(MatrixResultsAdjoint.traceJvp(a, b, da, db).tangent()).isWithin(1e-12)
          .of(dot(ga, da) + dot(gb, db));
      var ws = MatrixResultsAdjoint.traceWorkspace();
      for (int call = 0; call < 2; call++) {
        assertThat(ws.valueAndGrad(a, b)).isEqualTo(vg.value());
        assertThat(ws.a()).usingTolerance(1e-14).containsExactly(ga).inOrder();
      }
    }
  }

  @Test
  void aMatrixResultTakenInALoopAndWrittenInto() {
    Random r = new Random(54);
    for (int trial = 0; trial < 10; trial++) {
      double[] a = gaussian(r, trial % 5);
      double t = r.nextGaussian();
      var vg = MatrixResultsAdjoint.inLoopValueAndGrad(a, t);
      assertThat(vg.value()).isEqualTo(MatrixResults.inLoop(a, t));
      // term k: r00 (r01 + t) + r10, r = a_k [[cos tk, -sin tk], [sin tk, cos tk]]
      double[] ga = new double[a.length];
      double gt = 0;
      for (int k = 0; k < a.length; k++) {
        double c = Math.cos(t * k);
        double s = Math.sin(t * k);
        ga[k] = 2 * a[k] * c * -s + c * t + s;
        gt += -a[k] * k * s * (-a[k] * s + t) + a[k] * c * (-a[k] * k * c + 1) + a[k] * k * c;
      }
      assertThat(vg.grad().a()).usingTolerance(1e-12).containsExactly(ga).inOrder();
      assertThat(vg.grad().t()).isWithin(1e-11).of(gt);
      GradCheck.defaults().assertGradient(MatrixResultsAdjoint.inLoopFunction(a),
          MatrixResultsAdjoint.inLoopFlatten(a, t));
      double[] da = gaussian(r, a.length);
      double dt = r.nextGaussian();
      assertThat(MatrixResultsAdjoint.inLoopJvp(a, t, da, dt).tangent()).isWithin(1e-11)
          .of(dot(ga, da) + gt * dt);
      var ws = MatrixResultsAdjoint.inLoopWorkspace();
      for (int call = 0; call < 2; call++) {
        assertThat(ws.valueAndGrad(a, t)).isEqualTo(vg.value());
        assertThat(ws.t()).isWithin(1e-11).of(gt);
      }
    }
  }

  @Test
  void aCallsMatrixReturned() {
    Random r = new Random(55);
    double[] a = gaussian(r, 3);
    double[] b = gaussian(r, 2);
    double[][] c = gaussianMatrix(r, 2, 3);
    var vjp = MatrixResultsAdjoint.swappedVjp(a, b);
    assertThat(vjp.value()).isEqualTo(MatrixResults.outer(b, a));
    var g = vjp.pullback(c);
    // swapped[i][j] = b_i sin(a_j)
    double[] ga = new double[3];
    double[] gb = new double[2];
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 3; j++) {
        gb[i] += c[i][j] * Math.sin(a[j]);
        ga[j] += c[i][j] * b[i] * Math.cos(a[j]);
      }
    }
    assertThat(g.a()).usingTolerance(1e-14).containsExactly(ga).inOrder();
    assertThat(g.b()).usingTolerance(1e-14).containsExactly(gb).inOrder();
    double[] da = gaussian(r, 3);
    double[] db = gaussian(r, 2);
    var jvp = MatrixResultsAdjoint.swappedJvp(a, b, da, db);
    assertThat(jvp.value()).isEqualTo(vjp.value());
    assertThat(dot(c, jvp.tangent())).isWithin(1e-13).of(dot(ga, da) + dot(gb, db));
  }

  @Test
  void aMatrixBuiltRowByRowFromHelpers() {
    Random r = new Random(56);
    for (int n = 0; n < 5; n++) {
      double[] x = gaussian(r, n);
      double cc = r.nextGaussian();
      double[][] c = gaussianMatrix(r, 3, n);
      var vjp = MatrixResultsAdjoint.byRowsVjp(x, cc);
      assertThat(vjp.value()).isEqualTo(MatrixResults.byRows(x, cc));
      var g = vjp.pullback(c);
      double[] gx = new double[n];
      double gc = 0;
      for (int j = 0; j < n; j++) {
        gx[j] = c[0][j] * cc + c[1][j] * 2 * x[j];
        gc += c[0][j] * x[j] + c[2][j] * 2 * cc;
      }
      assertThat(g.x()).usingTolerance(1e-13).containsExactly(gx).inOrder();
      assertThat(g.c()).isWithin(1e-13).of(gc);
      int size = n;
      assertPullbackMatchesDifferences("byRows",
          p -> MatrixResults.byRows(java.util.Arrays.copyOf(p, size), p[size]),
          concat(x, new double[] {cc}), c, concat(g.x(), new double[] {g.c()}));
      double[] dx = gaussian(r, n);
      double dc = r.nextGaussian();
      var jvp = MatrixResultsAdjoint.byRowsJvp(x, cc, dx, dc);
      assertThat(dot(c, jvp.tangent())).isWithin(1e-12).of(dot(gx, dx) + gc * dc);
    }
  }

  @Test
  void theJacobianOfAVectorThroughAMatrix() {
    Random r = new Random(57);
    double[] x = gaussian(r, 4);
    double c = r.nextGaussian();
    var vj = MatrixResultsAdjoint.rowSumsValueAndJacobian(x, c);
    assertThat(vj.value()).usingExactEquality().containsExactly(MatrixResults.rowSums(x, c))
        .inOrder();
    // rows: c sum x; 2 sum x^2; 3 n c^2; columns: x0..x3, c
    double sum = x[0] + x[1] + x[2] + x[3];
    double[][] expected = {
        {c, c, c, c, sum},
        {4 * x[0], 4 * x[1], 4 * x[2], 4 * x[3], 0},
        {0, 0, 0, 0, 24 * c}};
    double[][] jacobian = MatrixResultsAdjoint.rowSumsJacobian(x, c);
    for (int i = 0; i < 3; i++) {
      assertThat(jacobian[i]).usingTolerance(1e-12).containsExactly(expected[i]).inOrder();
    }
    GradCheck.defaults().assertGradient(MatrixResultsAdjoint.rowSumsVectorFunction(3, x),
        MatrixResultsAdjoint.rowSumsFlatten(x, c));
  }

  @Test
  void aRecordParameter() {
    Random r = new Random(58);
    double[] w = gaussian(r, 3);
    double b = r.nextGaussian();
    double[] x = gaussian(r, 2);
    var layer = new MatrixResults.Layer(w, b);
    double[][] c = gaussianMatrix(r, 3, 2);
    var vjp = MatrixResultsAdjoint.activationsVjp(layer, x);
    assertThat(vjp.value()).isEqualTo(MatrixResults.activations(layer, x));
    var g = vjp.pullback(c);
    double[] gw = new double[3];
    double gb = 0;
    double[] gx = new double[2];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 2; j++) {
        double t = Math.tanh(w[i] * x[j] + b);
        double d = c[i][j] * (1 - t * t);
        gw[i] += d * x[j];
        gb += d;
        gx[j] += d * w[i];
      }
    }
    assertThat(g.layer().w()).usingTolerance(1e-14).containsExactly(gw).inOrder();
    assertThat(g.layer().b()).isWithin(1e-14).of(gb);
    assertThat(g.x()).usingTolerance(1e-14).containsExactly(gx).inOrder();
    double[] dw = gaussian(r, 3);
    double[] dx = gaussian(r, 2);
    var jvp = MatrixResultsAdjoint.activationsJvp(layer, x, new MatrixResults.Layer(dw, 0.5), dx);
    assertThat(dot(c, jvp.tangent())).isWithin(1e-13)
        .of(dot(gw, dw) + 0.5 * gb + dot(gx, dx));
  }

  @Test
  void instanceMethods() {
    var scaler = new MatrixResults.Scaler(3);
    double x = 0.7;
    var vjp = MatrixResults_ScalerAdjoint.scaledVjp(scaler, x);
    assertThat(vjp.value()).isEqualTo(scaler.scaled(x));
    assertThat(vjp.pullback(new double[][] {{1, 2}, {3, 4}}).x()).isWithin(1e-14)
        .of(3 + 2 + 3 * 2 * x);
    assertThat(MatrixResults_ScalerAdjoint.scaledJvp(scaler, x, 2).tangent())
        .isEqualTo(new double[][] {{6, 2}, {4 * x, 0}});
    assertThat(MatrixResults_ScalerAdjoint.useScaledGrad(scaler, x).x()).isWithin(1e-14)
        .of(2 * x + 3);
    assertThat(MatrixResults_ScalerAdjoint.useScaledJvp(scaler, x, 1).tangent()).isWithin(1e-14)
        .of(2 * x + 3);
  }
}

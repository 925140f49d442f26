package dev.adjoint.tests;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.adjoint.runtime.GradCheck;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** double[][][] parameters and locals, in both modes, against closed forms and differences. */
final class Tensor3sTest {

  private static double[][][] random(Random r, int a, int b, int c) {
    double[][][] t = new double[a][b][c];
    for (double[][] m : t) {
      for (double[] row : m) {
        for (int k = 0; k < c; k++) {
          row[k] = r.nextGaussian();
        }
      }
    }
    return t;
  }

  /** A ragged 3-D array: matrices of different row counts, rows of different lengths. */
  private static double[][][] ragged(Random r) {
    double[][][] t = {new double[2][3], {new double[1], new double[4], new double[0]}};
    for (double[][] m : t) {
      for (double[] row : m) {
        for (int k = 0; k < row.length; k++) {
          row[k] = r.nextGaussian();
        }
      }
    }
    return t;
  }

  private static double[] gaussian(Random r, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = r.nextGaussian();
    }
    return v;
  }

  private static double dot(double[][][] a, double[][][] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[i].length; j++) {
        for (int k = 0; k < a[i][j].length; k++) {
          s += a[i][j][k] * b[i][j][k];
        }
      }
    }
    return s;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private static void assertClose(double[][][] actual, double[][][] expected, double tolerance) {
    assertThat(actual.length).isEqualTo(expected.length);
    for (int i = 0; i < expected.length; i++) {
      assertThat(actual[i].length).isEqualTo(expected[i].length);
      for (int j = 0; j < expected[i].length; j++) {
        assertThat(actual[i][j]).usingTolerance(tolerance).containsExactly(expected[i][j])
            .inOrder();
      }
    }
  }

  @Test
  void weightedSquaresIsTheClosedFormInEveryForm() {
    Random r = new Random(3);
    for (int trial = 0; trial < 6; trial++) {
      double[][][] t = trial % 2 == 0 ? random(r, 2, 3, 4) : ragged(r);
      double w = r.nextGaussian();
      // d/dt = 2 w t; d/dw = sum t^2.
      double[][][] expected = Tensor3sAdjoint.weightedSquaresGrad(t, w).t();
      double sum = dot(t, t);
      double[][][] closed = new double[t.length][][];
      for (int i = 0; i < t.length; i++) {
        closed[i] = new double[t[i].length][];
        for (int j = 0; j < t[i].length; j++) {
          closed[i][j] = new double[t[i][j].length];
          for (int k = 0; k < t[i][j].length; k++) {
            closed[i][j][k] = 2 * w * t[i][j][k];
          }
        }
      }
      assertClose(expected, closed, 1e-12);
      var vg = Tensor3sAdjoint.weightedSquaresValueAndGrad(t, w);
      assertThat(vg.value()).isEqualTo(Tensor3s.weightedSquares(t, w));
      assertThat(vg.grad().w()).isWithin(1e-12).of(sum);
      assertClose(vg.grad().t(), closed, 1e-12);
      assertThat(vg.grad().toString()).contains("t=" + Arrays.deepToString(vg.grad().t()));
      // The Vjp's pullback, any number of times.
      var vjp = Tensor3sAdjoint.weightedSquaresVjp(t, w);
      assertClose(vjp.pullback(2.0).t(), Tensor3sAdjoint.weightedSquaresGrad(t, 2 * w).t(), 1e-12);
      // The workspace: accessors named after the parameters, reused across calls.
      var ws = Tensor3sAdjoint.weightedSquaresWorkspace();
      for (int call = 0; call < 3; call++) {
        assertThat(ws.valueAndGrad(t, w)).isEqualTo(vg.value());
        assertClose(ws.t(), closed, 1e-12);
        assertThat(ws.w()).isWithin(1e-12).of(sum);
      }
      // A gradient buffer given back as the next point.
      double[][][] buffer = ws.t();
      double[][][] copy = Tensor3sAdjoint.weightedSquaresGrad(t, w).t();
      double value = ws.valueAndGrad(buffer, w);
      assertThat(value).isWithin(1e-12).of(Tensor3s.weightedSquares(copy, w));
      assertClose(ws.t(), Tensor3sAdjoint.weightedSquaresGrad(copy, w).t(), 1e-12);
      // Forward mode: <grad, v> = JVP along v; a null tangent is zeros.
      double[][][] dt = trial % 2 == 0 ? random(r, 2, 3, 4) : ragged(r);
      double dw = r.nextGaussian();
      var jvp = Tensor3sAdjoint.weightedSquaresJvp(t, w, dt, dw);
      assertThat(jvp.value()).isEqualTo(vg.value());
      assertThat(jvp.tangent()).isWithin(1e-10).of(dot(closed, dt) + sum * dw);
      assertThat(Tensor3sAdjoint.weightedSquaresJvp(t, w, null, 1.0).tangent())
          .isWithin(1e-12).of(sum);
      var jws = Tensor3sAdjoint.weightedSquaresJvpWorkspace();
      assertThat(jws.jvp(t, w, dt, dw)).isEqualTo(vg.value());
      assertThat(jws.tangent()).isWithin(1e-10).of(jvp.tangent());
      // mFunction flattens row-major: t's elements, then w.
      double[] point = Tensor3sAdjoint.weightedSquaresFlatten(t, w);
      assertThat(point).hasLength(
          Arrays.stream(t).flatMap(Arrays::stream).mapToInt(row -> row.length).sum() + 1);
      assertThat(point[0]).isEqualTo(t[0][0][0]);
      assertThat(point[point.length - 1]).isEqualTo(w);
      assertClose(Tensor3sAdjoint.weightedSquaresUnflatten(point, t).t(), t, 0);
      GradCheck.defaults().assertGradient(Tensor3sAdjoint.weightedSquaresFunction(t), point);
    }
  }

  @Test
  void aTangentOfTheWrongShapeIsRejected() {
    double[][][] t = {{{1, 2}}};
    assertThrows(IllegalArgumentException.class,
        () -> Tensor3sAdjoint.weightedSquaresJvp(t, 1, new double[][][] {{{1}}}, 0));
    assertThrows(IllegalArgumentException.class,
        () -> Tensor3sAdjoint.weightedSquaresJvp(t, 1, new double[][][] {{{1, 2}, {3}}}, 0));
  }

  @Test
  void aLocal3DArrayWrittenAndReadBack() {
    Random r = new Random(5);
    for (int trial = 0; trial < 5; trial++) {
      double[] v = gaussian(r, 3);
      double[][][] t = random(r, 2, 2, 3);
      // s = sum (sin t v_k)^2: ds/dt = 2 sin t cos t v_k^2; ds/dv_k = 2 v_k sum_{i,j} sin^2 t.
      double[][][] gt = new double[2][2][3];
      double[] gv = new double[3];
      for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 2; j++) {
          for (int k = 0; k < 3; k++) {
            double sin = Math.sin(t[i][j][k]);
            gt[i][j][k] = 2 * sin * Math.cos(t[i][j][k]) * v[k] * v[k];
            gv[k] += 2 * v[k] * sin * sin;
          }
        }
      }
      var vg = Tensor3sAdjoint.localValueAndGrad(t, v);
      assertThat(vg.value()).isEqualTo(Tensor3s.local(t, v));
      assertClose(vg.grad().t(), gt, 1e-12);
      assertThat(vg.grad().v()).usingTolerance(1e-12).containsExactly(gv).inOrder();
      var ws = Tensor3sAdjoint.localWorkspace();
      for (int call = 0; call < 2; call++) {
        assertThat(ws.valueAndGrad(t, v)).isEqualTo(vg.value());
        assertClose(ws.t(), gt, 1e-12);
      }
      double[][][] dt = random(r, 2, 2, 3);
      double[] dv = gaussian(r, 3);
      assertThat(Tensor3sAdjoint.localJvp(t, v, dt, dv).tangent()).isWithin(1e-10)
          .of(dot(gt, dt) + dot(gv, dv));
      GradCheck.defaults().assertGradient(Tensor3sAdjoint.localFunction(t, v),
          Tensor3sAdjoint.localFlatten(t, v));
    }
  }

  @Test
  void aContractionsJacobianIsTheClosedForm() {
    Random r = new Random(7);
    double[][][] t = random(r, 3, 2, 4);
    double[] v = gaussian(r, 4);
    // out_i = sum_{j,k} t_ijk v_k: d out_i / d t_ijk = v_k; d out_i / d v_k = sum_j t_ijk.
    double[][] jacobian = Tensor3sAdjoint.contractJacobian(t, v);
    assertThat(jacobian.length).isEqualTo(3);
    for (int i = 0; i < 3; i++) {
      assertThat(jacobian[i]).hasLength(24 + 4);
      for (int a = 0; a < 3; a++) {
        for (int j = 0; j < 2; j++) {
          for (int k = 0; k < 4; k++) {
            assertThat(jacobian[i][a * 8 + j * 4 + k]).isEqualTo(a == i ? v[k] : 0.0);
          }
        }
      }
      for (int k = 0; k < 4; k++) {
        assertThat(jacobian[i][24 + k]).isWithin(1e-12).of(t[i][0][k] + t[i][1][k]);
      }
    }
    // By forward sweeps (more outputs than inputs): a 1x1x1 tensor and 1 element of v.
    double[][][] small = {{{2.0}, {3.0}, {5.0}}, {{7.0}, {11.0}, {13.0}}, {{1.0}, {4.0}, {6.0}}};
    double[] one = {0.5};
    double[][] byColumns = Tensor3sAdjoint.contractJacobian(small, one);
    for (int i = 0; i < 3; i++) {
      for (int c = 0; c < 9; c++) {
        assertThat(byColumns[i][c]).isEqualTo(c / 3 == i ? 0.5 : 0.0);
      }
      assertThat(byColumns[i][9]).isEqualTo(small[i][0][0] + small[i][1][0] + small[i][2][0]);
    }
    // The pullback with cotangent u: <u, J dt> for a direction, against the JVP.
    double[] u = gaussian(r, 3);
    double[][][] dt = random(r, 3, 2, 4);
    double[] dv = gaussian(r, 4);
    var grad = Tensor3sAdjoint.contractVjp(t, v).pullback(u);
    double[] tangent = Tensor3sAdjoint.contractJvp(t, v, dt, dv).tangent();
    assertThat(dot(u, tangent)).isWithin(1e-10).of(dot(grad.t(), dt) + dot(grad.v(), dv));
    assertThat(Tensor3sAdjoint.contractJvp(t, v, null, dv).tangent()).usingTolerance(1e-12)
        .containsExactly(Tensor3sAdjoint.contractJvp(t, v, new double[3][2][4], dv).tangent())
        .inOrder();
    GradCheck.defaults().assertGradient(Tensor3sAdjoint.contractVectorFunction(3, t, v),
        Tensor3sAdjoint.contractFlatten(t, v));
  }

  @Test
  void noDiffDataIsReadOnly() {
    Random r = new Random(11);
    double[][][] t = ragged(r);
    double[] v = gaussian(r, 4);
    // s = sum t_ijk v_k^2: ds/dv_k = 2 v_k sum_{i,j} t_ijk (over rows long enough).
    double[] gv = new double[4];
    for (double[][] m : t) {
      for (double[] row : m) {
        for (int k = 0; k < row.length; k++) {
          gv[k] += 2 * v[k] * row[k];
        }
      }
    }
    assertThat(Tensor3sAdjoint.noDiffGrad(v, t).v()).usingTolerance(1e-12).containsExactly(gv)
        .inOrder();
    double[] dv = gaussian(r, 4);
    assertThat(Tensor3sAdjoint.noDiffJvp(v, t, dv).tangent()).isWithin(1e-12).of(dot(gv, dv));
    GradCheck.defaults().assertGradient(Tensor3sAdjoint.noDiffFunction(v, t), v);
  }

  @Test
  void theSameTensorPassedTwice() {
    Random r = new Random(13);
    double[][][] a = random(r, 2, 2, 2);
    // f(a, a) = sum a^2 + a000^2: grads 2a + a000 e000 each side, summing to 2a + 2 a000 e000.
    var g = Tensor3sAdjoint.twiceGrad(a, a);
    double[][][] ga = new double[2][2][2];
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 2; j++) {
        for (int k = 0; k < 2; k++) {
          ga[i][j][k] = 2 * a[i][j][k];
        }
      }
    }
    ga[0][0][0] += a[0][0][0];
    assertClose(g.a(), ga, 1e-12);
    assertThat(g.b()[0][0][0]).isWithin(1e-12).of(a[0][0][0]);
    assertThat(g.b()[1][1][1]).isEqualTo(0.0);
    assertThat(g.a()).isNotSameInstanceAs(g.b());
    double[][][] d = random(r, 2, 2, 2);
    assertThat(Tensor3sAdjoint.twiceJvp(a, a, d, d).tangent()).isWithin(1e-10)
        .of(dot(g.a(), d) + dot(g.b(), d));
    GradCheck.defaults().assertGradient(Tensor3sAdjoint.twiceFunction(a, a),
        Tensor3sAdjoint.twiceFlatten(a, a));
  }

  @Test
  void aVjpKeepsItsPointWhenTheCallerChangesTheTensor() {
    Random r = new Random(17);
    double[][][] t = random(r, 2, 3, 2);
    double[][][] before = Tensor3sAdjoint.weightedSquaresGrad(t, 1.5).t();
    double valueBefore = Tensor3s.weightedSquares(t, 1.5);
    var vjp = Tensor3sAdjoint.weightedSquaresVjp(t, 1.5);
    for (double[][] m : t) {
      for (double[] row : m) {
        Arrays.fill(row, 100.0);
      }
    }
    assertThat(vjp.value()).isEqualTo(valueBefore);
    assertClose(vjp.pullback(1.0).t(), before, 0);
    // The gradient the caller got is its own: changing it changes no later result.
    var vg = Tensor3sAdjoint.weightedSquaresValueAndGrad(t, 1.5);
    vg.grad().t()[0][0][0] = -1;
    assertThat(Tensor3sAdjoint.weightedSquaresGrad(t, 1.5).t()[0][0][0]).isEqualTo(300.0);
  }

  @Test
  void aHelperWritesIntoA3DArrayItsCallerMade() {
    Random r = new Random(19);
    double[][][] t = random(r, 2, 1, 2);
    double x = t[1][0][1];
    var vg = Tensor3sAdjoint.callsCubeInPlaceValueAndGrad(t);
    assertThat(vg.value()).isEqualTo(Tensor3s.callsCubeInPlace(t));
    double[][][] expected = new double[2][1][2];
    expected[1][0][1] = 3 * x * x + 2 * x;
    assertClose(vg.grad().t(), expected, 1e-12);
    assertThat(Tensor3sAdjoint.callsCubeInPlaceJvp(t, expected).tangent()).isWithin(1e-10)
        .of(expected[1][0][1] * expected[1][0][1]);
    GradCheck.defaults().assertGradient(Tensor3sAdjoint.callsCubeInPlaceFunction(t),
        Tensor3sAdjoint.callsCubeInPlaceFlatten(t));
  }

  @Test
  void a3DArrayCreatedInALoop() {
    double[][][] t = {{{1.5, 2}}};
    var ws = Tensor3sAdjoint.createdInALoopWorkspace();
    for (int call = 0; call < 2; call++) {
      assertThat(ws.valueAndGrad(t)).isEqualTo(Tensor3s.createdInALoop(t));
      assertThat(ws.t()[0][0]).usingTolerance(1e-12).containsExactly(15.0, 0.0).inOrder();
    }
    assertThat(Tensor3sAdjoint.createdInALoopGrad(t).t()[0][0]).usingTolerance(1e-12)
        .containsExactly(15.0, 0.0).inOrder();
    assertThat(Tensor3sAdjoint.createdInALoopJvp(t, new double[][][] {{{1, 1}}}).tangent())
        .isWithin(1e-12).of(15.0);
  }

  @Test
  void aPullbackThatReadsOnlyTheShapeKeepsIt() {
    Random r = new Random(23);
    double[][][] t = ragged(r);
    var vjp = Tensor3sAdjoint.totalVjp(t, 2.5);
    t[1] = new double[][] {{1, 2, 3, 4, 5}};
    t[0][1] = null;
    var g = vjp.pullback(2.0);
    assertClose(g.t(), new double[][][] {{{5, 5, 5}, {5, 5, 5}}, {{5}, {5, 5, 5, 5}, {}}}, 0);
    double[][][] u = ragged(r);
    var corner = Tensor3sAdjoint.cornerVjp(u, 3.0);
    u[0] = null;
    u[1][2] = new double[9];
    assertClose(corner.pullback(1.0).t(),
        new double[][][] {{{0, 0, 0}, {0, 0, 0}}, {{0}, {0, 0, 3, 0}, {}}}, 0);
    assertThat(corner.pullback(1.0).t()).isNotNull();
    assertThat(Tensor3sAdjoint.cornerGrad(ragged(r), 3.0).t()[1][1][2]).isEqualTo(3.0);
  }

  @Test
  void a3DFieldOfThisIsAConstantAndAVjpKeepsItsElements() {
    Tensor3Fields f = new Tensor3Fields(new double[][][] {{{1, 2}, {3}}, {{4}}});
    double x = 0.5;
    // d/dx = 2 x sum = 2 * 0.5 * 10.
    assertThat(Tensor3FieldsAdjoint.scaledSumGrad(f, x).x()).isWithin(1e-12).of(10.0);
    assertThat(Tensor3FieldsAdjoint.scaledSumJvp(f, x, 1.0).tangent()).isWithin(1e-12).of(10.0);
    var vjp = Tensor3FieldsAdjoint.scaledSumVjp(f, x);
    f.data[0][0][0] = 100;
    assertThat(vjp.pullback(1.0).x()).isWithin(1e-12).of(10.0);
    assertThat(Tensor3FieldsAdjoint.scaledSumGrad(f, x).x()).isWithin(1e-12).of(109.0);
  }

  @Test
  void partsOfA3DArrayAsLocals() {
    Random r = new Random(31);
    for (int trial = 0; trial < 4; trial++) {
      double[][][] t = trial % 2 == 0 ? random(r, 2, 3, 2) : ragged(r);
      double w = r.nextGaussian();
      var expected = Tensor3sAdjoint.weightedSquaresValueAndGrad(t, w);
      var vg = Tensor3sAdjoint.viaPartsValueAndGrad(t, w);
      assertThat(vg.value()).isEqualTo(Tensor3s.viaParts(t, w));
      assertThat(vg.value()).isWithin(1e-12).of(expected.value());
      assertClose(vg.grad().t(), expected.grad().t(), 1e-12);
      assertThat(vg.grad().w()).isWithin(1e-12).of(expected.grad().w());
      double[][][] dt = trial % 2 == 0 ? random(r, 2, 3, 2) : ragged(r);
      assertThat(Tensor3sAdjoint.viaPartsJvp(t, w, dt, 0.5).tangent()).isWithin(1e-10)
          .of(dot(expected.grad().t(), dt) + 0.5 * expected.grad().w());
      var loops = Tensor3sAdjoint.viaLoopsGrad(t).t();
      assertClose(loops, Tensor3sAdjoint.weightedSquaresGrad(t, 1.0).t(), 1e-12);
      assertThat(Tensor3sAdjoint.viaLoopsJvp(t, dt).tangent()).isWithin(1e-10)
          .of(dot(loops, dt));
      GradCheck.defaults().assertGradient(Tensor3sAdjoint.viaPartsFunction(t),
          Tensor3sAdjoint.viaPartsFlatten(t, w));
    }
    double[][][] t = random(r, 3, 1, 1);
    var g = Tensor3sAdjoint.writesGrad(t).t();
    for (int i = 0; i < 3; i++) {
      assertThat(g[i][0][0]).isWithin(1e-12).of(18 * t[i][0][0]);
    }
    assertThat(Tensor3sAdjoint.writesValueAndGrad(t).value()).isEqualTo(Tensor3s.writes(t));
    assertThat(Tensor3sAdjoint.writesJvp(t, new double[][][] {{{1}}, {{0}}, {{0}}}).tangent())
        .isWithin(1e-12).of(18 * t[0][0][0]);
  }
}

package dev.adjoint.tests;

import static com.google.common.truth.Truth.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** double[][] gradients of the same shape, against closed forms. */
final class MatricesTest {

  private static double[][] random(Random r, int rows, int columns) {
    double[][] m = new double[rows][columns];
    for (double[] row : m) {
      for (int j = 0; j < columns; j++) {
        row[j] = r.nextGaussian();
      }
    }
    return m;
  }

  @Test
  void denseLayerGradientIsTheClosedForm() {
    Random r = new Random(41);
    for (int trial = 0; trial < 10; trial++) {
      double[][] w = random(r, 3, 4);
      double[] b = random(r, 1, 3)[0];
      double[][] x = random(r, 6, 4);
      double[][] y = random(r, 6, 3);
      // dL/dz = 2 (h - y)(1 - h^2); dL/dw[o][i] = sum_s dz x[s][i]; dL/db[o] = sum_s dz.
      double[][] dw = new double[3][4];
      double[] db = new double[3];
      for (int s = 0; s < 6; s++) {
        for (int o = 0; o < 3; o++) {
          double z = b[o];
          for (int i = 0; i < 4; i++) {
            z += w[o][i] * x[s][i];
          }
          double h = Math.tanh(z);
          double dz = 2 * (h - y[s][o]) * (1 - h * h);
          db[o] += dz;
          for (int i = 0; i < 4; i++) {
            dw[o][i] += dz * x[s][i];
          }
        }
      }
      var g = MatricesAdjoint.layerGrad(w, b, x, y);
      assertThat(g.w().length).isEqualTo(3);
      for (int o = 0; o < 3; o++) {
        assertThat(g.w()[o]).hasLength(4);
        for (int i = 0; i < 4; i++) {
          assertThat(g.w()[o][i]).isWithin(1e-12).of(dw[o][i]);
        }
        assertThat(g.b()[o]).isWithin(1e-12).of(db[o]);
      }
      var ws = MatricesAdjoint.layerWorkspace();
      for (int call = 0; call < 3; call++) {
        assertThat(ws.valueAndGrad(w, b, x, y)).isEqualTo(Matrices.layer(w, b, x, y));
        assertThat(java.util.Arrays.deepEquals(ws.w(), g.w())).isTrue();
      }
    }
  }

  @Test
  void raggedMatricesKeepTheirShape() {
    double[][] m = {{1, 2, 3}, {}, {-4}};
    var g = MatricesAdjoint.frobeniusGrad(m);
    assertThat(g.m()[0]).usingExactEquality().containsExactly(2.0, 4.0, 6.0).inOrder();
    assertThat(g.m()[1]).isEmpty();
    assertThat(g.m()[2]).usingExactEquality().containsExactly(-8.0);
  }

  @Test
  void aMatrixPassedToACalleeAndScaledIntoALocal() {
    Random r = new Random(42);
    double[][] m = random(r, 2, 3);
    double c = 0.7;
    // f = (c^2 + 1) sum m^2: df/dm = 2 (c^2 + 1) m, df/dc = 2 c sum m^2.
    var g = MatricesAdjoint.scaledFrobeniusGrad(m, c);
    double sum = 0;
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 3; j++) {
        assertThat(g.m()[i][j]).isWithin(1e-12).of(2 * (c * c + 1) * m[i][j]);
        sum += m[i][j] * m[i][j];
      }
    }
    assertThat(g.c()).isWithin(1e-12).of(2 * c * sum);
  }

  @Test
  void rowLocalsNameTheRowsOfTheirMatrix() {
    Random r = new Random(5);
    double[][] m = random(r, 3, 2);
    double[] v = random(r, 1, 2)[0];
    var vg = MatricesAdjoint.rowLocalsValueAndGrad(m, v);
    assertThat(vg.value()).isEqualTo(Matrices.rowLocals(m, v));
    // s = sum_i [ sum_j (m_ij v_j)^2 + (sum_j m_ij^2) m_i0 v_0 ]
    for (int i = 0; i < 3; i++) {
      double n2 = m[i][0] * m[i][0] + m[i][1] * m[i][1];
      double g0 = 2 * m[i][0] * v[0] * v[0] + 2 * m[i][0] * m[i][0] * v[0] + n2 * v[0];
      double g1 = 2 * m[i][1] * v[1] * v[1] + 2 * m[i][1] * m[i][0] * v[0];
      assertThat(vg.grad().m()[i][0]).isWithin(1e-12).of(g0);
      assertThat(vg.grad().m()[i][1]).isWithin(1e-12).of(g1);
    }
    double gv0 = 0;
    double gv1 = 0;
    for (int i = 0; i < 3; i++) {
      double n2 = m[i][0] * m[i][0] + m[i][1] * m[i][1];
      gv0 += 2 * m[i][0] * m[i][0] * v[0] + n2 * m[i][0];
      gv1 += 2 * m[i][1] * m[i][1] * v[1];
    }
    assertThat(vg.grad().v()[0]).isWithin(1e-12).of(gv0);
    assertThat(vg.grad().v()[1]).isWithin(1e-12).of(gv1);
    double[] dir = {0.3, -0.8};
    assertThat(MatricesAdjoint.rowLocalsJvp(m, v, null, dir).tangent())
        .isWithin(1e-12).of(gv0 * dir[0] + gv1 * dir[1]);
  }
}

package dev.adjoint.tests;

import static com.google.common.truth.Truth.assertThat;

import dev.adjoint.runtime.GradCheck;
import dev.adjoint.tests.Tensor3Records.Hand;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A double[][][] record component: its cotangent is a record of the same type, in both modes. */
final class Tensor3RecordsTest {

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

  @Test
  void aRecordWithA3DComponentIsDifferentiated() {
    Random r = new Random(29);
    for (int trial = 0; trial < 4; trial++) {
      Hand h = new Hand(random(r, 2, 3, 2), r.nextGaussian(), 7);
      double[] v = {r.nextGaussian(), r.nextGaussian()};
      // d/dJ = 2 J scale v_k; d/dscale = sum J^2 v_k; d/dv_k = scale sum_{i,j} J_ijk^2.
      double[][][] gj = new double[2][3][2];
      double gs = 0;
      double[] gv = new double[2];
      for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 3; j++) {
          for (int k = 0; k < 2; k++) {
            double x = h.joints()[i][j][k];
            gj[i][j][k] = 2 * x * h.scale() * v[k];
            gs += x * x * v[k];
            gv[k] += h.scale() * x * x;
          }
        }
      }
      var vg = Tensor3RecordsAdjoint.energyValueAndGrad(h, v);
      assertThat(vg.value()).isEqualTo(Tensor3Records.energy(h, v));
      Hand g = vg.grad().h();
      assertThat(g.id()).isEqualTo(7);
      assertThat(g.scale()).isWithin(1e-12).of(gs);
      for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 3; j++) {
          assertThat(g.joints()[i][j]).usingTolerance(1e-12).containsExactly(gj[i][j]).inOrder();
        }
      }
      assertThat(vg.grad().v()).usingTolerance(1e-12).containsExactly(gv).inOrder();
      var ws = Tensor3RecordsAdjoint.energyWorkspace();
      for (int call = 0; call < 2; call++) {
        assertThat(ws.valueAndGrad(h, v)).isEqualTo(vg.value());
        assertThat(ws.h().joints()[1][2]).usingTolerance(1e-12).containsExactly(gj[1][2])
            .inOrder();
        assertThat(ws.h().scale()).isWithin(1e-12).of(gs);
      }
      // Forward mode: a record of tangents; a null component is zeros.
      Hand dh = new Hand(random(r, 2, 3, 2), r.nextGaussian(), 0);
      double[] dv = {r.nextGaussian(), r.nextGaussian()};
      double expected = gs * dh.scale() + gv[0] * dv[0] + gv[1] * dv[1];
      for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 3; j++) {
          for (int k = 0; k < 2; k++) {
            expected += gj[i][j][k] * dh.joints()[i][j][k];
          }
        }
      }
      assertThat(Tensor3RecordsAdjoint.energyJvp(h, v, dh, dv).tangent()).isWithin(1e-10)
          .of(expected);
      assertThat(Tensor3RecordsAdjoint.energyJvp(h, v, new Hand(null, 1.0, 0), null).tangent())
          .isWithin(1e-12).of(gs);
      GradCheck.defaults().assertGradient(Tensor3RecordsAdjoint.energyFunction(h, v),
          Tensor3RecordsAdjoint.energyFlatten(h, v));
      // The Vjp keeps its point: the caller's joints changed afterwards change nothing.
      var vjp = Tensor3RecordsAdjoint.energyVjp(h, v);
      h.joints()[0][0][0] += 10;
      assertThat(vjp.pullback(1.0).h().joints()[0][0][0]).isWithin(1e-12).of(gj[0][0][0]);
    }
  }

  @Test
  void aRecordLocalAroundALocal3DArray() {
    double[][][] t = {{{1.5}}};
    double c = 0.8;
    var g = Tensor3RecordsAdjoint.localGrad(t, c);
    assertThat(g.t()[0][0][0]).isWithin(1e-12).of(2 * 1.5 * c * c * c);
    assertThat(g.c()).isWithin(1e-12).of(3 * 1.5 * 1.5 * c * c);
    assertThat(Tensor3RecordsAdjoint.localJvp(t, c, new double[][][] {{{1}}}, 1).tangent())
        .isWithin(1e-12).of(2 * 1.5 * c * c * c + 3 * 1.5 * 1.5 * c * c);
  }
}

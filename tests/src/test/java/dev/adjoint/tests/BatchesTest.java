package dev.adjoint.tests;

import static com.google.common.truth.Truth.assertThat;

import dev.adjoint.runtime.Batch;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Batch over generated workspaces and functions: per-example gradients equal, bit for bit, the
 * sequential loop's, whatever the parallelism, through a custom rule and a generator made inside.
 */
final class BatchesTest {
  private static final int[] PARALLELISMS = {1, 2, 3, 8};

  @Test
  void perExampleGradientsThroughACustomRule() {
    Random r = new Random(4);
    int n = 101;
    int d = 7;
    double[] w = new double[d];
    for (int i = 0; i < d; i++) {
      w[i] = r.nextGaussian();
    }
    double[][] xs = new double[n][d];
    double[] ys = new double[n];
    for (int e = 0; e < n; e++) {
      for (int i = 0; i < d; i++) {
        xs[e][i] = r.nextGaussian();
      }
      ys[e] = r.nextBoolean() ? 1 : -1;
    }
    // the sequential loop, by the allocating form, checked against the closed form
    double[] values = new double[n];
    double[][] grads = new double[n][];
    for (int e = 0; e < n; e++) {
      var vg = BatchesAdjoint.exampleLossValueAndGrad(w, xs[e], ys[e], 0.1);
      values[e] = vg.value();
      grads[e] = vg.grad().w();
      double z = 0;
      for (int i = 0; i < d; i++) {
        z += w[i] * xs[e][i];
      }
      double s = 1 / (1 + Math.exp(ys[e] * z)); // sigmoid(-y z)
      for (int i = 0; i < d; i++) {
        assertThat(grads[e][i]).isWithin(1e-12).of(-ys[e] * xs[e][i] * s + 0.1 * w[i]);
      }
    }
    for (int p : PARALLELISMS) {
      double[] batchValues = new double[n];
      double[][] batchGrads = new double[n][d];
      Batch.forEach(n, p, BatchesAdjoint::exampleLossWorkspace, (ws, e) -> {
        batchValues[e] = ws.valueAndGrad(w, xs[e], ys[e], 0.1);
        System.arraycopy(ws.w(), 0, batchGrads[e], 0, d);
      });
      assertThat(batchValues).isEqualTo(values);
      for (int e = 0; e < n; e++) {
        assertThat(batchGrads[e]).isEqualTo(grads[e]);
      }
    }
  }

  @Test
  void scenariosOfAMonteCarloPriceWithAGeneratorPerScenario() {
    int n = 40;
    double[][] points = new double[n][];
    for (int s = 0; s < n; s++) {
      points[s] = new double[] {0.8 + 0.01 * s, 0.1 + 0.005 * s};
    }
    var f = BatchesAdjoint.priceFunction(1234L, 500);
    double[] values = new double[n];
    double[][] grads = new double[n][2];
    for (int s = 0; s < n; s++) {
      values[s] = f.valueAndGradient(points[s], grads[s]);
    }
    for (int p : PARALLELISMS) {
      double[] batchValues = new double[n];
      double[][] batchGrads = new double[n][2];
      Batch.forEach(n, p, () -> f,
          (g, s) -> batchValues[s] = g.valueAndGradient(points[s], batchGrads[s]));
      assertThat(batchValues).isEqualTo(values);
      for (int s = 0; s < n; s++) {
        assertThat(batchGrads[s]).isEqualTo(grads[s]);
      }
      double[] viaHelper = new double[n];
      double[][] helperGrads = new double[n][2];
      Batch.valueAndGradient(f, points, viaHelper, helperGrads);
      assertThat(viaHelper).isEqualTo(values);
    }
  }
}

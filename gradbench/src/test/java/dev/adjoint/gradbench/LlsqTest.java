package dev.adjoint.gradbench;

import static com.google.common.truth.Truth.assertThat;

import dev.adjoint.runtime.GradCheck;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The {@code llsq} eval against its definition, written out with Math.pow, and GradCheck. */
final class LlsqTest {

  private static double[] uniform(long seed, int m) {
    Random random = new Random(seed);
    double[] x = new double[m];
    for (int j = 0; j < m; j++) {
      x[j] = random.nextDouble();
    }
    return x;
  }

  private static double t(int i, int n) {
    return -1 + i * 2.0 / (n - 1);
  }

  /** The residual s_i − Σ x_j t_i^j of sample i. */
  private static double residual(double[] x, int i, int n) {
    double r = Math.signum(t(i, n));
    for (int j = 0; j < x.length; j++) {
      r -= x[j] * Math.pow(t(i, n), j);
    }
    return r;
  }

  /** GradBench's tolerance criterion, |a − b| / max(1, |a| + |b|), here far tighter. */
  private static void assertClose(double actual, double expected, double tolerance) {
    assertThat(Math.abs(actual - expected) / Math.max(1, Math.abs(actual) + Math.abs(expected)))
        .isAtMost(tolerance);
  }

  @Test
  void valueAndGradientMatchTheDefinition() {
    for (int n : new int[] {2, 16, 1024, 16392}) {
      for (int m : new int[] {1, 3, 128}) {
        double[] x = uniform(n + m, m);
        double value = 0;
        double[] gradient = new double[m];
        for (int i = 0; i < n; i++) {
          double r = residual(x, i, n);
          value += r * r / 2;
          for (int j = 0; j < m; j++) {
            gradient[j] -= r * Math.pow(t(i, n), j); // ∂/∂x_j of r²/2
          }
        }
        assertClose(Llsq.objective(x, n), value, 1e-12);
        LlsqAdjoint.ObjectiveWorkspace workspace = LlsqAdjoint.objectiveWorkspace();
        assertClose(workspace.valueAndGrad(x, n), value, 1e-12);
        for (int j = 0; j < m; j++) {
          assertClose(workspace.x()[j], gradient[j], 1e-12);
        }
      }
    }
  }

  @Test
  void zeroAtAnExactFit() {
    // With n = 2 the samples are t = -1 and 1, s = -1 and 1: x = (0, 1) fits both exactly.
    double[] x = {0, 1};
    assertThat(Llsq.objective(x, 2)).isEqualTo(0.0);
    assertThat(LlsqAdjoint.objectiveGrad(x, 2).x()).usingExactEquality().containsExactly(0.0, 0.0);
  }

  @Test
  void gradCheckAtEvalSizes() {
    for (int n : new int[] {16, 1024}) {
      GradCheck.defaults()
          .assertGradient(LlsqAdjoint.objectiveFunction(128, n), uniform(n, 128));
    }
  }
}

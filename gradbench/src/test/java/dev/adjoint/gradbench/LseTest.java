package dev.adjoint.gradbench;

import static com.google.common.truth.Truth.assertThat;

import dev.adjoint.runtime.GradCheck;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The {@code lse} eval against closed forms, its rule against the derived gradient and GradCheck. */
final class LseTest {

  private static double[] uniform(long seed, int n, double low, double high) {
    Random random = new Random(seed);
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = low + (high - low) * random.nextDouble();
    }
    return x;
  }

  /** log Σ exp x and the softmax, summed naively: exact enough where nothing overflows. */
  private static double naive(double[] x) {
    double sum = 0;
    for (double v : x) {
      sum += Math.exp(v);
    }
    return Math.log(sum);
  }

  @Test
  void valueAndGradientAreLogSumExpAndSoftmax() {
    for (int n : new int[] {1, 2, 7, 2500}) {
      double[] x = uniform(n, n, -20, 20);
      double lse = naive(x);
      assertThat(Lse.primal(x)).isWithin(1e-13 * Math.max(1, Math.abs(lse))).of(lse);
      LseAdjoint.PrimalWorkspace workspace = LseAdjoint.primalWorkspace();
      assertThat(workspace.valueAndGrad(x)).isEqualTo(Lse.primal(x));
      double sum = 0;
      for (int i = 0; i < n; i++) {
        double softmax = Math.exp(x[i] - lse);
        assertThat(workspace.x()[i]).isWithin(1e-13 * Math.max(1e-300, softmax)).of(softmax);
        sum += workspace.x()[i];
      }
      assertThat(sum).isWithin(1e-12).of(1.0);
    }
  }

  @Test
  void stableWhereTheNaiveFormOverflows() {
    double[] x = {1000, 1000, 1000, -1000};
    assertThat(naive(x)).isPositiveInfinity();
    assertThat(Lse.primal(x)).isWithin(1e-12).of(1000 + Math.log(3));
    double[] gradient = LseAdjoint.primalGrad(x).x();
    assertThat(gradient).usingTolerance(1e-15).containsExactly(1 / 3.0, 1 / 3.0, 1 / 3.0, 0.0);
  }

  @Test
  void ruleAgreesWithTheGradientDerivedFromItsBody() {
    for (long seed = 0; seed < 20; seed++) {
      double[] x = uniform(seed, 1 + (int) seed * 7, -50, 50);
      double[] rule = LseAdjoint.logSumExpGrad(x).x();
      double[] derived = LseAdjoint.FromBody.logSumExpGrad(x).x();
      assertThat(rule).usingTolerance(1e-13).containsExactly(derived).inOrder();
    }
  }

  @Test
  void gradCheckAtSmallAndEvalSizes() {
    GradCheck.defaults().assertGradient(LseAdjoint.primalFunction(50), uniform(1, 50, -3, 3));
    // GradBench's smallest size: above the full-Jacobian limit, so the dot-product test.
    GradCheck.defaults().assertGradient(LseAdjoint.primalFunction(2500), uniform(2, 2500, 0, 1));
  }
}

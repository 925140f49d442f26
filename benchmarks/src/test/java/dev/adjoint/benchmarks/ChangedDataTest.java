package dev.adjoint.benchmarks;

import static com.google.common.truth.Truth.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The three {@link ChangedDataBenchmark} workloads compute the same value and gradient, 2 w_i
 * (x_i - 1), so their timings compare like with like.
 */
class ChangedDataTest {

  @Test
  void bothWorkloadsGiveTheClosedFormGradient() {
    for (int n : new int[] {1000, 100_000}) {
      double[] x = Inputs.rosenbrockPoint(n, 1);
      double[] w = Inputs.rosenbrockPoint(n, 2);
      var plain = ChangedDataAdjoint.weightedWorkspace();
      var touched = ChangedDataAdjoint.weightedThenTouchedWorkspace();
      var touchedEachTrip = ChangedDataAdjoint.weightedTouchedEachTripWorkspace();
      double value = plain.valueAndGrad(x, w);
      assertThat(touched.valueAndGrad(x, w)).isEqualTo(value);
      assertThat(touchedEachTrip.valueAndGrad(x, w)).isEqualTo(value);
      assertThat(value).isEqualTo(ChangedData.weighted(x, w));
      for (int i = 0; i < n; i++) {
        double expected = 2 * w[i] * (x[i] - 1);
        assertThat(plain.x()[i]).isWithin(1e-12 * (1 + Math.abs(expected))).of(expected);
        assertThat(touched.x()[i]).isEqualTo(plain.x()[i]);
        assertThat(touchedEachTrip.x()[i]).isEqualTo(plain.x()[i]);
      }
    }
  }
}

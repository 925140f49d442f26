package dev.adjoint.tests;

import static com.google.common.truth.Truth.assertThat;

import org.junit.jupiter.api.Test;

/** Reading the length of a String[] or an int[][] row in differentiable code (issue 9). */
final class OtherArrayLengthsTest {

  @Test
  void lengthsOfArraysWithoutTangentAreRead() {
    String[] labels = {"a", "b", "c"};
    int[][] counts = new int[2][5];
    for (double x : new double[] {-1.5, 0.0, 2.25}) {
      var vg = OtherArrayLengthsAdjoint.weightedValueAndGrad(x, labels, counts);
      assertThat(vg.value()).isEqualTo(OtherArrayLengths.weighted(x, labels, counts));
      assertThat(vg.value()).isWithin(1e-12).of(3 * x * x + 5 * x + 2);
      assertThat(vg.grad().x()).isWithin(1e-12).of(6 * x + 5);
    }
  }
}

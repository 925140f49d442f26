package dev.adjoint.tests;

import java.util.Random;

/** Seeded random inputs for the array tests. */
final class RandomArrays {
  private RandomArrays() {}

  /** {@code n} standard normal values. */
  static double[] gaussian(Random r, int n) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = r.nextGaussian();
    }
    return x;
  }
}

package dev.adjoint.tests;

import java.util.Random;

/** Seeded random inputs for the array tests. */
final class RandomArrays {
  private RandomArrays() {}

  /** {@code n} values uniform in [-2, 2). */
  static double[] uniform(Random r, int n) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = r.nextDouble() * 4 - 2;
    }
    return x;
  }

  /** {@code n} standard normal values. */
  static double[] gaussian(Random r, int n) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = r.nextGaussian();
    }
    return x;
  }
}

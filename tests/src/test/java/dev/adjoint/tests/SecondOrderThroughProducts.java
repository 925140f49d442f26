package dev.adjoint.tests;

import dev.adjoint.Differentiable;

/**
 * Calls that second order cannot write in (a row argument, a recursive callee) go through the
 * callee's own Hessian-vector products where the callee has {@code order = 2}, as the error for
 * them advises (SecondOrderThroughProductsTest).
 */
final class SecondOrderThroughProducts {
  private SecondOrderThroughProducts() {}

  @Differentiable(order = 2)
  static double cubes(double[] v) {
    double s = 0;
    for (double e : v) {
      s += e * e * e;
    }
    return s;
  }

  /** A row of a matrix passed on: not written in, through cubes' products. */
  @Differentiable(order = 2)
  static double rows(double[][] m) {
    double s = 0;
    for (int i = 0; i < m.length; i++) {
      s += cubes(m[i]) * (i + 1);
    }
    return s;
  }

  /** x^n by recursion: not written in (it calls itself), through its own products. */
  @Differentiable(order = 2)
  static double power(double x, int n) {
    return n <= 1 ? x : x * power(x, n - 1);
  }

  @Differentiable(order = 2)
  static double recursive(double x) {
    double y = power(x, 4);
    return Math.sin(y);
  }
}

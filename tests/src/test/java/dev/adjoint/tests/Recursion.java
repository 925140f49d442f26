package dev.adjoint.tests;

import dev.adjoint.Differentiable;

/** Plain recursion of @Differentiable methods (issue 11), as GradBench's det is written. */
final class Recursion {
  private Recursion() {}

  /** x^n by recursion on n. */
  @Differentiable
  static double power(double x, int n) {
    if (n == 0) {
      return 1;
    }
    return x * power(x, n - 1);
  }

  /**
   * The determinant of the n x n row-major matrix a by Laplace expansion along the first row, as
   * GradBench's det: one minor buffer, overwritten for each column after the recursive call that
   * read it.
   */
  @Differentiable
  static double det(double[] a, int n) {
    if (n == 1) {
      return a[0];
    }
    double s = 0;
    double sign = 1;
    double[] minor = new double[(n - 1) * (n - 1)];
    for (int j = 0; j < n; j++) {
      int k = 0;
      for (int r = 1; r < n; r++) {
        for (int c = 0; c < n; c++) {
          if (c != j) {
            minor[k] = a[r * n + c];
            k++;
          }
        }
      }
      s += sign * a[j] * det(minor, n - 1);
      sign = -sign;
    }
    return s;
  }

  /** Mutual recursion: even(x, n) = odd(1.5 x, n - 1), odd(x, n) = even(x^2, n - 1), sin at 0. */
  @Differentiable
  static double even(double x, int n) {
    return n == 0 ? Math.sin(x) : odd(1.5 * x, n - 1);
  }

  @Differentiable
  static double odd(double x, int n) {
    return n == 0 ? Math.sin(x) : even(x * x, n - 1);
  }

  /** x^(2^n) element by element: a double[] result built from the recursive call's. */
  @Differentiable
  static double[] repeatedSquares(double[] x, int n) {
    double[] y = new double[x.length];
    if (n == 0) {
      for (int i = 0; i < x.length; i++) {
        y[i] = x[i];
      }
      return y;
    }
    double[] z = repeatedSquares(x, n - 1);
    for (int i = 0; i < x.length; i++) {
      y[i] = z[i] * z[i];
    }
    return y;
  }
}

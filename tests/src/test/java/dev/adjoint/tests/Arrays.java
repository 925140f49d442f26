package dev.adjoint.tests;

import dev.adjoint.Differentiable;
import dev.adjoint.NoDiff;

/** double[] parameters and locals: reads, writes, compound writes, lengths, data arrays. */
final class Arrays {
  private Arrays() {}

  /** The N-dimensional Rosenbrock function. */
  @Differentiable
  static double rosenbrock(double[] x) {
    double sum = 0;
    for (int i = 0; i + 1 < x.length; i++) {
      double a = x[i + 1] - x[i] * x[i];
      double b = 1 - x[i];
      sum += 100 * a * a + b * b;
    }
    return sum;
  }

  /** w . v with v data: the gradient is v. */
  @Differentiable
  static double dot(double[] w, @NoDiff double[] v) {
    double s = 0;
    for (int i = 0; i < w.length; i++) {
      s += w[i] * v[i];
    }
    return s;
  }

  /** A scratch array written, updated in place and read back: sum of squared prefix sums. */
  @Differentiable
  static double prefixSquares(double[] x, double scale) {
    double[] p = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      p[i] = scale * x[i];
      if (i > 0) {
        p[i] += p[i - 1];
      }
    }
    double s = 0;
    for (int i = 0; i < p.length; i++) {
      s += p[i] * p[i];
    }
    return s;
  }

  /** An element overwritten twice and incremented: y[0] = x0; y[0] = y[0]^2; y[0]++. */
  @Differentiable
  static double overwrite(double[] x) {
    double[] y = new double[1];
    y[0] = x[0];
    y[0] = y[0] * y[0];
    y[0]++;
    return y[0] * x[1];
  }

  /** Arrays handed to another @Differentiable method, twice, and filled and copied. */
  @Differentiable
  static double composed(double[] x, @NoDiff double[] v) {
    double[] y = new double[x.length];
    System.arraycopy(x, 0, y, 0, x.length);
    y[0] = y[0] * 3;
    double[] ones = new double[x.length];
    java.util.Arrays.fill(ones, 1.0);
    return rosenbrock(y) + dot(x, v) + dot(y, ones);
  }

  /**
   * A scratch array overwritten after each call that reads it: the callee's pullback must see
   * the elements as they were at its call. f = sum over i of rosenbrock((x_i, x_0)).
   */
  @Differentiable
  static double callThenOverwrite(double[] x) {
    double[] y = new double[2];
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      y[0] = x[i];
      y[1] = x[0];
      s += rosenbrock(y);
    }
    return s;
  }
}

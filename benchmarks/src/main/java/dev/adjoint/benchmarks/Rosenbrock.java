package dev.adjoint.benchmarks;

import dev.adjoint.Differentiable;

/** The N-dimensional Rosenbrock function, with its adjoint written by hand. */
public final class Rosenbrock {
  private Rosenbrock() {}

  /** Sum over i &lt; n - 1 of 100 (x[i+1] - x[i]^2)^2 + (1 - x[i])^2. */
  @Differentiable
  public static double rosenbrock(double[] x) {
    double sum = 0;
    for (int i = 0; i + 1 < x.length; i++) {
      double a = x[i + 1] - x[i] * x[i];
      double b = 1 - x[i];
      sum += 100 * a * a + b * b;
    }
    return sum;
  }

  /**
   * The value, with the gradient written into {@code g} (length {@code x.length}, overwritten):
   * one fused pass, the term of i adding 200 a to g[i + 1], carried in a local to the next trip.
   */
  public static double valueAndGradient(double[] x, double[] g) {
    int n = x.length;
    double sum = 0;
    double carry = 0;
    for (int i = 0; i + 1 < n; i++) {
      double xi = x[i];
      double a = x[i + 1] - xi * xi;
      double b = 1 - xi;
      sum += 100 * a * a + b * b;
      g[i] = carry - 400 * a * xi - 2 * b;
      carry = 200 * a;
    }
    if (n > 0) {
      g[n - 1] = carry;
    }
    return sum;
  }
}

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
   * The value, with the directional derivative along {@code v} written into {@code tangent[0]}:
   * forward mode by hand, one pass, the tangent of each term simplified ({@code 2 x dx} for the
   * derivative of {@code x * x}).
   */
  public static double jvp(double[] x, double[] v, double[] tangent) {
    double sum = 0;
    double sumDot = 0;
    for (int i = 0; i + 1 < x.length; i++) {
      double xi = x[i];
      double di = v[i];
      double a = x[i + 1] - xi * xi;
      double aDot = v[i + 1] - 2 * xi * di;
      double b = 1 - xi;
      sum += 100 * a * a + b * b;
      sumDot += 200 * a * aDot - 2 * b * di;
    }
    tangent[0] = sumDot;
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

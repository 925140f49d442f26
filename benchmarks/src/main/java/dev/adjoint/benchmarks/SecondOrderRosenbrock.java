package dev.adjoint.benchmarks;

import dev.adjoint.Differentiable;

/** {@link Rosenbrock}'s function with {@code order = 2}: its Hessian-vector products. */
public final class SecondOrderRosenbrock {
  private SecondOrderRosenbrock() {}

  /** Sum over i &lt; n - 1 of 100 (x[i+1] - x[i]^2)^2 + (1 - x[i])^2, as {@link Rosenbrock}. */
  @Differentiable(order = 2)
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
   * Sum over i &lt; n - 1 of log(1 + exp(x[i] x[i+1])) + cos(x[i]) exp(-x[i]^2 / 2): a function
   * whose Hessian-vector sweep is mostly transcendental work at the point (the values and their
   * partials), which {@code MHvpAt} computes once and each {@code apply} reuses.
   */
  @Differentiable(order = 2)
  public static double transcendental(double[] x) {
    double sum = 0;
    for (int i = 0; i + 1 < x.length; i++) {
      double z = x[i] * x[i + 1];
      sum += Math.log(1 + Math.exp(z)) + Math.cos(x[i]) * Math.exp(-0.5 * x[i] * x[i]);
    }
    return sum;
  }
}

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
}

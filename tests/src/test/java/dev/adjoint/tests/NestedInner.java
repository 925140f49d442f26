package dev.adjoint.tests;

import dev.adjoint.Differentiable;

/**
 * {@code order = 2} methods whose generated first-order API {@link Nested} calls inside its own
 * differentiated code (issue 12, gradients inside differentiated code).
 */
final class NestedInner {
  private NestedInner() {}

  /** y³, first order only: its gradient is a constant inside code differentiated in x alone. */
  @Differentiable
  static double cube(double y) {
    return y * y * y;
  }

  /** x + y: Siskind and Pearlmutter's inner function; its gradient is (1, 1), its Hessian 0. */
  @Differentiable(order = 2)
  static double plus(double x, double y) {
    return x + y;
  }

  /** ½(3x² + y²) + ½xy: a quadratic bowl with Hessian [[3, ½], [½, 1]]. */
  @Differentiable(order = 2)
  static double quad(double x, double y) {
    return 0.5 * (3 * x * x + y * y) + 0.5 * x * y;
  }

  /** A bowl that is not quadratic: every second derivative varies. */
  @Differentiable(order = 2)
  static double bowl(double x, double y) {
    return x * x * Math.sin(y) + Math.exp(0.3 * x * y) + 0.25 * y * y * y * y;
  }

  /** A scaled Rosenbrock function of n variables. */
  @Differentiable(order = 2)
  static double rosen(double[] x) {
    double s = 0;
    for (int i = 0; i + 1 < x.length; i++) {
      double a = 1 - x[i];
      double b = x[i + 1] - x[i] * x[i];
      s += a * a + 10 * b * b;
    }
    return s;
  }

  /** An instance method with a field, and an int and a {@code @NoDiff} parameter. */
  static final class Scaled {
    final double scale;

    Scaled(double scale) {
      this.scale = scale;
    }

    @Differentiable(order = 2)
    double energy(double x, int power, @dev.adjoint.NoDiff double shift, double y) {
      double p = 1;
      for (int i = 0; i < power; i++) {
        p *= x;
      }
      return scale * p * Math.cos(y) + shift * x * y * y;
    }
  }
}

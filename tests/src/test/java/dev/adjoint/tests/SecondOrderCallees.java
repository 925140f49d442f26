package dev.adjoint.tests;

import dev.adjoint.Differentiable;

/** {@code order = 2} methods that {@link SecondOrderCallers} calls from its own. */
final class SecondOrderCallees {
  private SecondOrderCallees() {}

  /** Σ xᵢ³: Hessian diag(6 xᵢ). */
  @Differentiable(order = 2)
  static double cubes(double[] x) {
    double s = 0;
    for (double e : x) {
      s += e * e * e;
    }
    return s;
  }

  /** sin(a) b²: Hessian [[-sin(a) b², 2 cos(a) b], [2 cos(a) b, 2 sin(a)]]. */
  @Differentiable(order = 2)
  static double mix(double a, double b) {
    return Math.sin(a) * b * b;
  }

  /** s Σ wᵢ²: its caller passes a constant w (a zero direction for an array). */
  @Differentiable(order = 2)
  static double scaled(double[] w, double s) {
    double q = 0;
    for (double e : w) {
      q += e * e;
    }
    return s * q;
  }
}

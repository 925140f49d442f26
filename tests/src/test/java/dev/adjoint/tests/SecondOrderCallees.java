package dev.adjoint.tests;

import dev.adjoint.CustomJvp;
import dev.adjoint.Differentiable;
import dev.adjoint.Jvp;
import dev.adjoint.runtime.JvpResult;

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

  /**
   * exp(a) b, without order = 2: an order = 2 caller compiled with it gives it second-order
   * members.
   */
  @Differentiable
  static double plain(double a, double b) {
    return Math.exp(a) * b;
  }

  /** log(1 + eˣ) as a @CustomJvp rule, without order = 2 (given it by its caller, likewise). */
  @CustomJvp
  static double softplus(double x) {
    return Math.log1p(Math.exp(x));
  }

  @Jvp("softplus")
  static JvpResult<Double, Double> softplusJvp(double x, double xDot) {
    return JvpResult.of(Math.log1p(Math.exp(x)), xDot / (1 + Math.exp(-x)));
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

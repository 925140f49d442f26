package dev.adjoint.tests;

import dev.adjoint.CustomJvp;
import dev.adjoint.Differentiable;
import dev.adjoint.Jvp;
import dev.adjoint.runtime.JvpResult;

/**
 * {@code order = 2} on {@code @CustomJvp} methods: their Hessian-vector products differentiate the
 * {@code @Jvp} rule's tangent a second time, as JAX does.
 */
final class SecondOrderRules {
  private SecondOrderRules() {}

  /** log(1 + eˣ), stable: second derivative σ(x)(1 − σ(x)), also at x = 1000. */
  @CustomJvp(order = 2)
  static double softplus(double x) {
    return Math.log(1 + Math.exp(x));
  }

  @Jvp("softplus")
  static JvpResult<Double, Double> softplusJvp(double x, double xDot) {
    return JvpResult.of(x > 30 ? x : Math.log1p(Math.exp(x)), xDot / (1 + Math.exp(-x)));
  }

  /** Σ xᵢ⁴ / 4 + y xₙ₋₁, its rule a loop: Hessian diag(3xᵢ²) plus the y, xₙ₋₁ pair. */
  @CustomJvp(order = 2)
  static double quartic(double[] x, double y) {
    double s = 0;
    for (double e : x) {
      s += e * e * e * e / 4;
    }
    return s + y * x[x.length - 1];
  }

  @Jvp("quartic")
  static JvpResult<Double, Double> quarticJvp(double[] x, double y, double[] xDot, double yDot) {
    double t = 0;
    for (int i = 0; i < x.length; i++) {
      t += x[i] * x[i] * x[i] * xDot[i];
    }
    int last = x.length - 1;
    t += yDot * x[last] + y * xDot[last];
    return JvpResult.of(quartic(x, y), t);
  }

  /** x³, with a rule that says 6x² on purpose: its second derivative is the rule's, 12x. */
  @CustomJvp(order = 2)
  static double doubled(double x) {
    return x * x * x;
  }

  @Jvp("doubled")
  static JvpResult<Double, Double> doubledJvp(double x, double xDot) {
    return JvpResult.of(x * x * x, 6 * x * x * xDot);
  }

  /** softplus(x y) + doubled(x): calls of the rules, written through their products. */
  @Differentiable(order = 2)
  static double caller(double x, double y) {
    double a = x > 0 ? softplus(x * y) : softplus(-x * y);
    return a + doubled(x);
  }
}

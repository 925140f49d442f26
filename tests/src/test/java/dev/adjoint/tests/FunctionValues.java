package dev.adjoint.tests;

import dev.adjoint.Bwd;
import dev.adjoint.CustomVjp;
import dev.adjoint.Differentiable;
import dev.adjoint.Fwd;
import dev.adjoint.runtime.FwdResult;

/**
 * A method whose callee's rule computes its value otherwise than the callee's body (a rule the
 * way a user might write one, with an approximation in its forward half): {@code mFunction}'s
 * {@code value} is the method's own, as JAX evaluates a function outside a transformation.
 */
final class FunctionValues {
  private FunctionValues() {}

  /** log(1 + e^x). */
  @CustomVjp
  static double softplus(double x) {
    return Math.log1p(Math.exp(x));
  }

  /** The forward half: a cheaper value, close for large x (0.03 at x = 0.5). */
  @Fwd("softplus")
  static FwdResult<Double, Double> softplusFwd(double x) {
    double value = x > 0 ? x + Math.exp(-x) - 0.5 * Math.exp(-2 * x) : Math.log1p(Math.exp(x));
    return FwdResult.of(value, x);
  }

  @Bwd("softplus")
  static double softplusBwd(Double x, double g) {
    return g / (1 + Math.exp(-x));
  }

  @Differentiable
  static double sum(double[] x) {
    double s = 0;
    for (double v : x) {
      s += softplus(v) * v;
    }
    return s;
  }
}

package dev.adjoint.tests;

import dev.adjoint.Differentiable;

/**
 * Methods of another class whose generated {@code gJvp} the {@code @Jvp} rules of {@link
 * JvpRuleCalls} call as linear calls.
 */
final class JvpRuleCallTargets {
  private JvpRuleCallTargets() {}

  /** sin(x)·y + x², gradient (cos(x)·y + 2x, sin(x)). */
  @Differentiable
  static double wave(double x, double y) {
    return Math.sin(x) * y + x * x;
  }

  /** Σ vᵢ², gradient 2v. */
  @Differentiable
  static double norm2(double[] v) {
    double s = 0;
    for (double e : v) {
      s += e * e;
    }
    return s;
  }
}

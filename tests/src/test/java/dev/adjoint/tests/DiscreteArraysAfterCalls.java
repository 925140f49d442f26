package dev.adjoint.tests;

import dev.adjoint.Differentiable;

/**
 * A local {@code int[]} or {@code boolean[]} passed to another class's method in a loop and
 * written after the call (red team of stop 28): the callee's pullback reads the array again, and
 * the reverse sweep did not put the element back, so every trip's pullback read the last trip's
 * array (a wrong gradient from {@code fGrad}, or a tape underflow where a flag chose a branch).
 */
final class DiscreteArraysAfterCalls {
  private DiscreteArraysAfterCalls() {}

  /**
   * idx {1, 0}, then {0, 0}, then {0, 1}, weighted 1, 2, 3: 5x₀³ + 3x₀²x₁ + x₀x₁² + 3x₁³.
   */
  @Differentiable(order = 2)
  static double indices(double[] x) {
    int[] idx = {1, 0};
    double s = 0;
    for (int t = 0; t < 3; t++) {
      s += DiscreteArraysAfterCallsCallee.isum(idx, x) * (t + 1);
      idx[t % 2] = 1 - idx[t % 2];
    }
    return s;
  }

  /** on {T, F}, then {F, F}, then {F, T}: x₀³ + 2x₀² + 2x₁² + x₁³. */
  @Differentiable(order = 2)
  static double flags(double[] x) {
    boolean[] on = {true, false};
    double s = 0;
    for (int t = 0; t < 3; t++) {
      s += DiscreteArraysAfterCallsCallee.bsum(on, x);
      on[t % 2] = !on[t % 2];
    }
    return s;
  }
}

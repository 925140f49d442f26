package dev.adjoint.tests;

import dev.adjoint.Differentiable;

/**
 * An {@code order = 2} method that reads a mutable static field, and a method differentiated
 * through its gradient: the caller's Vjp must not see the field change before its pullback.
 */
final class NestedState {
  private NestedState() {}

  static double scale = 1.0;

  /** scale · x³. */
  @Differentiable(order = 2)
  static double cube(double x) {
    return scale * x * x * x;
  }

  /** Users of {@link #cube}'s generated gradient. */
  static final class User {
    private User() {}

    /** d/dx cube = 3 scale x²; its derivative 6 scale x. */
    @Differentiable
    static double slope(double x) {
      return NestedStateAdjoint.cubeGrad(x).x();
    }
  }
}

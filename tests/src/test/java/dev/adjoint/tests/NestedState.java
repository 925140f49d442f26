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

  /** x₀² x₁: gradient (2 x₀ x₁, x₀²). */
  @Differentiable(order = 2)
  static double bowl(double[] x) {
    return x[0] * x[0] * x[1];
  }

  /**
   * A method whose only use of a generated class is an array gradient read into a local: it was
   * rejected as an array alias in the first round, before the class it waits for existed.
   */
  static final class ArrayUser {
    private ArrayUser() {}

    /** (2 x₀ x₁)(x₀²) = 2 x₀³ x₁: gradient (6 x₀² x₁, 2 x₀³). */
    @Differentiable
    static double gradProduct(double[] x) {
      double[] grad = NestedStateAdjoint.bowlGrad(x).x();
      return grad[0] * grad[1];
    }
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

package dev.adjoint.tests;

import dev.adjoint.Differentiable;
import dev.adjoint.NoDiff;

/**
 * User names that the generated code also likes to use (xBar, value, taken, cotangent, point,
 * gradientOut, ...), and a nested class: generated code must not capture or shadow them.
 */
final class Naming {
  private Naming() {}

  /** Locals named like the generated temporaries and adjoints; a parameter called value. */
  @Differentiable
  static double clash(double x, double value) {
    double xBar = x * value;
    double valueBar = Math.exp(xBar);
    boolean taken = x > 0;
    double product = taken ? valueBar : xBar;
    double sum = product + x;
    double cotangent = sum * 0.25;
    double exp = Math.exp(cotangent);
    return exp * xBar;
  }

  /** Parameters named like the pullback's parameter and the generated result variable. */
  @Differentiable
  static double cotangentParam(double cotangent, double result) {
    return cotangent * Math.sin(result);
  }

  /** Nondifferentiable parameters bound by {@code shadowFunction(...)}. */
  @Differentiable
  static double shadow(double x, @NoDiff double point, int gradientOut) {
    return x * point + gradientOut * x * x;
  }

  /** Calls two classes that share the simple name Calls (dev.adjoint.tests and its lib). */
  @Differentiable
  static double sameSimpleName(double x, double y) {
    return dev.adjoint.tests.lib.Calls.square(x) * Calls.inner(x, y);
  }

  /** Not annotated: uses this class's own generated adjoint, which exists only after round 1. */
  static double slopeOfSameSimpleName(double x, double y) {
    return NamingAdjoint.sameSimpleNameGrad(x, y).x();
  }

  static final class Inner {
    private Inner() {}

    /** In a nested class: generated into Naming_InnerAdjoint. */
    @Differentiable
    static double cube(double x) {
      return x * x * x;
    }
  }
}
